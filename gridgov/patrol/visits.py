"""Household visits and the review of the registry corrections they propose."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.cases.errors import InvalidInput
from gridgov.cases.photos import check_photos
from gridgov.patrol import assignments, corrections
from gridgov.patrol.errors import ALL, PatrolError
from gridgov.patrol.models import ChangeState, Need, Patrol, ProposedChange, Situation, Visit, VisitPhoto
from gridgov.patrol.rights import REVIEW, WORK, atomic_action, require
from gridgov.people.models import Household, Person

CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class Correction:
    """A proposed registry change: `person` (a member) or, when None, the household itself."""

    field: str
    value: str
    person: Person | None = None


@dataclass
class NewVisit:
    household: Household
    situation: str
    visited_at: datetime | None = None
    nobody_home: bool = False
    met: list[Person] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    needs_other: str = ""
    notes: str = ""
    patrol: Patrol | None = None
    corrections: list[Correction] = field(default_factory=list)
    photos: list = field(default_factory=list)


def _check(data: NewVisit, actor) -> datetime:
    household = data.household
    if data.situation not in Situation.values:
        raise PatrolError("situation", _("Choose the situation."), "required")
    unknown = [code for code in data.needs if code not in Need.values]
    if unknown:
        raise PatrolError("needs", _("Choose needs from the list."))
    if Need.OTHER in data.needs and not data.needs_other.strip():
        raise PatrolError("needs_other", _("Describe the other need."), "required")
    if data.nobody_home and data.met:
        raise PatrolError("met", _("Nobody was at home, so nobody can have been met."))
    if not data.nobody_home and not data.met:
        raise PatrolError("met", _("Choose who was met, or tick 'nobody at home'."), "required")
    if any(person.household_id != household.pk for person in data.met):
        raise PatrolError("met", _("Choose members of this household."))
    if data.patrol is not None and data.patrol.worker_id != actor.pk:
        raise PatrolError("patrol", _("Choose one of your own patrols."))
    visited_at = data.visited_at or timezone.now()
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    if visited_at > timezone.now() + CLOCK_SKEW:
        raise PatrolError("visited_at", _("A visit cannot lie in the future."))
    try:
        check_photos(data.photos)
    except InvalidInput as error:
        raise PatrolError("photos", error.message) from None
    return visited_at


@atomic_action
def record_visit(data: NewVisit, *, actor, request=None) -> Visit:
    """Record a household visit by `actor`, its proposed corrections (pending review) and photos;
    complete the open task items the visit satisfies.

    Raises PatrolDenied outside the actor's grids, PatrolError naming the field for bad input
    (a correction's errors are named "corrections.<n>.<field>").
    """
    household = data.household
    require(actor, WORK, household.org_path, action="patrol.visit")
    visited_at = _check(data, actor)
    checked = []
    for number, correction in enumerate(data.corrections):
        if correction.person is not None and correction.person.household_id != household.pk:
            raise PatrolError(f"corrections.{number}.person", _("Choose a member of this household."))
        try:
            value = corrections.check_value(
                correction.field, correction.value, person=correction.person, household=household
            )
        except PatrolError as error:
            raise PatrolError(f"corrections.{number}.{error.field}", error.message, error.code) from None
        checked.append((correction, value))
    visit = Visit.objects.create(
        household=household,
        worker=actor,
        patrol=data.patrol,
        visited_at=visited_at,
        nobody_home=data.nobody_home,
        situation=data.situation,
        needs=sorted(set(data.needs)),
        needs_other=data.needs_other.strip()[:200],
        notes=data.notes.strip(),
        grid_id=household.grid_id,
        org_path=household.org_path,
    )
    if data.met:
        visit.met.set(data.met)
    for upload in data.photos:
        VisitPhoto.objects.create(visit=visit, image=upload)
    for correction, value in checked:
        ProposedChange.objects.create(
            visit=visit,
            person=correction.person,
            household=None if correction.person is not None else household,
            field=correction.field,
            value=value.value,
            value_token=value.sealed.token,
            value_index=value.sealed.index,
            value_masked=value.sealed.masked,
            proposed_by=actor,
            org_path=household.org_path,
        )
    completed = assignments.complete_by_visit(visit)
    record(
        "patrol.visit",
        actor=actor,
        request=request,
        target=visit,
        details={
            "household": household.pk,
            "situation": visit.situation,
            "corrections": [c.field for c, _v in checked],
            "tasks_completed": completed,
        },
    )
    return visit


# Review of proposed changes -------------------------------------------------------------------


def _claim(change: ProposedChange, reviewer, state: str, reason: str) -> ProposedChange:
    """Move a pending change to `state`, only if it is still pending (a compare-and-swap)."""
    require(reviewer, REVIEW, change.org_path, action=f"patrol.change.{state}")
    now = timezone.now()
    moved = ProposedChange.objects.filter(pk=change.pk, state=ChangeState.PENDING).update(
        state=state, reviewer=reviewer, reviewed_at=now, reason=reason
    )
    if not moved:
        raise PatrolError(ALL, _("This change has already been reviewed."), "conflict")
    change.refresh_from_db()
    return change


@atomic_action
def accept_change(change: ProposedChange, *, reviewer, request=None) -> ProposedChange:
    """Accept a pending change and apply it to the registry through people.services (audited there
    and here). Raises PatrolDenied for a reviewer without patrol.review_changes over it,
    PatrolError when it was already reviewed or the registry refuses the value."""
    change = _claim(change, reviewer, ChangeState.ACCEPTED, "")
    corrections.apply(change, actor=reviewer, request=request)
    record(
        "patrol.change.accept",
        actor=reviewer,
        request=request,
        target=change,
        details={"field": change.field, "person": change.person_id, "household": change.household_id},
    )
    return change


@atomic_action
def reject_change(change: ProposedChange, *, reviewer, reason: str, request=None) -> ProposedChange:
    """Reject a pending change; the reason is required. The registry is not touched."""
    reason = (reason or "").strip()
    if not reason:
        # Checked after the right, so that a reviewer without it learns nothing of the change.
        require(reviewer, REVIEW, change.org_path, action="patrol.change.rejected")
        raise PatrolError("reason", _("Give the reason for rejecting."), "required")
    change = _claim(change, reviewer, ChangeState.REJECTED, reason[:200])
    record(
        "patrol.change.reject",
        actor=reviewer,
        request=request,
        target=change,
        details={"field": change.field, "person": change.person_id, "household": change.household_id},
    )
    return change
