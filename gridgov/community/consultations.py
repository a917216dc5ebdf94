"""Consultation actions (议事协商): propose, support, moderate, open a household vote, vote,
close with a published result, and follow-up actions.

Voting is one vote per household. The household's vote is the latest choice of any of its
bound members: a second member's vote replaces the first (docs/community.md says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope, scoped
from gridgov.audit.log import record
from gridgov.cases.models import Case
from gridgov.community.audience import community_of, households_of
from gridgov.community.errors import CommunityError
from gridgov.community.models import (
    ActionState,
    Consultation,
    ConsultationState,
    FollowUpAction,
    Support,
    Vote,
    VoteOption,
)
from gridgov.community.permissions import MANAGE
from gridgov.people.models import Household
from gridgov.residents.accounts import home_unit, household_of

S = ConsultationState


def resident_community(user):
    """The community a resident lives in, or None."""
    return community_of(home_unit(user))


def consultations_for(user) -> QuerySet[Consultation]:
    """The consultations of the resident's community, newest first."""
    community = resident_community(user)
    if community is None:
        return Consultation.objects.none()
    return Consultation.objects.filter(community=community).select_related("community")


def _lives_in(user, consultation: Consultation) -> bool:
    unit = home_unit(user)
    return unit is not None and (
        unit.path == consultation.org_path or unit.path.startswith(consultation.org_path + ".")
    )


def _require_manage(actor, consultation: Consultation) -> None:
    if not in_scope(actor, consultation.org_path, MANAGE):
        raise CommunityError("", _("You may not manage this consultation."), "not_allowed")


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def propose(*, actor, title: str, description: str) -> Consultation:
    """A resident's proposal in their community; raises CommunityError naming the field."""
    community = resident_community(actor)
    if community is None:
        raise CommunityError("", _("Only residents of a community can make a proposal."), "not_allowed")
    title, description = title.strip(), description.strip()
    if not title:
        raise CommunityError("title", _("A proposal needs a title."))
    if not description:
        raise CommunityError("description", _("Describe what you propose."))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            community=community, org_path=community.path, title=title, description=description, proposer=actor
        )
        record("community.proposed", actor=actor, target=consultation, details={"community": community.code})
    return consultation


def support(consultation: Consultation, *, actor) -> Support:
    """One resident's support; the proposer and residents of other communities may not."""
    if not _lives_in(actor, consultation):
        raise CommunityError("", _("Only residents of this community can support it."), "not_allowed")
    if consultation.proposer_id == actor.pk:
        raise CommunityError("", _("You cannot support your own proposal."), "not_allowed")
    try:
        with transaction.atomic():
            current = _locked(consultation)
            if current.state != S.PROPOSED:
                raise CommunityError("", _("This proposal no longer collects support."), "conflict")
            given = Support.objects.create(consultation=current, user=actor)
            record("community.supported", actor=actor, target=current)
    except IntegrityError:
        raise CommunityError("", _("You already support this proposal."), "conflict") from None
    return given


def set_threshold(consultation: Consultation, *, actor, threshold: int | None) -> Consultation:
    """Staff set this proposal's support threshold (None: the community default)."""
    _require_manage(actor, consultation)
    if threshold is not None and threshold < 1:
        raise CommunityError("threshold", _("At least one support is needed."))
    with transaction.atomic():
        current = _locked(consultation)
        if current.state != S.PROPOSED:
            raise CommunityError(
                "threshold", _("The threshold applies only while support is collected."), "conflict"
            )
        current.support_threshold = threshold
        current.save(update_fields=["support_threshold", "updated_at"])
        record("community.threshold_set", actor=actor, target=current, details={"threshold": threshold})
    return current


def reject(consultation: Consultation, *, actor, reason: str) -> Consultation:
    _require_manage(actor, consultation)
    reason = reason.strip()
    if not reason:
        raise CommunityError("reason", _("Say why the proposal is rejected."))
    with transaction.atomic():
        current = _locked(consultation)
        if current.state != S.PROPOSED:
            raise CommunityError("", _("Only a proposal collecting support can be rejected."), "conflict")
        current.state, current.rejection_reason = S.REJECTED, reason
        current.save(update_fields=["state", "rejection_reason", "updated_at"])
        record("community.rejected", actor=actor, target=current, details={"reason": reason})
    return current


def open_vote(
    consultation: Consultation, *, actor, options: Sequence[str], closes_at: datetime | None
) -> Consultation:
    """Open the household vote on a proposal that reached its threshold."""
    _require_manage(actor, consultation)
    labels = [label.strip() for label in options if label.strip()]
    if len(labels) < 2:
        raise CommunityError("options", _("A vote needs at least two options."))
    if len(set(labels)) != len(labels):
        raise CommunityError("options", _("Each option must be different."))
    if closes_at is None or closes_at <= timezone.now():
        raise CommunityError("closes_at", _("The vote must close in the future."))
    with transaction.atomic():
        current = _locked(consultation)
        if current.state != S.PROPOSED:
            raise CommunityError("", _("Only a proposal collecting support can go to a vote."), "conflict")
        supports = current.supports.count()
        if supports < current.threshold:
            raise CommunityError(
                "",
                _("The proposal has %(supports)d of the %(needed)d supports needed.")
                % {"supports": supports, "needed": current.threshold},
                "conflict",
            )
        VoteOption.objects.bulk_create(
            VoteOption(consultation=current, label=label, position=n) for n, label in enumerate(labels, 1)
        )
        current.state, current.opened_at, current.closes_at = S.VOTING, timezone.now(), closes_at
        current.save(update_fields=["state", "opened_at", "closes_at", "updated_at"])
        record(
            "community.vote_opened",
            actor=actor,
            target=current,
            details={"options": labels, "closes_at": closes_at.isoformat(), "supports": supports},
        )
    return current


