"""Consultations: proposal → supports → threshold → household vote → close → result → actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry
from gridgov.cases.testing import build_case_world, report
from gridgov.community import consultations as actions
from gridgov.community.errors import CommunityError
from gridgov.community.models import Consultation, ConsultationState, Support, Vote
from gridgov.community.testing import (
    BAYANTALA_GRID,
    HEPING_GRID_1,
    HEPING_GRID_2,
    CommunityWorld,
    build_community_world,
    unbound_resident,
    voting_consultation,
)

pytestmark = pytest.mark.django_db
S = ConsultationState


@pytest.fixture
def world():
    return build_community_world()


def _in_a_day():
    return timezone.now() + timedelta(days=1)


def _option(consultation, label):
    return consultation.options.get(label=label).pk


@override_settings(COMMUNITY_SUPPORT_THRESHOLD=2)
def test_a_proposal_goes_to_a_vote_once_it_reaches_the_threshold(world):
    proposer = unbound_resident(world, HEPING_GRID_1)
    consultation = actions.propose(actor=proposer, title="修缮健身广场", description="器材老化")
    assert consultation.community == world.units["150502001001"] and consultation.threshold == 2
    actions.support(consultation, actor=unbound_resident(world, HEPING_GRID_2))
    with pytest.raises(CommunityError) as early:
        actions.open_vote(consultation, actor=world.staff, options=["同意", "反对"], closes_at=_in_a_day())
    assert early.value.code == "conflict"
    actions.support(consultation, actor=unbound_resident(world, HEPING_GRID_1))
    opened = actions.open_vote(
        consultation, actor=world.staff, options=["同意", "反对", ""], closes_at=_in_a_day()
    )
    assert opened.state == S.VOTING
    assert list(opened.options.values_list("label", flat=True)) == ["同意", "反对"]
    assert AuditEntry.objects.filter(action="community.vote_opened", target_id=str(opened.pk)).exists()


def test_support_is_once_per_resident_of_the_community_and_not_by_the_proposer(world):
    proposer = unbound_resident(world)
    consultation = actions.propose(actor=proposer, title="t", description="d")
    neighbour = unbound_resident(world)
    actions.support(consultation, actor=neighbour)
    for actor, code in (
        (neighbour, "conflict"),
        (proposer, "not_allowed"),
        (unbound_resident(world, BAYANTALA_GRID), "not_allowed"),
    ):
        with pytest.raises(CommunityError) as refused:
            actions.support(consultation, actor=actor)
        assert refused.value.code == code
    assert Support.objects.filter(consultation=consultation).count() == 1


def test_proposals_need_a_title_and_a_community(world):
    with pytest.raises(CommunityError) as untitled:
        actions.propose(actor=unbound_resident(world), title="  ", description="d")
    assert untitled.value.field == "title"
    with pytest.raises(CommunityError):
        actions.propose(actor=world.world.users[Role.GRID_WORKER], title="t", description="d")
    assert not Consultation.objects.exists()


def test_opening_a_vote_checks_options_and_close_time(world):
    consultation = actions.propose(actor=unbound_resident(world), title="t", description="d")
    actions.set_threshold(consultation, actor=world.staff, threshold=1)
    actions.support(consultation, actor=unbound_resident(world))
    for options, closes_at, field in (
        (["只有一个"], _in_a_day(), "options"),
        (["同意", "同意"], _in_a_day(), "options"),
        (["同意", "反对"], timezone.now() - timedelta(minutes=1), "closes_at"),
    ):
        with pytest.raises(CommunityError) as refused:
            actions.open_vote(consultation, actor=world.staff, options=options, closes_at=closes_at)
        assert refused.value.field == field
    street_admin = world.world.users[Role.STREET_ADMIN]  # above the community: may run its votes
    assert (
        actions.open_vote(consultation, actor=street_admin, options=["a", "b"], closes_at=_in_a_day()).state
        == S.VOTING
    )


def test_staff_outside_the_community_cannot_moderate(world):
    consultation = actions.propose(actor=unbound_resident(world), title="t", description="d")
    other = make_user("bayantala_admin", Role.COMMUNITY_ADMIN, world.units["150502002001"])
    with pytest.raises(CommunityError) as refused:
        actions.reject(consultation, actor=other, reason="no")
    assert refused.value.code == "not_allowed"
    assert Consultation.objects.get(pk=consultation.pk).state == S.PROPOSED


def test_reject_needs_a_reason_and_ends_the_support(world):
    consultation = actions.propose(actor=unbound_resident(world), title="t", description="d")
    with pytest.raises(CommunityError) as bare:
        actions.reject(consultation, actor=world.staff, reason=" ")
    assert bare.value.field == "reason"
    rejected = actions.reject(consultation, actor=world.staff, reason="不属于社区事务")
    assert rejected.state == S.REJECTED and rejected.rejection_reason == "不属于社区事务"
    with pytest.raises(CommunityError):
        actions.support(rejected, actor=unbound_resident(world))


def test_one_vote_per_household_the_latest_member_counts(world):
    consultation = voting_consultation(world)
    household = world.add_household(HEPING_GRID_1, members=2)
    first, second = world.members[household.pk]
    actions.cast_vote(consultation, actor=first, option_id=_option(consultation, "同意"))
    actions.cast_vote(consultation, actor=second, option_id=_option(consultation, "反对"))
    votes = Vote.objects.filter(consultation=consultation)
    assert votes.count() == 1
    assert votes.get().option.label == "反对" and votes.get().voter == second


def test_a_voter_can_change_the_household_vote_until_the_close(world):
    consultation = voting_consultation(world)
    household = world.add_household(HEPING_GRID_2)
    (voter,) = world.members[household.pk]
    actions.cast_vote(consultation, actor=voter, option_id=_option(consultation, "同意"))
    actions.cast_vote(consultation, actor=voter, option_id=_option(consultation, "反对"))
    assert Vote.objects.get(consultation=consultation, household=household).option.label == "反对"
    assert AuditEntry.objects.filter(action="community.voted", actor=voter).count() == 2


def test_unbound_and_outside_residents_cannot_vote(world):
    consultation = voting_consultation(world)
    with pytest.raises(CommunityError) as unbound:
        actions.cast_vote(
            consultation, actor=unbound_resident(world), option_id=_option(consultation, "同意")
        )
    assert unbound.value.code == "not_bound"
    outside = world.add_household(BAYANTALA_GRID)
    with pytest.raises(CommunityError) as elsewhere:
        actions.cast_vote(
            consultation, actor=world.members[outside.pk][0], option_id=_option(consultation, "同意")
        )
    assert elsewhere.value.code == "not_allowed"
    with pytest.raises(CommunityError) as wrong:
        member = world.members[world.add_household(HEPING_GRID_1).pk][0]
        actions.cast_vote(consultation, actor=member, option_id=-1)
    assert wrong.value.field == "option"
    assert not Vote.objects.exists()


def test_closing_publishes_counts_and_refuses_later_votes(world):
    consultation = voting_consultation(world)
    households = [world.add_household(HEPING_GRID_1) for _n in range(3)]
    world.add_household(HEPING_GRID_2)  # does not vote
    world.add_household(BAYANTALA_GRID)  # another community: not counted
    for household, label in zip(households, ("同意", "同意", "反对"), strict=True):
        actions.cast_vote(
            consultation, actor=world.members[household.pk][0], option_id=_option(consultation, label)
        )
    closed = actions.close_vote(consultation, actor=world.staff)
    assert closed.state == S.CLOSED
    assert [(o["label"], o["votes"]) for o in closed.result["options"]] == [("同意", 2), ("反对", 1)]
    assert (closed.result["households_voted"], closed.result["households_total"]) == (3, 4)
    with pytest.raises(CommunityError) as late:
        actions.cast_vote(
            closed, actor=world.members[households[0].pk][0], option_id=_option(consultation, "反对")
        )
    assert late.value.code == "conflict"
    assert Vote.objects.filter(consultation=consultation, option__label="反对").count() == 1


def test_a_vote_past_its_close_time_is_closed_on_the_next_read(world):
    consultation = voting_consultation(world)
    voter = world.members[world.add_household(HEPING_GRID_1).pk][0]
    actions.cast_vote(consultation, actor=voter, option_id=_option(consultation, "同意"))
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    stale = Consultation.objects.get(pk=consultation.pk)
    with pytest.raises(CommunityError):  # a vote after the close time is refused even before the close
        actions.cast_vote(stale, actor=voter, option_id=_option(consultation, "反对"))
    actions.close_due(Consultation.objects.all())
    closed = Consultation.objects.get(pk=consultation.pk)
    assert closed.state == S.CLOSED and closed.result["households_voted"] == 1
    entry = AuditEntry.objects.get(action="community.vote_closed", target_id=str(closed.pk))
    assert entry.actor is None and entry.details["automatic"] is True


def test_follow_up_actions_follow_a_closed_result_and_link_a_case(world):
    consultation = voting_consultation(world)
    with pytest.raises(CommunityError):
        actions.add_action(consultation, actor=world.staff, text="报修")
    closed = actions.close_vote(consultation, actor=world.staff)
    with pytest.raises(CommunityError) as unknown:
        actions.add_action(closed, actor=world.staff, text="报修", case_number="150502-20260101-99999")
    assert unknown.value.field == "case_number"
    action = actions.add_action(closed, actor=world.staff, text="联系物业加装电梯")
    assert actions.set_action_state(action, actor=world.staff, state="done").state == "done"
    assert list(closed.actions.values_list("text", "state")) == [("联系物业加装电梯", "done")]


def test_an_existing_case_in_scope_can_be_linked():
    case_world = build_case_world()
    case = report(case_world)
    world = CommunityWorld(world=case_world)
    closed = actions.close_vote(voting_consultation(world), actor=world.staff)
    action = actions.add_action(closed, actor=world.staff, text="立案处理", case_number=case.number)
    assert action.case_number == case.number
