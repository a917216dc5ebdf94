"""Creating, starting and ending campaigns: assignments cover every targeted household exactly
once, each to a worker of its grid; progress totals; field checks; permissions and audit."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns import launch, targeting
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    GridProgress,
    ListEntry,
    Question,
    Target,
    TargetMode,
)
from gridgov.campaigns.testing import GRID_A, GRID_B, add_questions, build_campaign_world, start

pytestmark = pytest.mark.django_db

OTHER_GRID = "150502002001001"  # Bayantala Grid 1: no grid worker


@pytest.fixture
def world():
    return build_campaign_world()


def add_households(world, grid_code: str, count: int, *, active: bool = True) -> list:
    from gridgov.people.models import Household

    grid = world.units[grid_code]
    return [
        Household.objects.create(
            number=f"X-{grid_code[-3:]}-{i}-{active}", grid=grid, org_path=grid.path, is_active=active
        )
        for i in range(count)
    ]


def fields(world, **overrides):
    now = timezone.now()
    values = {
        "name": "冬季供暖排查",
        "kind": CampaignKind.HEATING,
        "starts_at": now,
        "ends_at": now + timedelta(days=3),
        "units": [world.units["150502001001"]],
    }
    values.update(overrides)
    return values


# --- Start ----------------------------------------------------------------------------------------


def test_start_assigns_every_targeted_household_once_to_a_worker_of_its_grid(world):
    second = make_user("worker_a2", Role.GRID_WORKER, world.units[GRID_A])
    add_households(world, GRID_A, 7)
    add_households(world, GRID_B, 3)
    add_households(world, GRID_A, 2, active=False)
    expected = targeting.household_ids(world.campaign)
    assert start(world) == len(expected) == 12

    targets = list(Target.objects.filter(campaign=world.campaign))
    assert sorted(t.household_id for t in targets) == sorted(expected)  # each exactly once
    workers = {GRID_A: {world.users[Role.GRID_WORKER].pk, second.pk}, GRID_B: {world.users["worker_b"].pk}}
    for target in targets:
        assert target.assignee_id in workers[target.grid.code]
        assert target.org_path == target.grid.path
    # Round robin: grid A's 8 households split 4 / 4 between its two workers.
    in_a = Counter(t.assignee_id for t in targets if t.grid.code == GRID_A)
    assert sorted(in_a.values()) == [4, 4]

    progress = {p.grid.code: p for p in GridProgress.objects.filter(campaign=world.campaign)}
    assert {code: p.total for code, p in progress.items()} == {GRID_A: 8, GRID_B: 4}
    assert all(p.pending == p.total for p in progress.values())
    assert world.campaign.status == CampaignStatus.ACTIVE and world.campaign.started_at is not None
    entry = AuditEntry.objects.get(action="campaigns.start")
    assert entry.details == {"targets": 12, "grids": 2, "unassigned": 0}
    assert entry.actor == world.users[Role.DISTRICT_ADMIN]


def test_a_grid_without_worker_gets_unassigned_targets(world):
    add_households(world, OTHER_GRID, 2)
    world.campaign.units.add(world.units["150502002001"])
    world.campaign.org_path = "150502"
    world.campaign.save(update_fields=["org_path"])
    assert start(world) == 4
    unassigned = Target.objects.filter(campaign=world.campaign, assignee__isnull=True)
    assert {t.grid.code for t in unassigned} == {OTHER_GRID} and unassigned.count() == 2
    assert AuditEntry.objects.get(action="campaigns.start").details["unassigned"] == 2


def expected_targets(campaign) -> dict[int, tuple]:
    """What a start must write, computed row by row from the targeting engine: household ->
    (grid, path, person ids, assignee), the assignee the round robin over the grid's workers
    (user-id order) in the households' path order."""
    rows = list(targeting.targets(campaign))
    workers = launch.grid_workers({row.grid_id for row in rows})
    seen: Counter = Counter()
    expected = {}
    for row in rows:
        staff = workers.get(row.grid_id, [])
        assignee = staff[seen[row.grid_id] % len(staff)] if staff else None
        seen[row.grid_id] += 1
        expected[row.household_id] = (row.grid_id, row.org_path, row.person_ids, assignee)
    return expected


