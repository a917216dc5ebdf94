"""The export pages: request form (bad input, denials), the approval queue without one's own
requests, the requester's download and refusals for everyone else."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import include, path, reverse
from openpyxl import load_workbook

import gridgov.urls
from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns import exports
from gridgov.campaigns.models import ExportRequest, ExportState
from gridgov.campaigns.testing import GRID_A
from gridgov.campaigns.tests.test_personal_world import privacy_world

# Until the lead wires privacy_urls into gridgov/urls.py, these tests mount it themselves.
urlpatterns = [
    path("campaigns/<int:campaign>/exports/", include("gridgov.campaigns.privacy_urls")),
    *gridgov.urls.urlpatterns,
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, campaign, *args) -> str:
    return reverse(f"campaign_exports:{name}", args=[campaign.pk, *args])


def test_request_approve_download_through_the_pages():
    world, _other = privacy_world()
    campaign = world.campaign
    requester, approver = world.users[Role.COMMUNITY_ADMIN], world.users[Role.STREET_ADMIN]
    mine = _client(requester)
    page = mine.get(_url("list", campaign), **EN)
    assert page.status_code == 200 and 'id="gg-export-form"' in page.content.decode()
    response = mine.post(
        _url("request", campaign), {"area": world.units[GRID_A].pk, "reason": "复核发热户名单"}
    )
    assert response.status_code == 302
    export = ExportRequest.objects.get()
    assert export.state == ExportState.PENDING and export.requested_by == requester
    # No approve button on one's own request; the second person has one.
    own = mine.get(_url("list", campaign), **EN).content.decode()
    assert _url("approve", campaign, export.pk) not in own and "复核发热户名单" in own
    second = _client(approver)
    queue = second.get(_url("list", campaign), **EN).content.decode()
    assert _url("approve", campaign, export.pk) in queue
    assert second.post(_url("approve", campaign, export.pk), {"note": "同意"}).status_code == 302
    export.refresh_from_db()
    assert export.state == ExportState.APPROVED and export.decided_by == approver
    listing = mine.get(_url("list", campaign), **EN).content.decode()
    assert _url("download", campaign, export.pk) in listing and "3 downloads left" in listing
    download = mine.post(_url("download", campaign, export.pk))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert "attachment" in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.content))
    assert f"{export.pk}" in book.worksheets[0]["A1"].value
    assert "2 downloads left" in mine.get(_url("list", campaign), **EN).content.decode()
    # The download is a POST: a GET spends nothing.
    assert mine.get(_url("download", campaign, export.pk)).status_code == 405


def test_bad_input_is_shown_on_the_form_and_changes_nothing():
    world, _other = privacy_world()
    client = _client(world.users[Role.COMMUNITY_ADMIN])
    empty = client.post(
        _url("request", world.campaign), {"area": world.units[GRID_A].pk, "reason": " "}, **EN
    )
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    short = client.post(
        _url("request", world.campaign), {"area": world.units[GRID_A].pk, "reason": "看看"}, **EN
    )
    assert short.status_code == 400 and "at least 4 characters" in short.content.decode()
    outside = client.post(
        _url("request", world.campaign),
        {"area": world.units["150502002001"].pk, "reason": "复核发热户"},
        **EN,
    )
    assert outside.status_code == 400 and 'data-field="area"' in outside.content.decode()
    assert ExportRequest.objects.count() == 0


def test_the_requester_cannot_approve_through_the_page_either():
    world, _other = privacy_world()
    requester = world.users[Role.COMMUNITY_ADMIN]
    export = exports.request_export(requester, world.campaign, area=world.units[GRID_A], reason="复核发热户")
    response = _client(requester).post(_url("approve", world.campaign, export.pk), **EN)
    assert response.status_code == 403 and "second person" in response.content.decode()
    export.refresh_from_db()
    assert export.state == ExportState.PENDING
    assert AuditEntry.objects.filter(action=exports.DECIDE_ACTION, outcome=Outcome.DENIED).exists()
    # Deciding twice: the second answer says so.
    approver = _client(world.users[Role.STREET_ADMIN])
    assert approver.post(_url("reject", world.campaign, export.pk), {"note": "不必要"}).status_code == 302
    again = approver.post(_url("approve", world.campaign, export.pk), **EN)
    assert again.status_code == 409 and ExportRequest.objects.get().state == ExportState.REJECTED


def test_denials_for_others():
    world, _other = privacy_world()
    export = exports.request_export(
        world.users[Role.COMMUNITY_ADMIN], world.campaign, area=world.units[GRID_A], reason="复核发热户"
    )
    exports.approve_export(world.users[Role.STREET_ADMIN], export)
    # A grid worker holds neither right: 403, audited.
    worker = _client(world.users[Role.GRID_WORKER])
    assert worker.get(_url("list", world.campaign)).status_code == 403
    assert worker.post(_url("download", world.campaign, export.pk)).status_code == 403
    assert (
        AuditEntry.objects.filter(action="access.denied", actor_id=world.users[Role.GRID_WORKER].pk).count()
        == 2
    )
    # The approver may see the request but not download it.
    approver = _client(world.users[Role.STREET_ADMIN])
    refused = approver.post(_url("download", world.campaign, export.pk), **EN)
    assert refused.status_code == 403 and "Only the requester" in refused.content.decode()
    # Another street's administrator does not even find the campaign.
    from gridgov.access.testing import make_user

    stranger = _client(make_user("stranger", Role.STREET_ADMIN, world.units["150502002"]))
    assert stranger.get(_url("list", world.campaign)).status_code == 404
    assert stranger.post(_url("approve", world.campaign, export.pk)).status_code == 404
    assert ExportRequest.objects.get().downloads == 0
    anonymous = Client().get(_url("list", world.campaign))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
