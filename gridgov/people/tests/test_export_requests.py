"""Unmasked exports: request with a reason, a second person's approval, one download, watermark."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.inbox.models import Notification
from gridgov.people import export_requests
from gridgov.people.export_requests import decide_export, open_export, pending_for, request_export
from gridgov.people.services import RegistryError
from gridgov.people.testing import CANARY_ID, CANARY_PHONE, OTHER_DISTRICT_ID, SECOND_ID, build_registry_world
from gridgov.people.tests.export_files import all_text, rows
from gridgov.people.transfers import ExportRequest, ExportStatus, RecordKind

pytestmark = pytest.mark.django_db

COMMUNITY = "150502001001"


@pytest.fixture
def reg():
    return build_registry_world()


@pytest.fixture
def requester(reg):
    user = reg.users[Role.COMMUNITY_ADMIN]
    user.first_name, user.last_name = "秀兰", "包"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def approver(reg):
    user = reg.users[Role.STREET_ADMIN]
    user.first_name, user.last_name = "国庆", "韩"
    user.save(update_fields=["first_name", "last_name"])
    return user


def _request(reg, requester, *, file_format="xlsx", reason="低保年审入户核对"):
    return request_export(
        requester, kind=RecordKind.PERSONS, unit=reg.units[COMMUNITY], reason=reason, file_format=file_format
    )


def test_a_request_waits_for_approval_and_tells_the_approvers(reg, requester):
    export = _request(reg, requester)
    assert export.status == ExportStatus.PENDING and export.org_path == reg.units[COMMUNITY].path
    entry = AuditEntry.objects.get(action="people.export.request")
    assert entry.actor == requester and entry.details["reason"] == "低保年审入户核对"
    notified = set(
        Notification.objects.filter(kind="export_request").values_list("recipient__username", flat=True)
    )
    # The approvers over the community: the street and district administrators, not the requester.
    assert notified == {Role.STREET_ADMIN.value, Role.DISTRICT_ADMIN.value}


def test_a_reason_is_required(reg, requester):
    with pytest.raises(RegistryError) as error:
        _request(reg, requester, reason=" 核对 ")
    assert error.value.field == "reason"
    assert not ExportRequest.objects.exists()


def test_identifiers_typed_into_the_reason_are_masked(reg, requester):
    export = _request(reg, requester, reason=f"核对 {CANARY_ID} 一户")
    assert CANARY_ID not in export.reason and CANARY_ID[:6] + "*" * 10 in export.reason


@pytest.mark.parametrize("role", [Role.GRID_CHIEF, Role.GRID_WORKER, Role.DISPATCHER, Role.RESIDENT])
def test_roles_without_the_unmasked_right_cannot_request(reg, role):
    with pytest.raises(PermissionDenied):
        request_export(
            reg.users[role], kind=RecordKind.PERSONS, unit=reg.units["150502001001001"], reason="入户核对"
        )
    assert not ExportRequest.objects.exists()
    assert AuditEntry.objects.get(action="people.export.request").outcome == Outcome.DENIED


def test_the_requester_cannot_approve_their_own_request(reg):
    street_admin = reg.users[Role.STREET_ADMIN]  # may both request and approve
    export = request_export(
        street_admin, kind=RecordKind.PERSONS, unit=reg.units["150502001"], reason="防汛转移名单"
    )
    with pytest.raises(PermissionDenied):
        decide_export(street_admin, export, approve=True)
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING
    assert list(pending_for(street_admin)) == []
    assert list(pending_for(reg.users[Role.DISTRICT_ADMIN])) == [export]
    assert AuditEntry.objects.get(action="people.export.decide").outcome == Outcome.DENIED


def test_an_approver_outside_the_unit_cannot_approve(reg, requester):
    other_street = make_user("street_admin_dalin", Role.STREET_ADMIN, reg.units["150502002"])
    export = _request(reg, requester)
    assert list(pending_for(other_street)) == []
    with pytest.raises(PermissionDenied):
        decide_export(other_street, export, approve=True)
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING
    assert not Notification.objects.filter(recipient=other_street).exists()


def test_a_role_without_the_approval_right_cannot_approve(reg, requester):
    export = _request(reg, requester)
    with pytest.raises(PermissionDenied):
        decide_export(reg.users[Role.GRID_CHIEF], export, approve=True)


def test_approval_tells_the_requester_and_a_second_decision_is_refused(reg, requester, approver):
    export = _request(reg, requester)
    decide_export(approver, export, approve=True, note="同意")
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED and export.decided_by == approver
    entry = AuditEntry.objects.get(action="people.export.decide")
    assert entry.details["decision"] == "approved" and entry.details["requester"] == requester.username
    assert Notification.objects.filter(recipient=requester, kind="export_decided").count() == 1
    with pytest.raises(RegistryError) as error:
        decide_export(reg.users[Role.DISTRICT_ADMIN], export, approve=False)
    assert error.value.field == "status"
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED and export.decided_by == approver


def test_a_rejected_request_cannot_be_downloaded(reg, requester, approver):
    export = _request(reg, requester)
    decide_export(approver, export, approve=False, note="用途不明确")
    with pytest.raises(RegistryError) as error:
        open_export(requester, export)
    assert error.value.code == "not_approved"
    assert Notification.objects.get(recipient=requester, kind="export_decided").body == "用途不明确"


def test_a_pending_request_cannot_be_downloaded(reg, requester):
    export = _request(reg, requester)
    with pytest.raises(RegistryError) as error:
        open_export(requester, export)
    assert error.value.code == "not_approved"


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_requester_downloads_clear_values_once_with_a_watermark(reg, requester, approver, file_format):
    export = _request(reg, requester, file_format=file_format)
    decide_export(approver, export, approve=True)
    export_file = open_export(requester, export)
    text = all_text(export_file.handle, file_format)
    assert CANARY_ID in text and CANARY_PHONE in text and SECOND_ID in text
    assert OTHER_DISTRICT_ID not in text
    first, header, *data = rows(export_file.handle, file_format)
    watermark = first[0]
    assert watermark.startswith("导出人 包秀兰 (community_admin) · ")
    assert " · 审批人 韩国庆 · 用途 低保年审入户核对" in watermark
    assert header[0] == "姓名" and len(data) == export_file.rows == 3
    assert export_file.filename.endswith("_明文." + file_format)
    export.refresh_from_db()
    assert export.status == ExportStatus.DOWNLOADED and export.downloaded_at is not None
    entry = AuditEntry.objects.get(action="people.export.unmasked", outcome=Outcome.OK)
    assert entry.actor == requester
    assert entry.details == {
        "request_id": export.pk,
        "kind": "persons",
        "unit": COMMUNITY,
        "rows": 3,
        "approver": approver.username,
        "format": file_format,
    }
    with pytest.raises(RegistryError) as error:
        open_export(requester, export)
    assert error.value.code == "downloaded"


def test_the_xlsx_watermark_is_in_the_page_header_footer_and_properties(reg, requester, approver):
    export = _request(reg, requester)
    decide_export(approver, export, approve=True)
    export_file = open_export(requester, export)
    export_file.handle.seek(0)
    workbook = load_workbook(io.BytesIO(export_file.handle.read()))
    sheet = workbook.worksheets[0]
    watermark = sheet["A1"].value
    assert sheet.oddHeader.center.text == watermark and sheet.oddFooter.center.text == watermark
    assert workbook.properties.description == watermark
    assert workbook.properties.creator == requester.username


def test_nobody_but_the_requester_downloads(reg, requester, approver):
    export = _request(reg, requester)
    decide_export(approver, export, approve=True)
    for user in (approver, reg.users[Role.DISTRICT_ADMIN]):
        with pytest.raises(PermissionDenied):
            open_export(user, export)
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED
    assert AuditEntry.objects.filter(action="people.export.unmasked", outcome=Outcome.DENIED).count() == 2


def test_an_approval_expires_after_the_valid_hours(reg, requester, approver, settings):
    settings.PEOPLE_EXPORT_VALID_HOURS = 24
    export = _request(reg, requester)
    decide_export(approver, export, approve=True)
    ExportRequest.objects.filter(pk=export.pk).update(decided_at=timezone.now() - timedelta(hours=25))
    export.refresh_from_db()
    assert export_requests.is_expired(export)
    with pytest.raises(RegistryError) as error:
        open_export(requester, export)
    assert error.value.code == "expired"
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert not AuditEntry.objects.filter(action="people.export.unmasked").exists()


def test_a_failed_file_gives_the_download_back(reg, requester, approver, monkeypatch):
    export = _request(reg, requester)
    decide_export(approver, export, approve=True)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_requests, "write_sheet", broken)
    with pytest.raises(OSError):
        open_export(requester, export)
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED and export.downloaded_at is None
    monkeypatch.undo()
    assert open_export(requester, export).rows == 3