@pytest.mark.parametrize("mode", [TargetMode.ALL, TargetMode.FILTER, TargetMode.LIST])
def test_the_set_based_start_writes_what_the_targeting_engine_reads(mode, django_assert_max_num_queries):
    """Start is an INSERT … SELECT (no batches): the rows equal the engine's targets with the
    round-robin assignees, person ids in id order; the statements do not grow with the size."""
    from gridgov.campaigns.tests.test_engine_targeting import campaign_for, make_registry
    from gridgov.people.models import Household, Tag

    world = build_campaign_world()
    reg = world.reg
    make_registry(reg, random.Random(11))
    for n in range(3):  # grids with two and three workers
        make_user(f"extra_a{n}", Role.GRID_WORKER, world.units[GRID_A])
    make_user("extra_b", Role.GRID_WORKER, world.units[GRID_B])
    fields = {"target_mode": mode}
    if mode == TargetMode.FILTER:
        fields["target_tags"] = list(
            Tag.objects.filter(sensitivity__lt=2, is_active=True).values_list("pk", flat=True)[:3]
        )
    campaign = campaign_for(reg, ["150502001", "150502002001"], **fields)
    if mode == TargetMode.LIST:
        for household in Household.objects.order_by("-pk")[:40]:
            ListEntry.objects.create(campaign=campaign, household=household)
    add_questions(campaign)
    expected = expected_targets(campaign)
    assert len(expected) >= 10 and any(v[3] is None for v in expected.values())
    if mode == TargetMode.FILTER:
        assert any(len(v[2]) > 1 for v in expected.values())

    with django_assert_max_num_queries(12):
        count = launch.start_campaign(world.users[Role.DISTRICT_ADMIN], campaign)

    assert count == len(expected)
    got = {
        t.household_id: (t.grid_id, t.org_path, t.person_ids, t.assignee_id)
        for t in Target.objects.filter(campaign=campaign)
    }
    assert got == expected
    ids = list(
        Target.objects.filter(campaign=campaign).order_by("pk").values_list("org_path", "household_id")
    )
    assert ids == sorted(ids)  # inserted in path order, like the rows were read
    totals = Counter(v[0] for v in expected.values())
    progress = {p.grid_id: p for p in GridProgress.objects.filter(campaign=campaign)}
    assert {grid: p.total for grid, p in progress.items()} == dict(totals)
    assert all(p.org_path == expected_path for p in progress.values() for expected_path in [p.grid.path])
    assert all(p.pending == p.total and p.updated_at is not None for p in progress.values())
    entry = AuditEntry.objects.get(action="campaigns.start", target_id=str(campaign.pk))
    assert entry.details == {
        "targets": count,
        "grids": len(totals),
        "unassigned": sum(v[3] is None for v in expected.values()),
    }


