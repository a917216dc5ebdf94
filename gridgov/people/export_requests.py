"""Unmasked exports: requested with a reason, approved by a second person, downloaded once.

1. `request_export`: a holder of people.export_unmasked in the unit states why → PENDING;
   the approvers of the unit are notified.
2. `decide_export`: another person holding people.approve_export over the unit approves or
   rejects (never the requester) → APPROVED / REJECTED; the requester is notified.
3. `open_export`: the requester downloads the file once, within PEOPLE_EXPORT_VALID_HOURS of
   the approval → DOWNLOADED (or EXPIRED when too late). The file has clear ID numbers and
   phones and a watermark naming requester, time, approver and purpose.

Each step is audited. Status changes are compare-and-swap updates, so two approvers, or two
downloads racing, cannot both succeed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.access.display import display_name
from gridgov.access.models import Membership
from gridgov.access.policy import roles_with
from gridgov.access.scope import in_scope, scoped
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.geo.models import OrgUnit
from gridgov.inbox.services import notify
from gridgov.people import pii
from gridgov.people.exports import ExportFile, check_format, sheet_for, write_sheet
from gridgov.people.log_masking import mask_identifiers
from gridgov.people.services import RegistryError
from gridgov.people.transfers import ExportFormat, ExportRequest, ExportStatus, RecordKind

REQUEST = "people.export_unmasked"
APPROVE = "people.approve_export"
MIN_REASON_LENGTH = 4

REQUEST_ACTION = "people.export.request"
DECIDE_ACTION = "people.export.decide"
UNMASKED_ACTION = "people.export.unmasked"


class ClearIdentifiers:
    """The clear values, decrypted row by row into the approved file (never logged or kept)."""

    stored = "token"

    def identifier(self, stored: str, context: str) -> str:
        return pii.unseal(stored, context) if stored else ""

    def text(self, value: str) -> str:
        return value


def valid_until(export: ExportRequest) -> datetime | None:
    """Until when an approved request can be downloaded (None before approval)."""
    if export.decided_at is None or export.status == ExportStatus.REJECTED:
        return None
    return export.decided_at + timedelta(hours=settings.PEOPLE_EXPORT_VALID_HOURS)


def is_expired(export: ExportRequest, now: datetime | None = None) -> bool:
    if export.status == ExportStatus.EXPIRED:
        return True
    until = valid_until(export)
    return export.status == ExportStatus.APPROVED and until is not None and (now or timezone.now()) > until


def may_decide(user, export: ExportRequest) -> bool:
    """Whether `user` may approve or reject `export` (not their own, approver over its unit)."""
    return export.requested_by_id != user.pk and in_scope(user, export.org_path, APPROVE)


def approvers_of(unit: OrgUnit, *, exclude) -> list[int]:
    """Ids of the active users who may approve unmasked exports of `unit`, but `exclude`."""
    paths = [*unit.ancestor_paths(), unit.path]
    return sorted(
        set(
            Membership.objects.filter(
                role__in=roles_with(APPROVE), scope_path__in=paths, user__is_active=True
            )
            .exclude(user=exclude)
            .values_list("user_id", flat=True)
        )
    )


def _clean_reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    if len(text) < MIN_REASON_LENGTH:
        raise RegistryError(
            "reason", _("State what the unmasked list is for (at least 4 characters)."), "reason"
        )
    # A reason is shown in queues, notifications and the watermark: keep identifiers out of it.
    return mask_identifiers(text)[:300]


def request_export(
    user, *, kind: str, unit: OrgUnit, reason: str, file_format: str = ExportFormat.XLSX, request=None
) -> ExportRequest:
    """Ask for an unmasked export of `kind` records in `unit`; returns the PENDING request.

    Raises RegistryError ("kind", "file_format", "reason") for bad input and PermissionDenied
    when the user may not request unmasked exports for the unit (audited).
    """
    sheet_for(kind)
    check_format(file_format)
    if not in_scope(user, unit.path, REQUEST):
        record(
            REQUEST_ACTION,
            actor=user,
            request=request,
            target=unit,
            outcome=Outcome.DENIED,
            details={"kind": kind, "unit": unit.code},
        )
        raise PermissionDenied(_("You may not request unmasked exports for this unit."))
    text = _clean_reason(reason)
    with transaction.atomic():
        export = ExportRequest.objects.create(
            kind=kind,
            org_unit=unit,
            org_path=unit.path,
            reason=text,
            file_format=file_format,
            requested_by=user,
        )
        record(
            REQUEST_ACTION,
            actor=user,
            request=request,
            target=export,
            details={"kind": kind, "unit": unit.code, "reason": text, "format": file_format},
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                approvers_of(unit, exclude=user),
                kind="export_request",
                title=_("Unmasked export to approve: %(kind)s of %(unit)s")
                % {"kind": RecordKind(kind).label, "unit": unit.name_zh},
                body=_("%(user)s asks for an unmasked list. Purpose: %(reason)s")
                % {"user": display_name(user), "reason": text},
            )
    return export


def decide_export(
    user, export: ExportRequest, *, approve: bool, note: str = "", request=None
) -> ExportRequest:
    """Approve or reject a PENDING request; returns it as stored now.

    Raises PermissionDenied when `user` is the requester or holds no approval right over the
    unit (audited), RegistryError("status") when the request is no longer pending.
    """
    details = {"request_id": export.pk, "requester": export.requested_by.get_username()}
    if not may_decide(user, export):
        record(
            DECIDE_ACTION, actor=user, request=request, target=export, outcome=Outcome.DENIED, details=details
        )
        if export.requested_by_id == user.pk:
            raise PermissionDenied(_("A second person must approve your own request."))
        raise PermissionDenied(_("You may not decide on exports of this unit."))
    note = mask_identifiers(" ".join((note or "").split()))[:300]
    status = ExportStatus.APPROVED if approve else ExportStatus.REJECTED
    now = timezone.now()
    with transaction.atomic():
        changed = ExportRequest.objects.filter(pk=export.pk, status=ExportStatus.PENDING).update(
            status=status, decided_by=user, decided_at=now, decision_note=note
        )
        if not changed:
            raise RegistryError("status", _("This request has already been decided."), "decided")
        export.refresh_from_db()
        record(
            DECIDE_ACTION,
            actor=user,
            request=request,
            target=export,
            details={**details, "decision": status, "note": note},
        )
        with translation.override(settings.LANGUAGE_CODE):
            if approve:
                title = _("Your unmasked export was approved")
                body = _("Download it once within %(hours)s hours, from Registry → Exports.") % {
                    "hours": settings.PEOPLE_EXPORT_VALID_HOURS
                }
            else:
                title = _("Your unmasked export was rejected")
                body = note
            notify([export.requested_by_id], kind="export_decided", title=title, body=body)
    return export


def _watermark(export: ExportRequest, at: datetime) -> str:
    requester, approver = export.requested_by, export.decided_by
    return (
        f"导出人 {display_name(requester)} ({requester.get_username()}) · "
        f"{timezone.localtime(at):%Y-%m-%d %H:%M} · "
        f"审批人 {display_name(approver)} · 用途 {export.reason}"
    )


def _refuse_download(export: ExportRequest, now: datetime) -> None:
    if export.status == ExportStatus.DOWNLOADED:
        raise RegistryError(
            "status", _("This export was downloaded already; request a new one."), "downloaded"
        )
    if is_expired(export, now):
        ExportRequest.objects.filter(pk=export.pk, status=ExportStatus.APPROVED).update(
            status=ExportStatus.EXPIRED
        )
        raise RegistryError("status", _("The approval has expired; request a new export."), "expired")
    if export.status != ExportStatus.APPROVED:
        raise RegistryError("status", _("This export has not been approved."), "not_approved")


def open_export(user, export: ExportRequest, *, request=None) -> ExportFile:
    """The approved unmasked file, for its requester, once; audited with its row count.

    Raises PermissionDenied when `user` is not the requester or no longer holds the right
    over the unit, RegistryError("status") when the request is not approved, was downloaded
    or has expired.
    """
    details = {"request_id": export.pk, "kind": export.kind, "unit": export.org_unit.code}
    if export.requested_by_id != user.pk or not in_scope(user, export.org_path, REQUEST):
        record(
            UNMASKED_ACTION,
            actor=user,
            request=request,
            target=export,
            outcome=Outcome.DENIED,
            details=details,
        )
        raise PermissionDenied(_("Only the requester may download this export."))
    now = timezone.now()
    _refuse_download(export, now)
    # Claim the single download first, in its own short transaction (a long write transaction
    # would block every other writer on SQLite); give it back if the file cannot be written.
    claimed = ExportRequest.objects.filter(pk=export.pk, status=ExportStatus.APPROVED).update(
        status=ExportStatus.DOWNLOADED, downloaded_at=now
    )
    if not claimed:
        raise RegistryError(
            "status", _("This export was downloaded already; request a new one."), "downloaded"
        )
    try:
        export_file = write_sheet(
            sheet_for(export.kind),
            export.org_unit,
            user,
            file_format=export.file_format,
            identifiers=ClearIdentifiers(),
            watermark=_watermark(export, now),
            suffix="_明文",
        )
    except BaseException:
        ExportRequest.objects.filter(pk=export.pk, status=ExportStatus.DOWNLOADED, downloaded_at=now).update(
            status=ExportStatus.APPROVED, downloaded_at=None
        )
        raise
    export.status, export.downloaded_at = ExportStatus.DOWNLOADED, now
    record(
        UNMASKED_ACTION,
        actor=user,
        request=request,
        target=export,
        details={
            **details,
            "rows": export_file.rows,
            "approver": export.decided_by.get_username() if export.decided_by else "",
            "format": export.file_format,
        },
    )
    return export_file


def requests_of(user):
    """The user's own requests, newest first."""
    return ExportRequest.objects.filter(requested_by=user).select_related("org_unit", "decided_by")


def pending_for(user):
    """PENDING requests `user` may decide on: approver over the unit, not their own."""
    return (
        scoped(user, ExportRequest.objects.filter(status=ExportStatus.PENDING), APPROVE)
        .exclude(requested_by=user)
        .select_related("org_unit", "requested_by")
        .order_by("requested_at", "id")
    )
