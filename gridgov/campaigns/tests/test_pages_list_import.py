"""The household-list page of a campaign targeted by list: upload, every bad row shown, good rows
kept, bad files refused with the field named, only managers of a draft."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from gridgov.access.roles import Role
from gridgov.campaigns.models import ListEntry, TargetMode
from gridgov.campaigns.testing import build_campaign_world, start

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(header: list, rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return SimpleUploadedFile("list.xlsx", stream.getvalue(), content_type=XLSX)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    world = build_campaign_world()
    world.campaign.target_mode = TargetMode.LIST
    world.campaign.save(update_fields=["target_mode"])
    return world


def test_a_manager_imports_the_list_and_sees_every_bad_row(world):
    url = reverse("campaigns:list_import", args=[world.campaign.pk])
    client = _client(world.users[Role.DISTRICT_ADMIN])
    detail = client.get(reverse("campaigns:detail", args=[world.campaign.pk]), **EN).content.decode()
    assert url in detail
    page = client.post(url, {"file": _upload(["户号"], [["H-A101"], ["H-NOPE"], ["H-B201"]])}, **EN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 rows read: 2 households found, 2 added to the list, 1 rows refused." in text
    assert "H-NOPE" in text and 'id="gg-list-bad-rows"' in text
    listed = ListEntry.objects.filter(campaign=world.campaign).values_list("household__number", flat=True)
    assert sorted(listed) == ["H-A101", "H-B201"]
    # Replacing keeps exactly the new file's good rows.
    client.post(url, {"file": _upload(["户号"], [["H-B201"]]), "replace": "on"}, **EN)
    listed = ListEntry.objects.filter(campaign=world.campaign).values_list("household__number", flat=True)
    assert list(listed) == ["H-B201"]


def test_bad_files_are_refused_with_the_field_named_and_change_nothing(world):
    url = reverse("campaigns:list_import", args=[world.campaign.pk])
    client = _client(world.users[Role.DISTRICT_ADMIN])
    missing = client.post(url, {}, **EN)
    assert missing.status_code == 400 and 'data-field="file"' in missing.content.decode()
    junk = SimpleUploadedFile("list.xlsx", b"not a workbook", content_type=XLSX)
    refused = client.post(url, {"file": junk}, **EN)
    assert refused.status_code == 400
    assert "This is not an Excel (.xlsx) file." in refused.content.decode()
    no_column = client.post(url, {"file": _upload(["姓名"], [["张三"]])}, **EN)
    assert no_column.status_code == 400 and "户号" in no_column.content.decode()
    assert not ListEntry.objects.filter(campaign=world.campaign).exists()


def test_only_managers_of_a_draft_list_campaign_may_upload(world):
    url = reverse("campaigns:list_import", args=[world.campaign.pk])
    assert _client(world.users[Role.GRID_WORKER]).get(url).status_code == 403
    assert _client(world.users[Role.COMMUNITY_ADMIN]).get(url).status_code == 403
    client = _client(world.users[Role.DISTRICT_ADMIN])
    client.post(url, {"file": _upload(["户号"], [["H-A101"]])})
    start(world)
    late = client.post(url, {"file": _upload(["户号"], [["H-B201"]])}, **EN)
    assert late.status_code == 400 and 'id="gg-list-form"' not in late.content.decode()
    assert "only before the campaign starts" in late.content.decode()
    assert ListEntry.objects.filter(campaign=world.campaign).count() == 1
