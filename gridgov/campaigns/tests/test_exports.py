"""Bulk exports: a reason, a second person's approval (service and database), a watermarked
xlsx for the requester only, a limited number of downloads within 24 hours, all audited."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns import exports
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.models import CampaignStatus, ExportRequest, ExportState
from gridgov.campaigns.testing import COMMUNITY, GRID_A
from gridgov.campaigns.tests.test_personal_world import privacy_world
from gridgov.inbox.models import Notification
from gridgov.people.testing import CANARIES

pytestmark = pytest.mark.django_db


def _approved(world, area_code: str = COMMUNITY) -> ExportRequest:
    requester = world.users[Role.COMMUNITY_ADMIN]
    requester.first_name, requester.last_name = "秀兰", "包"
    requester.save(update_fields=["first_name", "last_name"])
    export = exports.request_export(
        requester, world.campaign, area=world.units[area_code], reason="复核发热户 电话13904751234"
    )
    return exports.approve_export(world.users[Role.STREET_ADMIN], export, note="同意")


def _cells(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_request_approve_and_download_a_watermarked_file():
    world, _other = privacy_world()
    with translation.override("en"):
        export = _approved(world)
        assert export.state == ExportState.APPROVED and export.reason == "复核发热户 电话139****1234"
        content = exports.build_export(world.users[Role.COMMUNITY_ADMIN], export)
    book = load_workbook(io.BytesIO(content))
    mark_parts = (
        "For use in this campaign only",
        "包秀兰",
        "community_admin",
        f"no. {export.pk}",
        "street_admin",
    )
    for sheet in book.worksheets:  # every sheet: page header and footer
        for text in (sheet.oddHeader.center.text, sheet.oddFooter.center.text):
            assert text and all(part in text for part in mark_parts[:4])
    rows = _cells(content)
    first = rows[0][0]
    assert all(part in first for part in mark_parts) and world.campaign.name in first
    assert all(part in book.properties.description for part in mark_parts)
    assert "For use in this campaign only" in book.properties.subject
    headers = rows[1]
    assert headers[:3] == ["Household number", "Grid code", "Grid"] and "家中是否有人发热？" in headers
    data = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[2:]}
    assert set(data) == {"H-A101", "H-B201"}
    a101 = data["H-A101"]
    assert a101["Outcome"] == "Done" and a101["Exceptions"] == "发热"
    assert a101["家中是否有人发热？"] == "Yes" and a101["最高体温"] == 38.2 and a101["供暖情况"] == "不热"
    assert a101["其他情况"] == "邻居电话139****1234" and "和平路1号" in a101["Address"]
    assert data["H-B201"]["Outcome"] == "Not yet visited"
    # No clear identifier anywhere in the file (masked notes, masked reason).
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert not [canary for canary in CANARIES if canary in text]
    download = AuditEntry.objects.get(action=exports.DOWNLOAD_ACTION, outcome=Outcome.OK)
    assert download.details["rows"] == 2 and download.details["approver"] == "street_admin"
    assert download.details["download"] == 1
    assert AuditEntry.objects.filter(action=exports.REQUEST_ACTION, outcome=Outcome.OK).count() == 1
    assert AuditEntry.objects.get(action=exports.DECIDE_ACTION).details["decision"] == ExportState.APPROVED
    # The approvers of the area were told, not the requester; the requester got the decision.
    asked = set(
        Notification.objects.filter(kind="campaign_export_request").values_list(
            "recipient__username", flat=True
        )
    )
    assert asked == {"district_admin", "street_admin"}
    told = Notification.objects.get(kind="campaign_export_decided")
    assert told.recipient == world.users[Role.COMMUNITY_ADMIN]


def test_a_grid_area_gets_only_its_targets_and_other_campaigns_never():
    world, _other = privacy_world()
    export = _approved(world, GRID_A)
    rows = _cells(exports.build_export(world.users[Role.COMMUNITY_ADMIN], export))
    assert [row[0] for row in rows[2:]] == ["H-A101"]
    assert not any("OTHER-CAMPAIGN" in str(cell) for row in rows for cell in row)


def test_the_requester_never_approves_their_own_request_service_and_database():
    world, _other = privacy_world()
    requester = world.users[Role.COMMUNITY_ADMIN]
    export = exports.request_export(requester, world.campaign, area=world.units[GRID_A], reason="复核发热户")
    with pytest.raises(CampaignDenied):
        exports.approve_export(requester, export)
    export.refresh_from_db()
    assert export.state == ExportState.PENDING and export.decided_by is None
    denied = AuditEntry.objects.get(action=exports.DECIDE_ACTION, outcome=Outcome.DENIED)
    assert denied.actor_id == requester.pk and denied.details["reason"] == "own_request"
    # The database refuses it too, whatever code writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportRequest.objects.filter(pk=export.pk).update(
            state=ExportState.APPROVED, decided_by=requester, decided_at=timezone.now()
        )
    export.refresh_from_db()
    assert export.decided_by is None
    # Not in the requester's approval queue, but in the second person's.
    assert list(exports.pending_for(requester, world.campaign)) == []
    assert list(exports.pending_for(world.users[Role.STREET_ADMIN], world.campaign)) == [export]


def test_approvers_need_the_right_over_the_area_and_decide_once():
    world, _other = privacy_world()
    export = exports.request_export(
        world.users[Role.COMMUNITY_ADMIN], world.campaign, area=world.units[GRID_A], reason="复核发热户"
    )
    elsewhere = make_user("elsewhere", Role.STREET_ADMIN, world.units["150502002"])
    with pytest.raises(CampaignDenied):
        exports.approve_export(elsewhere, export)
    with pytest.raises(CampaignDenied):
        exports.approve_export(world.users[Role.GRID_CHIEF], export)
    rejected = exports.reject_export(world.users[Role.STREET_ADMIN], export, note="理由不足")
    assert rejected.state == ExportState.REJECTED and rejected.decision_note == "理由不足"
    with pytest.raises(CampaignError) as error:
        exports.approve_export(world.users[Role.DISTRICT_ADMIN], export)
    assert error.value.field == "state"
    with pytest.raises(CampaignError) as error:
        exports.build_export(world.users[Role.COMMUNITY_ADMIN], rejected)
    assert error.value.code == "not_approved"


def test_request_input_is_checked():
    world, _other = privacy_world()
    admin, campaign = world.users[Role.COMMUNITY_ADMIN], world.campaign
    with pytest.raises(CampaignError) as error:
        exports.request_export(admin, campaign, area=world.units[GRID_A], reason="  看 ")
    assert error.value.field == "reason"
    with pytest.raises(CampaignError) as error:
        exports.request_export(admin, campaign, area=world.units["150502002001"], reason="复核发热户")
    assert error.value.field == "area"
    worker = world.users[Role.GRID_WORKER]
    with pytest.raises(CampaignDenied):
        exports.request_export(worker, campaign, area=world.units[GRID_A], reason="复核发热户")
    assert AuditEntry.objects.filter(
        action=exports.REQUEST_ACTION, outcome=Outcome.DENIED, actor_id=worker.pk
    ).exists()
    campaign.status = CampaignStatus.PURGED
    with pytest.raises(CampaignError):
        exports.request_export(admin, campaign, area=world.units[GRID_A], reason="复核发热户")
    assert ExportRequest.objects.count() == 0


def test_downloads_are_limited_in_number_and_time_and_to_the_requester(settings):
    settings.CAMPAIGN_EXPORT_DOWNLOADS = 3
    world, _other = privacy_world()
    export = _approved(world, GRID_A)
    requester = world.users[Role.COMMUNITY_ADMIN]
    # Someone else — even the approver — gets nothing, audited as denied.
    with pytest.raises(CampaignDenied):
        exports.build_export(world.users[Role.STREET_ADMIN], export)
    assert AuditEntry.objects.filter(action=exports.DOWNLOAD_ACTION, outcome=Outcome.DENIED).count() == 1
    # Too late: 24 hours after the approval.
    late = export.decided_at + timedelta(hours=24, minutes=1)
    assert exports.downloads_left(export, late) == 0
    with pytest.raises(CampaignError) as error:
        exports.build_export(requester, export, now=late)
    assert error.value.code == "expired"
    for n in range(3):
        assert exports.downloads_left(export) == 3 - n
        assert exports.build_export(requester, export)[:2] == b"PK"
        export.refresh_from_db()
    assert export.downloads == 3 and exports.downloads_left(export) == 0
    with pytest.raises(CampaignError) as error:
        exports.build_export(requester, export)
    assert error.value.code == "used_up"
    assert AuditEntry.objects.filter(action=exports.DOWNLOAD_ACTION, outcome=Outcome.OK).count() == 3
