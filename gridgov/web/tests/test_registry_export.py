"""Export pages: the masked download for every exporting role, 403 for the others, the request of
an unmasked list, its approval by a second person and the single download."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from gridgov.access.policy import roles_with
from gridgov.access.roles import Role
from gridgov.access.testing import PERSONA_UNIT, make_user
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.inbox.models import Notification
from gridgov.people.testing import CANARIES, CANARY_ID, build_registry_world
from gridgov.people.tests.export_files import all_text
from gridgov.people.transfers import ExportRequest, ExportStatus, RecordKind

pytestmark = pytest.mark.django_db

EXPORTERS = sorted(roles_with("people.export"))
NON_EXPORTERS = sorted(set(Role) - roles_with("people.export"))
COMMUNITY = "150502001001"
URLS = {
    "form": reverse("registry:exports"),
    "requests": reverse("registry:export_requests"),
    "approvals": reverse("registry:export_approvals"),
}


@pytest.fixture
def reg():
    return build_registry_world()


def _client(client, reg, role):
    client.force_login(reg.users[role])
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize("role", EXPORTERS)
def test_every_exporting_role_downloads_a_masked_file_without_canaries(client, reg, role, file_format):
    _client(client, reg, role)
    assert client.get(URLS["form"]).status_code == 200
    for kind in RecordKind.values:
        response = client.post(
            URLS["form"],
            {"kind": kind, "unit": PERSONA_UNIT[role], "file_format": file_format, "mode": "masked"},
        )
        assert response.status_code == 200, (kind, response.content[:500])
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"] == "no-store, private"
        text = all_text(io.BytesIO(_body(response)), file_format)
        assert [c for c in CANARIES if c in text] == [], kind
    assert AuditEntry.objects.filter(action="people.export", outcome=Outcome.OK).count() == len(
        RecordKind.values
    )


@pytest.mark.parametrize("role", NON_EXPORTERS)
def test_roles_without_the_export_permission_get_403(client, reg, role):
    _client(client, reg, role)
    assert client.get(URLS["form"]).status_code == 403
    response = client.post(URLS["form"], {"kind": "persons", "unit": "150502", "file_format": "csv"})
    assert response.status_code == 403
    assert client.get(URLS["approvals"]).status_code == 403
    assert client.get(URLS["requests"]).status_code == 403
    assert not AuditEntry.objects.filter(action="people.export", outcome=Outcome.OK).exists()


def test_the_form_offers_only_units_in_the_jurisdiction_and_refuses_others(client, reg):
    _client(client, reg, Role.COMMUNITY_ADMIN)
    page = client.get(URLS["form"]).content.decode()
    assert 'value="150502001001001"' in page and 'value="150502002001"' not in page
    response = client.post(URLS["form"], {"kind": "persons", "unit": "150502002001", "file_format": "csv"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="people.export").exists()


def test_a_grid_chief_sees_no_unmasked_option(client, reg):
    _client(client, reg, Role.GRID_CHIEF)
    page = client.get(URLS["form"]).content.decode()
    assert 'name="mode"' not in page and 'name="reason"' not in page
    # A forged "unmasked" still gives the masked file.
    response = client.post(
        URLS["form"],
        {"kind": "persons", "unit": PERSONA_UNIT[Role.GRID_CHIEF], "file_format": "csv", "mode": "unmasked"},
    )
    assert response.status_code == 200 and CANARY_ID not in _body(response).decode("utf-8-sig")
    assert not ExportRequest.objects.exists()


def test_an_unmasked_request_needs_a_reason(client, reg):
    _client(client, reg, Role.COMMUNITY_ADMIN)
    data = {"kind": "persons", "unit": COMMUNITY, "file_format": "xlsx", "mode": "unmasked", "reason": "  "}
    response = client.post(URLS["form"], data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'data-field="reason"' in response.content.decode()
    assert not ExportRequest.objects.exists()


def test_request_approval_and_single_download(client, reg):
    requester = reg.users[Role.COMMUNITY_ADMIN]
    _client(client, reg, Role.COMMUNITY_ADMIN)
    data = {
        "kind": "persons",
        "unit": COMMUNITY,
        "file_format": "csv",
        "mode": "unmasked",
        "reason": "低保年审入户核对",
    }
    response = client.post(URLS["form"], data)
    assert response.status_code == 302 and response["Location"] == URLS["requests"]
    export = ExportRequest.objects.get()
    assert export.status == ExportStatus.PENDING and export.requested_by == requester
    page = client.get(URLS["requests"]).content.decode()
    assert f'data-request="{export.pk}" data-status="pending"' in page and "gg-export-download" not in page
    # The requester also holds no approval right; nor may anyone decide their own request.
    assert client.get(URLS["approvals"]).status_code == 403

    approver = reg.users[Role.STREET_ADMIN]
    assert Notification.objects.filter(recipient=approver, kind="export_request").exists()
    client.force_login(approver)
    queue = client.get(URLS["approvals"]).content.decode()
    assert f'data-request="{export.pk}"' in queue and "低保年审入户核对" in queue
    response = client.post(reverse("registry:export_decide", args=[export.pk, "approve"]), {"note": "同意"})
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED and export.decided_by == approver
    # The approver cannot download it.
    assert client.post(reverse("registry:export_download", args=[export.pk])).status_code == 404

    client.force_login(requester)
    page = client.get(URLS["requests"]).content.decode()
    assert "gg-export-download" in page
    response = client.post(reverse("registry:export_download", args=[export.pk]))
    assert response.status_code == 200
    text = _body(response).decode("utf-8-sig")
    first_line = text.splitlines()[0]
    assert (
        first_line.startswith("导出人 ") and "审批人 " in first_line and "用途 低保年审入户核对" in first_line
    )
    assert CANARY_ID in text
    assert AuditEntry.objects.get(action="people.export.unmasked", outcome=Outcome.OK).details["rows"] == 3
    again = client.post(reverse("registry:export_download", args=[export.pk]), follow=True)
    assert again.redirect_chain[-1][0] == URLS["requests"]
    assert CANARY_ID.encode() not in again.content
    assert AuditEntry.objects.filter(action="people.export.unmasked", outcome=Outcome.OK).count() == 1


def test_the_requester_cannot_approve_their_own_request(client, reg):
    street_admin = reg.users[Role.STREET_ADMIN]
    _client(client, reg, Role.STREET_ADMIN)
    data = {
        "kind": "houses",
        "unit": "150502001",
        "file_format": "xlsx",
        "mode": "unmasked",
        "reason": "防汛转移核对",
    }
    assert client.post(URLS["form"], data).status_code == 302
    export = ExportRequest.objects.get()
    assert f'data-request="{export.pk}"' not in client.get(URLS["approvals"]).content.decode()
    response = client.post(reverse("registry:export_decide", args=[export.pk, "approve"]))
    assert response.status_code == 403
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING and export.requested_by == street_admin


def test_an_approver_of_another_street_gets_404(client, reg):
    other = make_user("street_admin_dalin", Role.STREET_ADMIN, reg.units["150502002"])
    _client(client, reg, Role.COMMUNITY_ADMIN)
    data = {
        "kind": "persons",
        "unit": COMMUNITY,
        "file_format": "xlsx",
        "mode": "unmasked",
        "reason": "入户核对",
    }
    client.post(URLS["form"], data)
    export = ExportRequest.objects.get()
    client.force_login(other)
    assert f'data-request="{export.pk}"' not in client.get(URLS["approvals"]).content.decode()
    assert client.post(reverse("registry:export_decide", args=[export.pk, "approve"])).status_code == 404
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING


def test_a_rejection_shows_on_the_requesters_page(client, reg):
    _client(client, reg, Role.COMMUNITY_ADMIN)
    data = {
        "kind": "persons",
        "unit": COMMUNITY,
        "file_format": "xlsx",
        "mode": "unmasked",
        "reason": "入户核对",
    }
    client.post(URLS["form"], data)
    export = ExportRequest.objects.get()
    client.force_login(reg.users[Role.DISTRICT_ADMIN])
    client.post(reverse("registry:export_decide", args=[export.pk, "reject"]), {"note": "用途不明确"})
    client.force_login(reg.users[Role.COMMUNITY_ADMIN])
    page = client.get(URLS["requests"]).content.decode()
    assert 'data-status="rejected"' in page and "用途不明确" in page and "gg-export-download" not in page
    assert client.post(reverse("registry:export_download", args=[export.pk])).status_code == 302
