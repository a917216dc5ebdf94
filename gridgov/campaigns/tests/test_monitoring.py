"""Monitoring status changes need a second person: proposals, approval, rejection, and the
database constraint that backs the rule; random sequences of decisions by random users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns import monitoring
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.models import (
    ChangeAction,
    ChangeState,
    Monitoring,
    MonitoringChange,
    MonitoringKind,
)
from gridgov.campaigns.testing import build_campaign_world, start

pytestmark = pytest.mark.django_db


def running_world():
    world = build_campaign_world()
    start(world)
    return world


@pytest.fixture
def world():
    return running_world()


def propose_place(world, person: str = "head", *, by=Role.GRID_CHIEF, days: int = 14, **extra):
    today = timezone.localdate()
    return monitoring.propose_change(
        world.users[by],
        campaign=world.campaign,
        person=world.reg.persons[person],
        action=ChangeAction.PLACE,
        kind=extra.pop("kind", MonitoringKind.HOME_QUARANTINE),
        starts_on=extra.pop("starts_on", today),
        ends_on=extra.pop("ends_on", today + timedelta(days=days - 1)),
        reason=extra.pop("reason", "密切接触者"),
        **extra,
    )


def place(world, person: str = "head", **extra) -> Monitoring:
    """A person placed under monitoring: proposed by the grid chief, approved by the community admin."""
    change = propose_place(world, person, **extra)
    return monitoring.approve_change(world.users[Role.COMMUNITY_ADMIN], change)


def test_a_proposal_applies_only_when_a_second_person_approves(world):
    chief, community = world.users[Role.GRID_CHIEF], world.users[Role.COMMUNITY_ADMIN]
    change = propose_place(world)
    assert change.state == ChangeState.PENDING and not Monitoring.objects.exists()
    placed = monitoring.approve_change(community, change)
    change.refresh_from_db()
    assert (
        change.state == ChangeState.APPROVED
        and change.decided_by == community
        and change.monitoring == placed
    )
    head = world.reg.persons["head"]
    assert placed.person == head and placed.grid == head.grid and placed.household == head.household
    assert placed.org_path == head.org_path and placed.kind == MonitoringKind.HOME_QUARANTINE
    # Change the period, then release: each by proposal and someone else's approval.
    longer = monitoring.propose_change(
        chief,
        campaign=world.campaign,
        person=head,
        action=ChangeAction.CHANGE,
        ends_on=placed.ends_on + timedelta(days=7),
        kind=MonitoringKind.HOME_HEALTH,
        reason="延长",
        monitoring=placed,
    )
    monitoring.approve_change(community, longer)
    placed.refresh_from_db()
    assert placed.kind == MonitoringKind.HOME_HEALTH and placed.ends_on == longer.ends_on
    release = monitoring.propose_change(
        community, campaign=world.campaign, person=head, action=ChangeAction.RELEASE, reason="期满"
    )
    monitoring.approve_change(world.users[Role.STREET_ADMIN], release)
    placed.refresh_from_db()
    assert placed.released_at is not None
    assert AuditEntry.objects.filter(action="campaigns.monitoring.approve", outcome=Outcome.OK).count() == 3
    assert AuditEntry.objects.filter(action="campaigns.monitoring.propose").count() == 3


def test_the_proposer_cannot_approve_or_reject_their_own_change(world):
    community = world.users[Role.COMMUNITY_ADMIN]
    change = propose_place(world, by=Role.COMMUNITY_ADMIN)
    with translation.override("en"), pytest.raises(CampaignDenied) as error:
        monitoring.approve_change(community, change)
    assert "another person" in str(error.value.message)
    with pytest.raises(CampaignDenied):
        monitoring.reject_change(community, change, "不需要")
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING and change.decided_by is None
    assert not Monitoring.objects.exists()
    denied = AuditEntry.objects.filter(action__startswith="campaigns.monitoring.", outcome=Outcome.DENIED)
    assert denied.count() == 2 and all(e.details["reason"] == "second_person" for e in denied)


def test_the_database_refuses_the_proposer_as_decider(world):
    change = propose_place(world, by=Role.COMMUNITY_ADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringChange.objects.filter(pk=change.pk).update(
            state=ChangeState.APPROVED, decided_by=change.proposed_by, decided_at=timezone.now()
        )
    change.refresh_from_db()
    assert change.decided_by is None and change.state == ChangeState.PENDING


def test_a_decided_change_cannot_be_decided_again(world):
    change = propose_place(world)
    monitoring.reject_change(world.users[Role.COMMUNITY_ADMIN], change, "无依据")
    with pytest.raises(CampaignError) as error:
        monitoring.approve_change(world.users[Role.STREET_ADMIN], change)
    assert error.value.code == "conflict"
    change.refresh_from_db()
    assert change.state == ChangeState.REJECTED and change.decision_note == "无依据"
    assert not Monitoring.objects.exists()


def test_reject_needs_a_note(world):
    change = propose_place(world)
    with pytest.raises(CampaignError) as error:
        monitoring.reject_change(world.users[Role.COMMUNITY_ADMIN], change, "  ")
    assert error.value.field == "note"
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"kind": "vacation"}, "kind"),
        ({"starts_on": None}, "starts_on"),
        ({"ends_on": None}, "ends_on"),
        ({"days": -2}, "ends_on"),
    ],
)
def test_a_place_proposal_names_the_bad_field(world, extra, field):
    with pytest.raises(CampaignError) as error:
        propose_place(world, **extra)
    assert error.value.field == field
    assert not MonitoringChange.objects.exists()


def test_place_is_refused_twice_and_change_release_need_an_open_monitoring(world):
    chief = world.users[Role.GRID_CHIEF]
    head = world.reg.persons["head"]
    propose_place(world)
    with pytest.raises(CampaignError) as pending:
        propose_place(world)
    assert pending.value.field == "person" and pending.value.code == "exists"
    MonitoringChange.objects.all().delete()
    place(world)
    with pytest.raises(CampaignError) as placed:
        propose_place(world)
    assert placed.value.code == "exists"
    spouse = world.reg.persons["spouse"]
    for action in (ChangeAction.CHANGE, ChangeAction.RELEASE):
        with pytest.raises(CampaignError) as error:
            monitoring.propose_change(
                chief, campaign=world.campaign, person=spouse, action=action, reason="r"
            )
        assert error.value.field == "monitoring"
    with pytest.raises(CampaignError) as nothing:
        monitoring.propose_change(
            chief, campaign=world.campaign, person=head, action=ChangeAction.CHANGE, reason="r"
        )
    assert nothing.value.field == "kind"


def test_scope_and_rights(world):
    # A grid worker may not propose; the other grid's person is outside the chief's grid; the
    # person of another district is outside the campaign.
    with pytest.raises(CampaignDenied):
        propose_place(world, by=Role.GRID_WORKER)
    with pytest.raises(CampaignDenied):
        propose_place(world, "other_grid")
    with pytest.raises(CampaignDenied):
        propose_place(world, "other_district", by=Role.DISTRICT_ADMIN)  # district admins do not monitor
    change = propose_place(world)
    # A grid chief may propose but not approve.
    with pytest.raises(CampaignDenied):
        monitoring.approve_change(world.users["worker_b"], change)
    assert (
        AuditEntry.objects.filter(outcome=Outcome.DENIED, action__startswith="campaigns.monitoring").count()
        == 4
    )
    assert MonitoringChange.objects.count() == 1


def test_no_proposal_in_a_campaign_that_is_not_running(world):
    world.campaign.status = "ended"
    world.campaign.save(update_fields=["status"])
    with pytest.raises(CampaignError) as error:
        propose_place(world)
    assert error.value.field == "campaign"


DECIDERS = (Role.GRID_CHIEF, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN)
PROPOSERS = (Role.GRID_CHIEF, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN)
STEP = st.tuples(
    st.sampled_from(["propose_place", "propose_release", "approve", "reject"]),
    st.sampled_from(DECIDERS),
    st.integers(min_value=0, max_value=5),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=12))
def test_random_sequences_never_let_one_person_propose_and_decide(world, steps):
    """Whatever the order of proposals and decisions by whoever, a change is only ever decided
    by someone other than its proposer, and a person has at most one open monitoring."""
    head = world.reg.persons["head"]
    with transaction.atomic():
        for op, role, index in steps:
            user = world.users[role]
            pending = list(MonitoringChange.objects.filter(state=ChangeState.PENDING).order_by("pk"))
            try:
                if op == "propose_place":
                    propose_place(world, by=role if role in PROPOSERS else Role.GRID_CHIEF)
                elif op == "propose_release":
                    monitoring.propose_change(
                        user, campaign=world.campaign, person=head, action=ChangeAction.RELEASE, reason="r"
                    )
                elif pending:
                    change = pending[index % len(pending)]
                    if op == "approve":
                        monitoring.approve_change(user, change)
                    else:
                        monitoring.reject_change(user, change, "n")
                    assert change.proposed_by_id != user.pk
            except CampaignDenied as denied:
                if op in ("approve", "reject") and pending:
                    own = pending[index % len(pending)].proposed_by_id == user.pk
                    assert own or role == Role.GRID_CHIEF, denied
            except CampaignError:
                pass
            decided = MonitoringChange.objects.exclude(state=ChangeState.PENDING)
            assert all(c.decided_by_id and c.decided_by_id != c.proposed_by_id for c in decided)
            assert Monitoring.objects.filter(released_at__isnull=True).count() <= 1
            approved_places = decided.filter(state=ChangeState.APPROVED, action=ChangeAction.PLACE).count()
            assert Monitoring.objects.count() == approved_places
        transaction.set_rollback(True)


def test_a_pending_placement_is_not_applied_after_the_campaign_ended(world):
    change = propose_place(world)
    world.campaign.status = "ended"
    world.campaign.save(update_fields=["status"])
    change.refresh_from_db()
    with pytest.raises(CampaignError) as error:
        monitoring.approve_change(world.users[Role.COMMUNITY_ADMIN], change)
    assert error.value.field == "campaign"
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING and not Monitoring.objects.exists()
