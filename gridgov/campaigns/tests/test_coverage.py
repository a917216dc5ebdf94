"""Coverage of a campaign from GridProgress: equal to a recount of the targets at every level,
scoped to the reader's jurisdiction, and one GROUP BY whatever the number of grids."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.campaigns import coverage, launch
from gridgov.campaigns.models import Campaign, CampaignKind, GridProgress, Outcome, Target
from gridgov.campaigns.results import record_result
from gridgov.campaigns.testing import GRID_A, GRID_B, CampaignWorld, add_questions, build_campaign_world
from gridgov.geo.models import Kind, Level, OrgUnit, path_for_code
from gridgov.people.models import Household

pytestmark = pytest.mark.django_db

GRID_C = "150502002001001"  # the other street's only grid
DISTRICT, STREET_1, STREET_2, COMMUNITY_1 = "150502", "150502001", "150502002", "150502001001"
FIELDS = ("total", "done", "not_home", "refused", "moved", "exceptions")
DONE_OK = {"fever": False, "heating": "ok"}
DONE_FEVER = {"fever": True, "temperature": 38.6, "heating": "ok"}


@dataclass
class DistrictWorld:
    """The campaign world plus a started district-wide campaign over both streets."""

    world: CampaignWorld
    campaign: Campaign
    workers: dict[str, object]  # grid code -> its grid worker

    @property
    def users(self):
        return self.world.users

    @property
    def units(self):
        return self.world.units


def add_households(grid: OrgUnit, count: int, prefix: str) -> None:
    Household.objects.bulk_create(
        Household(number=f"H-{prefix}{i:03d}", grid=grid, org_path=grid.path) for i in range(count)
    )


def build_district_world(extra: dict[str, int] | None = None) -> DistrictWorld:
    """Grids A, B (street 1) and C (street 2) with 6, 4 and 4 households, each with its worker."""
    world = build_campaign_world()
    units = world.units
    for code, count in (extra or {GRID_A: 5, GRID_B: 3, GRID_C: 4}).items():
        add_households(units[code], count, code)
    workers = {
        GRID_A: world.users[Role.GRID_WORKER],
        GRID_B: world.users["worker_b"],
        GRID_C: make_user("worker_c", Role.GRID_WORKER, units[GRID_C]),
    }
    admin = world.users[Role.DISTRICT_ADMIN]
    now = timezone.now()
    campaign = launch.create_campaign(
        admin,
        name="科尔沁区供暖排查",
        kind=CampaignKind.HEATING,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(days=7),
        units=[units[STREET_1], units[STREET_2]],
    )
    add_questions(campaign)
    launch.start_campaign(admin, campaign)
    campaign.refresh_from_db()
    return DistrictWorld(world=world, campaign=campaign, workers=workers)


def record(district: DistrictWorld, target: Target, outcome: str, answers=None, *, at=None) -> Target:
    worker = district.workers[target.grid.code]
    return record_result(worker, target, outcome=outcome, answers=answers, at=at or timezone.now())


def visit_some(district: DistrictWorld) -> None:
    """A mix of every outcome in each grid, a revisit, and exceptions."""
    plan = [
        (Outcome.DONE, DONE_OK),
        (Outcome.DONE, DONE_FEVER),
        (Outcome.NOT_HOME, None),
        (Outcome.REFUSED, None),
        (Outcome.MOVED, None),
    ]
    for code in (GRID_A, GRID_B, GRID_C):
        targets = list(
            Target.objects.filter(campaign=district.campaign, grid__code=code).select_related("grid")
        )
        for target, (outcome, answers) in zip(targets, plan, strict=False):
            record(district, target, outcome, answers)
    # A not-at-home household found at home on the revisit, with fever.
    revisit = Target.objects.filter(campaign=district.campaign, outcome=Outcome.NOT_HOME).first()
    record(district, revisit, Outcome.DONE, DONE_FEVER)


def recount(campaign: Campaign, path: str) -> dict[str, int]:
    targets = Target.objects.filter(campaign=campaign).filter(
        Q(org_path=path) | Q(org_path__startswith=path + ".")
    )
    counts = {"total": targets.count(), "exceptions": targets.filter(has_exception=True).count()}
    for outcome in ("done", "not_home", "refused", "moved"):
        counts[outcome] = targets.filter(outcome=outcome).count()
    return counts


def as_counts(row) -> dict[str, int]:
    return {name: getattr(row, name) for name in FIELDS}


def test_progress_equals_a_recount_of_the_targets_at_every_level():
    district = build_district_world()
    visit_some(district)
    campaign, units = district.campaign, district.units
    admin = district.users[Role.DISTRICT_ADMIN]
    assert coverage.default_area(admin, campaign) == units[DISTRICT]
    levels = {
        DISTRICT: [STREET_1, STREET_2],
        STREET_1: [COMMUNITY_1],
        COMMUNITY_1: [GRID_A, GRID_B],
        GRID_C: [GRID_C],
    }
    for area, children in levels.items():
        rows = coverage.progress(admin, campaign, units[area])
        assert [row.unit.code for row in rows] == children
        for row in rows:
            assert as_counts(row) == recount(campaign, row.unit.path), row.unit.code
        assert as_counts(coverage.totals(rows)) == recount(campaign, units[area].path)
    top = coverage.totals(coverage.progress(admin, campaign))
    assert top.total == 14 and top.done == 7 and top.not_home == 2 and top.exceptions == 4
    # reached = done + refused + moved; pending = never visited.
    assert top.refused == 3 and top.moved == 1
    assert top.reached == 7 + 3 + 1 and top.coverage_percent == round(100 * 11 / 14)
    assert top.pending == 1 and top.done_percent == 50


def test_a_community_admin_sees_only_their_community_and_a_worker_only_their_grid():
    district = build_district_world()
    visit_some(district)
    campaign, units = district.campaign, district.units
    community_admin = district.users[Role.COMMUNITY_ADMIN]
    worker = district.users[Role.GRID_WORKER]
    # The district-wide campaign covers their units: they follow it, for their part.
    assert campaign in coverage.visible_campaigns(community_admin)
    assert coverage.default_area(community_admin, campaign) == units[COMMUNITY_1]
    rows = coverage.progress(community_admin, campaign)
    assert [row.unit.code for row in rows] == [GRID_A, GRID_B]
    assert as_counts(coverage.totals(rows)) == recount(campaign, units[COMMUNITY_1].path)
    # Above their community: nothing, not even the street's other community or street 2.
    assert coverage.progress(community_admin, campaign, units[DISTRICT]) == []
    assert coverage.progress(community_admin, campaign, units[STREET_1]) == []
    assert coverage.breadcrumb(community_admin, campaign, units[GRID_A]) == [
        units[COMMUNITY_1],
        units[GRID_A],
    ]
    assert {
        f["properties"]["code"]
        for f in coverage.map_features(community_admin, campaign, units[COMMUNITY_1])["features"]
    } == {GRID_A, GRID_B}
    # The grid worker: grid A only.
    assert coverage.default_area(worker, campaign) == units[GRID_A]
    mine = coverage.progress(worker, campaign)
    assert [row.unit.code for row in mine] == [GRID_A]
    assert as_counts(mine[0]) == recount(campaign, units[GRID_A].path)
    assert [g["id"] for g in coverage.grid_counts(worker, campaign, units[GRID_A])] == [units[GRID_A].pk]
    # Another district's staff do not follow it at all.
    outsider = make_user("outsider_admin", Role.DISTRICT_ADMIN, units["150521"])
    assert campaign not in coverage.visible_campaigns(outsider)
    assert coverage.default_area(outsider, campaign) is None
    assert coverage.progress(outsider, campaign) == []


def test_map_features_carry_each_grids_coverage():
    district = build_district_world()
    visit_some(district)
    admin = district.users[Role.DISTRICT_ADMIN]
    collection = coverage.map_features(admin, district.campaign, district.units[DISTRICT], "en")
    by_code = {f["properties"]["code"]: f for f in collection["features"]}
    assert set(by_code) == {GRID_A, GRID_B, GRID_C}
    grid_b = by_code[GRID_B]
    assert grid_b["geometry"]["type"] == "Polygon" and grid_b["properties"]["name"] == "Heping Grid 2"
    expected = recount(district.campaign, district.units[GRID_B].path)
    reached = expected["done"] + expected["refused"] + expected["moved"]
    assert grid_b["properties"]["total"] == expected["total"]
    assert grid_b["properties"]["coverage_percent"] == round(100 * reached / expected["total"])


def test_a_unit_without_targets_has_no_percentages():
    empty = coverage.Counts()
    assert empty.coverage_percent is None and empty.done_percent is None and empty.pending == 0


def _big_district(streets: int, communities: int, grids: int) -> Campaign:
    """A campaign's progress rows for streets × communities × grids new grids of 200 households."""
    world = build_campaign_world()
    district = world.units[DISTRICT]
    units: list[OrgUnit] = []
    for s in range(streets):
        street_code = f"{DISTRICT}{101 + s:03d}"
        units.append(
            OrgUnit(
                code=street_code,
                parent=district,
                level=Level.STREET,
                kind=Kind.SUBDISTRICT,
                name_zh=f"街道{s}",
                path=path_for_code(street_code),
            )
        )
        for c in range(communities):
            community_code = f"{street_code}{1 + c:03d}"
            units.append(
                OrgUnit(
                    code=community_code,
                    level=Level.COMMUNITY,
                    kind=Kind.COMMUNITY,
                    name_zh=f"社区{s}-{c}",
                    path=path_for_code(community_code),
                )
            )
            for g in range(grids):
                grid_code = f"{community_code}{1 + g:03d}"
                units.append(
                    OrgUnit(
                        code=grid_code,
                        level=Level.GRID,
                        kind=Kind.GRID,
                        name_zh=f"网格{s}-{c}-{g}",
                        path=path_for_code(grid_code),
                    )
                )
    OrgUnit.objects.bulk_create(units, batch_size=1000)
    campaign = world.campaign
    campaign.org_path = district.path
    campaign.save(update_fields=["org_path"])
    grids = OrgUnit.objects.filter(level=Level.GRID, code__startswith=DISTRICT + "1")
    GridProgress.objects.bulk_create(
        [
            GridProgress(
                campaign=campaign,
                grid=grid,
                org_path=grid.path,
                total=200,
                done=i % 150,
                not_home=10,
                refused=2,
                moved=1,
                exceptions=i % 7,
            )
            for i, grid in enumerate(grids)
        ],
        batch_size=1000,
    )
    return campaign


def test_progress_of_two_thousand_grids_is_one_group_by_and_fast():
    campaign = _big_district(streets=10, communities=10, grids=20)
    admin = campaign.created_by
    district = OrgUnit.objects.get(code=DISTRICT)
    coverage.progress(admin, campaign, district)  # warm the membership cache
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        rows = coverage.progress(admin, campaign, district)
        elapsed = time.perf_counter() - started
    assert len(queries) == 2  # the GROUP BY and the child units
    assert len(rows) == 10 and sum(row.total for row in rows) == 2000 * 200
    assert elapsed < 0.3, f"{elapsed * 1000:.0f} ms"
    community = OrgUnit.objects.get(code=f"{DISTRICT}105003")
    grid_rows = coverage.progress(admin, campaign, community)
    assert len(grid_rows) == 20 and all(row.total == 200 for row in grid_rows)
