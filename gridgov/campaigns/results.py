"""Recording a household's result: the answers checked against the checklist, the counters of
its grid and day moved, the exceptions' follow-ups and cases created.

Campaign surges send ~150 results a second through the sync endpoint, so a result costs a fixed
handful of statements (docs/campaigns.md): the target locked with its campaign (once: the sync
handler locks it in its scoped lookup and calls `record_locked`), the target's UPDATE, one
UPDATE of GridProgress and of DailyCount with F() expressions (an INSERT for a grid's first
result of a day), the audit INSERT; exceptions add theirs. The checklist is read once per
campaign and process (`campaign_questions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from gridgov.audit.log import record
from gridgov.campaigns import checklist
from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import (
    Campaign,
    CampaignStatus,
    DailyCount,
    ExceptionAction,
    FollowUp,
    GridProgress,
    Outcome,
    Question,
    Target,
)
from gridgov.campaigns.rights import WORK, atomic_action, require
from gridgov.cases.errors import WorkflowError
from gridgov.cases.models import Source
from gridgov.cases.sources import register_channel
from gridgov.cases.workflow import NewCase, report_case
from gridgov.geo.models import OrgUnit
from gridgov.people.models import Household

NOTE_MAX = 200
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock may run ahead a little
# The GridProgress / DailyCount column counting each outcome.
COLUMN: dict[str, str] = {
    Outcome.DONE: "done",
    Outcome.NOT_HOME: "not_home",
    Outcome.REFUSED: "refused",
    Outcome.MOVED: "moved",
}

# cases.sources lets a user report only with their role's sources; while this module reports an
# exception's case, the reporting worker stands for the campaign channel (source "campaign").
_campaign_reporter: ContextVar[int | None] = ContextVar("campaign_case_reporter", default=None)
register_channel(
    Source.CAMPAIGN,
    lambda user: getattr(user, "pk", None) is not None and _campaign_reporter.get() == user.pk,
)


@contextmanager
def _as_campaign_channel(user) -> Iterator[None]:
    token = _campaign_reporter.set(user.pk)
    try:
        yield
    finally:
        _campaign_reporter.reset(token)


def local_day(at: datetime):
    return timezone.localtime(at).date()


# The checklist of each running campaign, per process: {campaign id: (started_at, questions)}.
# Safe because a campaign's questions are read-only once it is ACTIVE (admin.py allows editing
# them on drafts only) and only ACTIVE campaigns take results; the start time in the entry
# tells a campaign from a later one with the same id (a test database reusing ids). Saving or
# deleting a question or the campaign drops its entry in this process all the same.
_QUESTIONS: dict[int, tuple[datetime | None, list[Question]]] = {}
_QUESTIONS_MAX = 256  # campaigns cached at once (a handful run at a time)


def campaign_questions(campaign: Campaign) -> list[Question]:
    """The questions of a running campaign, read from the database once per process."""
    cached = _QUESTIONS.get(campaign.pk)
    if cached is not None and cached[0] == campaign.started_at:
        return cached[1]
    questions = list(Question.objects.filter(campaign_id=campaign.pk))
    if campaign.status == CampaignStatus.ACTIVE:
        if len(_QUESTIONS) >= _QUESTIONS_MAX:
            _QUESTIONS.clear()
        _QUESTIONS[campaign.pk] = (campaign.started_at, questions)
    return questions


@receiver([post_save, post_delete], sender=Question, dispatch_uid="campaigns_questions_cache")
def _forget_questions(sender, instance: Question, **kwargs) -> None:
    _QUESTIONS.pop(instance.campaign_id, None)


@receiver([post_save, post_delete], sender=Campaign, dispatch_uid="campaigns_questions_cache_campaign")
def _forget_campaign(sender, instance: Campaign, **kwargs) -> None:
    _QUESTIONS.pop(instance.pk, None)  # started, ended, or a new campaign reusing the id


@atomic_action
def record_result(
    user, target: Target, *, outcome: str, answers: Any = None, note: str = "", at: datetime
) -> Target:
    """Record the result of a visit to a targeted household (a revisit replaces the result).

    DONE needs answers valid for the checklist; NOT_HOME / REFUSED / MOVED need none (any sent
    are dropped). Raises CampaignDenied without campaigns.work over the household's grid,
    CampaignError naming "outcome", "answers.<code>", "note", "at" or "status".
    """
    require(user, WORK, target.org_path, action="campaigns.result")
    target = Target.objects.select_related("campaign").select_for_update(of=("self",)).get(pk=target.pk)
    return record_locked(user, target, outcome=outcome, answers=answers, note=note, at=at)


def record_locked(
    user, target: Target, *, outcome: str, answers: Any = None, note: str = "", at: datetime
) -> Target:
    """`record_result` for a caller that already holds the target: fetched in the current
    transaction with its campaign (select_related) and locked (select_for_update), after
    checking campaigns.work over it (a scoped lookup). No savepoint of its own: an error
    must roll back the caller's transaction (the sync protocol's submission does)."""
    campaign = target.campaign
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignError("status", _("The campaign is not running."))
    if outcome not in COLUMN:
        raise CampaignError("outcome", _("Choose how the visit ended."))
    if not isinstance(at, datetime) or timezone.is_naive(at):
        raise CampaignError("at", _("Give the time of the visit."), "required")
    if at > timezone.now() + CLOCK_SKEW:
        raise CampaignError("at", _("The time of the visit is in the future."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise CampaignError("note", _("Use at most %(n)s characters.") % {"n": NOTE_MAX})
    cleaned: dict[str, Any] | None = None
    raised: list[Question] = []
    if outcome == Outcome.DONE:
        questions = campaign_questions(campaign)
        cleaned = checklist.validate(questions, answers)
        raised = checklist.exceptions(questions, cleaned)

    old_outcome, old_exception = target.outcome, target.has_exception
    target.outcome = outcome
    target.answers = cleaned
    target.note = note
    target.has_exception = bool(raised)
    target.attempts += 1
    target.result_at = at
    target.result_by = user
    target.save(
        update_fields=["outcome", "answers", "note", "has_exception", "attempts", "result_at", "result_by"]
    )
    created = _follow_ups(user, target, raised) if raised else []
    _count(target, old_outcome, old_exception, at)
    record(
        "campaigns.result",
        actor=user,
        target=target,
        details={
            "campaign": campaign.pk,
            "outcome": outcome,
            "attempt": target.attempts,
            # Question codes only: the answers (health data) stay out of the audit log.
            "exceptions": [q.code for q in raised],
            "follow_ups": len(created),
        },
    )
    return target


def _count(target: Target, old_outcome: str, old_exception: bool, at: datetime) -> None:
    """Move the grid's counters from the old result to the new one, add the result to its day.

    GridProgress counts the households' current results; DailyCount counts the results of a
    day (a revisit counts again) and the households newly found with an exception."""
    changes: dict[str, Any] = {}
    if old_outcome != target.outcome:
        changes[COLUMN[target.outcome]] = F(COLUMN[target.outcome]) + 1
        if old_outcome in COLUMN:
            changes[COLUMN[old_outcome]] = F(COLUMN[old_outcome]) - 1
    if old_exception != target.has_exception:
        changes["exceptions"] = F("exceptions") + (1 if target.has_exception else -1)
    if changes:
        GridProgress.objects.filter(campaign_id=target.campaign_id, grid_id=target.grid_id).update(
            updated_at=timezone.now(), **changes
        )
    new_exception = target.has_exception and not old_exception
    daily = {COLUMN[target.outcome]: F(COLUMN[target.outcome]) + 1}
    if new_exception:
        daily["exceptions"] = F("exceptions") + 1
    key = {"campaign_id": target.campaign_id, "grid_id": target.grid_id, "day": local_day(at)}
    if DailyCount.objects.filter(**key).update(**daily):
        return
    # The grid's first result that day. A concurrent first result may insert the row between our
    # UPDATE and INSERT: the unique constraint refuses ours, and the UPDATE then finds the row.
    try:
        with transaction.atomic():
            DailyCount.objects.create(
                org_path=target.org_path,
                exceptions=int(new_exception),
                **{COLUMN[target.outcome]: 1},
                **key,
            )
    except IntegrityError:
        DailyCount.objects.filter(**key).update(**daily)


def _follow_ups(user, target: Target, raised: list[Question]) -> list[FollowUp]:
    """One follow-up per exception question of the household (a revisit raising the same
    exception again adds nothing); a CASE exception also reports a case."""
    existing = set(FollowUp.objects.filter(target=target).order_by().values_list("question_code", flat=True))
    fresh = [q for q in raised if q.code not in existing]
    follow_ups = []
    for question in fresh:
        follow_up = FollowUp(
            campaign_id=target.campaign_id,
            target=target,
            question_code=question.code,
            label=(question.exception_label or question.code)[:100],
            action=question.exception_action or ExceptionAction.FOLLOW_UP,
            org_path=target.org_path,
        )
        if question.exception_action == ExceptionAction.CASE:
            _report(user, target, question, follow_up)
        follow_ups.append(follow_up)
    FollowUp.objects.bulk_create(follow_ups)
    return follow_ups


def _report(user, target: Target, question: Question, follow_up: FollowUp) -> None:
    """Report the exception's case at the household's building. The description names the
    campaign, the exception and the address, never the answers (no health details in cases)."""
    household = Household.objects.select_related("house__building").get(pk=target.household_id)
    house = household.house
    if house is not None:
        building = house.building
        address = f"{building.address} {house.unit}-{house.number}"
        lon, lat = building.lon, building.lat
    else:
        address = household.number
        # A household without a house on record: a point surely inside its grid.
        point = shape(OrgUnit.objects.get(pk=target.grid_id).geometry).representative_point()
        lon, lat = point.x, point.y
    label = question.exception_label or question.code
    data = NewCase(
        category=question.exception_category,
        description=_("Campaign %(name)s: %(label)s") % {"name": target.campaign.name, "label": label}
        + f"\n{address}",
        lon=lon,
        lat=lat,
        address=address[:200],
        source=Source.CAMPAIGN,
    )
    try:
        with _as_campaign_channel(user):
            case, _created = report_case(data, actor=user)
    except WorkflowError as error:
        # The worker's result stands; the follow-up tells the command center the case is missing.
        follow_up.note = (_("The case could not be reported: %(reason)s") % {"reason": error.message})[:200]
        record(
            "campaigns.case_failed",
            actor=user,
            target=target,
            details={"question": question.code, "field": error.field or "", "code": error.code},
        )
        return
    follow_up.case = case
