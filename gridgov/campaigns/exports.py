"""Bulk exports of a campaign's personal data: asked for with a reason, approved by a second
person, downloaded by the requester a few times within a day, watermarked.

1. `request_export`: a holder of campaigns.export over an area of the campaign states why →
   PENDING.
2. `approve_export` / `reject_export`: another person holding campaigns.approve over the area
   decides (never the requester: the service refuses it and a database check constraint too).
3. `build_export`: the requester — only they — gets the xlsx of the area's targets, at most
   CAMPAIGN_EXPORT_DOWNLOADS times within CAMPAIGN_EXPORT_VALID_HOURS of the approval. Each
   file names requester, approver, request and time and says it is for this campaign only, in
   its first row, in the header and footer of every sheet and in the document properties.

Each step is audited; state changes and download counts are compare-and-swap updates, so two
approvers or racing downloads cannot both pass a limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.access.display import display_name
from gridgov.access.models import Membership
from gridgov.access.policy import roles_with
from gridgov.access.scope import in_scope, path_filter, scoped
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.campaigns.errors import ALL, CampaignDenied, CampaignError
from gridgov.campaigns.models import (
    Campaign,
    CampaignStatus,
    ExportRequest,
    ExportState,
    FollowUp,
    Question,
    QuestionKind,
    Target,
)
from gridgov.campaigns.models import (
    Outcome as TargetOutcome,
)
from gridgov.campaigns.rights import APPROVE, EXPORT, PERSONAL, atomic_action, require
from gridgov.geo.models import OrgUnit
from gridgov.inbox.services import notify
from gridgov.people.export_files import write_export
from gridgov.people.log_masking import mask_identifiers
from gridgov.people.models import PersonTag
from gridgov.people.transfers import ExportFormat
from gridgov.people.visibility import visible_tags

REQUEST_ACTION = "campaigns.export.request"
DECIDE_ACTION = "campaigns.export.decide"
DOWNLOAD_ACTION = "campaigns.export.download"
MIN_REASON_LENGTH = 4
CHUNK_SIZE = 2000


def download_limit() -> int:
    return int(settings.CAMPAIGN_EXPORT_DOWNLOADS)


def valid_hours() -> int:
    return int(settings.CAMPAIGN_EXPORT_VALID_HOURS)


def valid_until(export: ExportRequest) -> datetime | None:
    """Until when an approved request can be downloaded (None unless approved)."""
    if export.state != ExportState.APPROVED or export.decided_at is None:
        return None
    return export.decided_at + timedelta(hours=valid_hours())


def downloads_left(export: ExportRequest, now: datetime | None = None) -> int:
    """How many more times the requester may download `export` now (0 when expired)."""
    until = valid_until(export)
    if until is None or (now or timezone.now()) > until:
        return 0
    return max(download_limit() - export.downloads, 0)


def may_decide(user, export: ExportRequest) -> bool:
    return export.requested_by_id != user.pk and in_scope(user, export.org_path, APPROVE)


def _clean_text(value: str, limit: int = 200) -> str:
    # Shown in queues and the watermark: identifiers typed into it are masked.
    return mask_identifiers(" ".join((value or "").split()))[:limit]


def _refuse_purged(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.PURGED:
        raise CampaignError(ALL, _("The personal data of this campaign has been purged."), "purged")


@atomic_action
def request_export(user, campaign: Campaign, *, area: OrgUnit, reason: str, request=None) -> ExportRequest:
    """Ask for an export of `campaign`'s targets in `area`; returns the PENDING request.

    Raises CampaignError ("area", "reason", or ALL for a purged campaign) and CampaignDenied
    without campaigns.export over the area (audited).
    """
    _refuse_purged(campaign)
    top = campaign.org_path
    if area is None or not (area.path == top or area.path.startswith(top + ".")):
        raise CampaignError("area", _("Choose an area inside the campaign's scope."), "outside")
    require(user, EXPORT, area.path, action=REQUEST_ACTION)
    text = _clean_text(reason)
    if len(text) < MIN_REASON_LENGTH:
        raise CampaignError("reason", _("State what the export is for (at least 4 characters)."), "required")
    export = ExportRequest.objects.create(
        campaign=campaign, area=area, org_path=area.path, reason=text, requested_by=user
    )
    record(
        REQUEST_ACTION,
        actor=user,
        request=request,
        target=export,
        details={"campaign": campaign.pk, "area": area.code, "reason": text},
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            approvers_of(area, exclude=user),
            kind="campaign_export_request",
            title=_("Campaign export to approve: %(campaign)s, %(area)s")
            % {"campaign": campaign.name, "area": area.name_zh},
            body=_("%(user)s asks for a list of the campaign's households. Reason: %(reason)s")
            % {"user": display_name(user), "reason": text},
        )
    return export


def approvers_of(area: OrgUnit, *, exclude) -> list[int]:
    """Ids of the active users holding campaigns.approve over `area`, but `exclude`."""
    return sorted(
        set(
            Membership.objects.filter(
                role__in=roles_with(APPROVE),
                scope_path__in=[*area.ancestor_paths(), area.path],
                user__is_active=True,
            )
            .exclude(user=exclude)
            .values_list("user_id", flat=True)
        )
    )


@atomic_action
def _decide(user, export: ExportRequest, *, state: str, note: str, request=None) -> ExportRequest:
    details = {"request_id": export.pk, "campaign": export.campaign_id, "decision": state}
    if export.requested_by_id == user.pk:
        raise CampaignDenied(
            _("A second person must approve your own export request."),
            actor=user,
            action=DECIDE_ACTION,
            details={**details, "reason": "own_request"},
        )
    require(user, APPROVE, export.org_path, action=DECIDE_ACTION)
    note = _clean_text(note)
    changed = ExportRequest.objects.filter(pk=export.pk, state=ExportState.PENDING).update(
        state=state, decided_by=user, decided_at=timezone.now(), decision_note=note
    )
    if not changed:
        raise CampaignError("state", _("This request has already been decided."), "decided")
    export.refresh_from_db()
    record(DECIDE_ACTION, actor=user, request=request, target=export, details={**details, "note": note})
    with translation.override(settings.LANGUAGE_CODE):
        if state == ExportState.APPROVED:
            title = _("Your campaign export was approved")
            body = _("Download it at most %(times)s times within %(hours)s hours.") % {
                "times": download_limit(),
                "hours": valid_hours(),
            }
        else:
            title, body = _("Your campaign export was rejected"), note
        notify([export.requested_by_id], kind="campaign_export_decided", title=title, body=body)
    return export


def approve_export(user, export: ExportRequest, note: str = "", *, request=None) -> ExportRequest:
    """Approve a PENDING request (a second person with campaigns.approve over its area).

    Raises CampaignDenied for the requester or without the right (audited), CampaignError("state")
    when the request was decided already.
    """
    return _decide(user, export, state=ExportState.APPROVED, note=note, request=request)


def reject_export(user, export: ExportRequest, note: str = "", *, request=None) -> ExportRequest:
    """Reject a PENDING request; same rules as approve_export."""
    return _decide(user, export, state=ExportState.REJECTED, note=note, request=request)


# --- The file -------------------------------------------------------------------------------


def watermark(export: ExportRequest, at: datetime) -> str:
    requester, approver = export.requested_by, export.decided_by
    return _(
        "%(purpose)s · %(campaign)s · exported by %(requester)s (%(username)s) · approved by "
        "%(approver)s · request no. %(id)s · %(time)s · reason: %(reason)s"
    ) % {
        "purpose": _("For use in this campaign only"),
        "campaign": export.campaign.name,
        "requester": display_name(requester),
        "username": requester.get_username(),
        "approver": display_name(approver) if approver else "",
        "id": export.pk,
        "time": f"{timezone.localtime(at):%Y-%m-%d %H:%M}",
        "reason": export.reason,
    }


def _answer_text(question: Question, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return ""
    if question.kind == QuestionKind.YES_NO:
        return _("Yes") if value else _("No")
    labels = {str(c.get("value")): c.get("label", "") for c in question.choices or []}
    if question.kind == QuestionKind.CHOICE:
        return labels.get(str(value), str(value))
    if question.kind == QuestionKind.CHOICES and isinstance(value, list):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    if question.kind == QuestionKind.TEXT:
        return mask_identifiers(str(value))
    return value if isinstance(value, int | float) else str(value)


def _headers(questions: list[Question]) -> list[str]:
    return [
        _("Household number"),
        _("Grid code"),
        _("Grid"),
        _("Address"),
        _("Special groups"),
        _("Outcome"),
        _("Visited"),
        _("Visits"),
        _("Exceptions"),
        *[q.text for q in questions],
        _("Note"),
    ]


def _rows(user, targets, questions: list[Question]) -> Iterator[list[Any]]:
    """The file rows, chunk by chunk: tags and exception labels come in one query per chunk."""
    outcomes = dict(TargetOutcome.choices)
    values = targets.values(
        "pk",
        "household__number",
        "grid__code",
        "grid__name_zh",
        "household__house__building__address",
        "household__house__unit",
        "household__house__number",
        "person_ids",
        "outcome",
        "result_at",
        "attempts",
        "answers",
        "note",
    ).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(values, CHUNK_SIZE)):
        persons = {pid for row in chunk for pid in row["person_ids"] or [] if isinstance(pid, int)}
        tags: dict[int, list[str]] = {}
        for person_id, name in (
            visible_tags(user, PersonTag.objects.filter(person_id__in=sorted(persons)))
            .order_by("tag__sensitivity", "tag__code")
            .values_list("person_id", "tag__name_zh")
        ):
            tags.setdefault(person_id, []).append(name)
        labels: dict[int, list[str]] = {}
        for target_id, label in FollowUp.objects.filter(target_id__in=[r["pk"] for r in chunk]).values_list(
            "target_id", "label"
        ):
            labels.setdefault(target_id, []).append(label)
        for row in chunk:
            house = ""
            if row["household__house__number"]:
                house = f"{row['household__house__unit']}-{row['household__house__number']}"
            address = " ".join(filter(None, [row["household__house__building__address"] or "", house]))
            names = dict.fromkeys(n for pid in row["person_ids"] or [] for n in tags.get(pid, []))
            answers = row["answers"] or {}
            yield [
                row["household__number"],
                row["grid__code"],
                row["grid__name_zh"],
                mask_identifiers(address),
                "、".join(names),
                str(outcomes.get(row["outcome"], row["outcome"])),
                timezone.localtime(row["result_at"]).replace(tzinfo=None) if row["result_at"] else "",
                row["attempts"],
                "、".join(labels.get(row["pk"], [])),
                *[_answer_text(q, answers.get(q.code)) for q in questions],
                mask_identifiers(row["note"] or ""),
            ]


def _refuse_download(user, export: ExportRequest, now: datetime) -> None:
    if export.requested_by_id != user.pk:
        raise CampaignDenied(
            _("Only the requester may download this export."),
            actor=user,
            action=DOWNLOAD_ACTION,
            details={"request_id": export.pk, "reason": "not_requester"},
        )
    require(user, EXPORT, export.org_path, action=DOWNLOAD_ACTION)
    _refuse_purged(export.campaign)
    if export.state != ExportState.APPROVED:
        raise CampaignError("state", _("This export has not been approved."), "not_approved")
    until = valid_until(export)
    if until is None or now > until:
        raise CampaignError("state", _("The approval has expired; request a new export."), "expired")
    if export.downloads >= download_limit():
        raise CampaignError(
            "state", _("This export has been downloaded as often as allowed; request a new one."), "used_up"
        )


def build_export(user, export: ExportRequest, *, request=None, now: datetime | None = None) -> bytes:
    """The watermarked xlsx of the approved request's targets, for its requester; counts and
    audits the download.

    Raises CampaignDenied when `user` is not the requester or lost campaigns.export over the
    area (audited), CampaignError("state") when not approved, expired or used up.
    """
    now = now or timezone.now()
    try:
        _refuse_download(user, export, now)
    except CampaignDenied as denied:
        record(
            DOWNLOAD_ACTION,
            actor=user,
            request=request,
            target=export,
            outcome=Outcome.DENIED,
            details=denied.details,
        )
        raise
    # Claim one download first (compare-and-swap), give it back if the file cannot be written.
    claimed = ExportRequest.objects.filter(
        pk=export.pk, state=ExportState.APPROVED, downloads__lt=download_limit()
    ).update(downloads=F("downloads") + 1)
    if not claimed:
        raise CampaignError(
            "state", _("This export has been downloaded as often as allowed; request a new one."), "used_up"
        )
    campaign = export.campaign
    questions = list(Question.objects.filter(campaign=campaign).order_by("position", "id"))
    targets = scoped(
        user,
        Target.objects.filter(path_filter("org_path", [export.org_path]), campaign=campaign),
        PERSONAL,
    ).order_by("org_path", "household__number", "pk")
    try:
        handle, count = write_export(
            ExportFormat.XLSX,
            title=_("Households")[:31],
            headers=_headers(questions),
            rows=_rows(user, targets, questions),
            watermark=watermark(export, now),
            author=user.get_username(),
        )
        with handle:
            content = handle.read()
    except BaseException:
        ExportRequest.objects.filter(pk=export.pk, downloads__gt=0).update(downloads=F("downloads") - 1)
        raise
    export.refresh_from_db(fields=["downloads"])
    record(
        DOWNLOAD_ACTION,
        actor=user,
        request=request,
        target=export,
        details={
            "request_id": export.pk,
            "campaign": campaign.pk,
            "area": export.area.code,
            "rows": count,
            "download": export.downloads,
            "approver": export.decided_by.get_username() if export.decided_by else "",
        },
    )
    return content


def requests_of(user, campaign: Campaign):
    """The export requests of `campaign` that `user` made, or may decide on, newest first."""
    mine = ExportRequest.objects.filter(campaign=campaign, requested_by=user)
    decidable = scoped(user, ExportRequest.objects.filter(campaign=campaign), APPROVE)
    return (mine | decidable).distinct().select_related("area", "requested_by", "decided_by")


def pending_for(user, campaign: Campaign):
    """PENDING requests of `campaign` that `user` may decide on: approver over the area, not their own."""
    return (
        scoped(user, ExportRequest.objects.filter(campaign=campaign, state=ExportState.PENDING), APPROVE)
        .exclude(requested_by=user)
        .select_related("area", "requested_by")
        .order_by("requested_at", "id")
    )