def voter_household(user) -> Household | None:
    """The registry household of a bound resident, else None."""
    return household_of(user)


def cast_vote(consultation: Consultation, *, actor, option_id: int) -> Vote:
    """Cast or change the vote of the actor's household; raises CommunityError when refused.

    The consultation row is locked so that a vote and a close never interleave; the unique
    (consultation, household) constraint with an upsert keeps one row per household.
    """
    household = voter_household(actor)
    if household is None:
        raise CommunityError(
            "", _("Bind your account to the registry first: only registered households vote."), "not_bound"
        )
    if not (
        household.org_path == consultation.org_path
        or household.org_path.startswith(consultation.org_path + ".")
    ):
        raise CommunityError("", _("Only households of this community can vote."), "not_allowed")
    with transaction.atomic():
        current = _locked(consultation)
        now = timezone.now()
        if current.state != S.VOTING or (current.closes_at is not None and current.closes_at <= now):
            raise CommunityError("", _("Voting on this consultation is closed."), "conflict")
        option = current.options.filter(pk=option_id).first()
        if option is None:
            raise CommunityError("option", _("Choose one of the options."))
        Vote.objects.bulk_create(
            [Vote(consultation=current, household=household, option=option, voter=actor, cast_at=now)],
            update_conflicts=True,
            unique_fields=["consultation", "household"],
            update_fields=["option", "voter", "cast_at"],
        )
        vote = Vote.objects.get(consultation=current, household=household)
        record(
            "community.voted",
            actor=actor,
            target=current,
            details={"household": household.pk, "option": option.pk},
        )
    return vote


def close_vote(consultation: Consultation, *, actor=None) -> Consultation:
    """Close the vote and publish the result; actor None is the automatic close at closes_at."""
    if actor is not None:
        _require_manage(actor, consultation)
    with transaction.atomic():
        current = _locked(consultation)
        if current.state != S.VOTING:
            raise CommunityError("", _("Only an open vote can be closed."), "conflict")
        if actor is None and (current.closes_at is None or current.closes_at > timezone.now()):
            raise CommunityError("", _("The vote is not due to close yet."), "conflict")
        current.result = _tally(current)
        current.state, current.closed_at = S.CLOSED, timezone.now()
        current.save(update_fields=["state", "closed_at", "result", "updated_at"])
        record(
            "community.vote_closed",
            actor=actor,
            target=current,
            details={"automatic": actor is None, **current.result},
        )
    return current


def _tally(consultation: Consultation) -> dict:
    options = list(consultation.options.all())
    counts = {option.pk: 0 for option in options}
    for option_id in Vote.objects.filter(consultation=consultation).values_list("option_id", flat=True):
        counts[option_id] += 1
    return {
        "options": [{"id": o.pk, "label": o.label, "votes": counts[o.pk]} for o in options],
        "households_voted": sum(counts.values()),
        "households_total": households_of(consultation.org_path).count(),
    }


def close_if_due(consultation: Consultation) -> Consultation:
    """The consultation, closed first if its vote is past its close time (no scheduler needed)."""
    if consultation.state == S.VOTING and consultation.closes_at and consultation.closes_at <= timezone.now():
        try:
            return close_vote(consultation)
        except CommunityError:  # someone else closed it meanwhile
            return Consultation.objects.get(pk=consultation.pk)
    return consultation


def close_due(queryset: QuerySet[Consultation]) -> None:
    """Close every vote in `queryset` that is past its close time, before a list is shown."""
    for consultation in queryset.filter(state=S.VOTING, closes_at__lte=timezone.now()):
        close_if_due(consultation)


def add_action(consultation: Consultation, *, actor, text: str, case_number: str = "") -> FollowUpAction:
    """A follow-up action under a closed consultation's result, optionally linked to a case."""
    _require_manage(actor, consultation)
    if consultation.state != S.CLOSED:
        raise CommunityError("", _("Follow-up actions come after the vote is closed."), "conflict")
    text, case_number = text.strip(), case_number.strip()
    if not text:
        raise CommunityError("text", _("Describe the action."))
    if case_number and not scoped(actor, Case.objects.filter(number=case_number), "cases.view").exists():
        raise CommunityError("case_number", _("No case with this number in your jurisdiction."))
    with transaction.atomic():
        action = FollowUpAction.objects.create(
            consultation=consultation, text=text, case_number=case_number, created_by=actor
        )
        record(
            "community.action_added",
            actor=actor,
            target=consultation,
            details={"action": action.pk, "case": case_number},
        )
    return action


def set_action_state(action: FollowUpAction, *, actor, state: str) -> FollowUpAction:
    _require_manage(actor, action.consultation)
    if state not in ActionState.values:
        raise CommunityError("state", _("Unknown state."))
    with transaction.atomic():
        action.state = state
        action.save(update_fields=["state", "updated_at"])
        record(
            "community.action_state",
            actor=actor,
            target=action.consultation,
            details={"action": action.pk, "state": state},
        )
    return action