def test_only_a_draft_with_questions_starts(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    Question.objects.filter(campaign=world.campaign).delete()
    with pytest.raises(CampaignError) as raised:
        launch.start_campaign(admin, world.campaign)
    assert raised.value.field == "questions"
    assert not Target.objects.exists() and not GridProgress.objects.exists()
    add_questions(world.campaign)
    start(world)
    with pytest.raises(CampaignError) as raised:
        launch.start_campaign(admin, world.campaign)
    assert raised.value.field == "status"
    assert Target.objects.count() == 2  # nothing added twice


@pytest.mark.parametrize("role", [Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.LEADER])
def test_who_may_not_manage_cannot_start(world, role):
    with pytest.raises(CampaignDenied):
        launch.start_campaign(world.users[role], world.campaign)
    assert not Target.objects.exists()
    world.campaign.refresh_from_db()
    assert world.campaign.status == CampaignStatus.DRAFT
    denied = AuditEntry.objects.get(action="campaigns.start")
    assert denied.outcome == Outcome.DENIED and denied.actor == world.users[role]


def test_a_street_admin_starts_in_their_street_only(world):
    street = world.users[Role.STREET_ADMIN]  # street 150502001, the campaign's community is in it
    assert launch.start_campaign(street, world.campaign) == 2
    other = make_user("street2", Role.STREET_ADMIN, world.units["150502002"])
    elsewhere = launch.create_campaign(other, **fields(world, units=[world.units["150502002001"]]))
    add_questions(elsewhere)
    with pytest.raises(CampaignDenied):
        launch.start_campaign(street, elsewhere)


def test_end_campaign(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    with pytest.raises(CampaignError) as raised:
        launch.end_campaign(admin, world.campaign)
    assert raised.value.field == "status"
    start(world)
    with pytest.raises(CampaignDenied):
        launch.end_campaign(world.users[Role.GRID_WORKER], world.campaign)
    ended = launch.end_campaign(admin, world.campaign)
    assert ended.status == CampaignStatus.ENDED and ended.ended_at is not None
    assert AuditEntry.objects.filter(action="campaigns.end", outcome=Outcome.OK).count() == 1


def test_reassign_to_a_worker_of_the_grid_only(world):
    start(world)
    target = Target.objects.get(campaign=world.campaign, grid__code=GRID_A)
    admin = world.users[Role.DISTRICT_ADMIN]
    with pytest.raises(CampaignError) as raised:
        launch.reassign(admin, target, world.users["worker_b"])
    assert raised.value.field == "assignee"
    second = make_user("worker_a2", Role.GRID_WORKER, world.units[GRID_A])
    launch.reassign(admin, target, second)
    target.refresh_from_db()
    assert target.assignee == second
    assert AuditEntry.objects.filter(action="campaigns.reassign").count() == 1


# --- Create ---------------------------------------------------------------------------------------


def test_create_campaign_takes_the_deepest_common_ancestor(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    grids = launch.create_campaign(admin, **fields(world, units=[world.units[GRID_A], world.units[GRID_B]]))
    assert grids.org_path == "150502.001.001" and grids.status == CampaignStatus.DRAFT
    assert grids.created_by == admin
    streets = launch.create_campaign(
        admin, **fields(world, units=[world.units[GRID_A], world.units["150502002001"]])
    )
    assert streets.org_path == "150502"
    one = launch.create_campaign(admin, **fields(world, units=[world.units[GRID_A]]))
    assert one.org_path == world.units[GRID_A].path
    entry = AuditEntry.objects.filter(action="campaigns.create").first()
    assert entry is not None and entry.details["units"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"kind": "party"}, "kind"),
        ({"ends_at": None}, "ends_at"),
        ({"retention_days": 0}, "retention_days"),
        ({"retention_days": 3651}, "retention_days"),
        ({"retention_days": "ten"}, "retention_days"),
        ({"units": []}, "units"),
        ({"target_mode": "some"}, "target_mode"),
        ({"target_mode": "filter", "target_min_age": 70, "target_max_age": 60}, "target_max_age"),
        ({"target_mode": "filter", "target_residence_types": ["tourist"]}, "target_residence_types"),
        ({"target_mode": "filter", "target_tags": [99999]}, "target_tags"),
    ],
)
def test_create_campaign_checks_each_field(world, override, field):
    with pytest.raises(CampaignError) as raised:
        launch.create_campaign(world.users[Role.DISTRICT_ADMIN], **fields(world, **override))
    assert raised.value.field == field
    assert Campaign.objects.count() == 1  # only the world's


def test_the_end_must_follow_the_start(world):
    now = timezone.now()
    with pytest.raises(CampaignError) as raised:
        launch.create_campaign(world.users[Role.DISTRICT_ADMIN], **fields(world, starts_at=now, ends_at=now))
    assert raised.value.field == "ends_at"


def test_units_must_be_in_the_users_jurisdiction(world):
    street = world.users[Role.STREET_ADMIN]
    with pytest.raises(CampaignError) as raised:
        launch.create_campaign(street, **fields(world, units=[world.units["150502002001"]]))
    assert raised.value.field == "units"
    admin = world.users[Role.DISTRICT_ADMIN]
    with pytest.raises(CampaignError) as raised:
        launch.create_campaign(admin, **fields(world, units=[world.units["150521001"]]))
    assert raised.value.field == "units"
    with pytest.raises(CampaignDenied):
        launch.create_campaign(world.users[Role.GRID_WORKER], **fields(world))
    assert AuditEntry.objects.filter(action="campaigns.create", outcome=Outcome.DENIED).count() == 1


def test_filter_fields_are_kept_only_for_filter_campaigns(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    plain = launch.create_campaign(admin, **fields(world, target_min_age=60))
    assert plain.target_min_age is None
    filtered = launch.create_campaign(
        admin, **fields(world, target_mode="filter", target_min_age=60, target_residence_types=["floating"])
    )
    assert (filtered.target_min_age, filtered.target_residence_types) == (60, ["floating"])
