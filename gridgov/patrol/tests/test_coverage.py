"""Coverage: exactly the households not visited (somebody at home) in the last N days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.patrol import coverage
from gridgov.patrol.testing import GRID_A, GRID_B, build_patrol_world, visit
from gridgov.people import services
from gridgov.people.models import Household

pytestmark = pytest.mark.django_db
COMMUNITY = "150502001001"


def test_coverage_lists_exactly_the_households_not_visited_in_n_days():
    reg = build_patrol_world()
    admin = reg.users[Role.DISTRICT_ADMIN]
    now = timezone.now()
    extra = services.save_household(Household(number="H-A502", house=reg.houses["a502"]), actor=admin)
    never = services.save_household(Household(number="H-A101B", house=reg.houses["a101"]), actor=admin)
    visit(reg, "a101", visited_at=now - timedelta(days=3))
    visit(reg, "b201", by=reg.users["worker_b"], visited_at=now - timedelta(days=40))
    # Nobody at home two days ago: does not count as visited.
    from gridgov.patrol.visits import NewVisit, record_visit

    record_visit(
        NewVisit(household=extra, situation="normal", nobody_home=True, visited_at=now - timedelta(days=2)),
        actor=reg.users[Role.GRID_WORKER],
    )
    area = reg.units[COMMUNITY]
    community_admin = reg.users[Role.COMMUNITY_ADMIN]
    missing = coverage.not_visited(community_admin, area, 30, now=now)
    assert {h.number for h in missing} == {"H-B201", "H-A502", never.number}
    last = {h.number: h.last_visit for h in missing}
    assert last[never.number] is None and last["H-A502"] is None
    assert last["H-B201"] == now - timedelta(days=40)
    # With 60 days the household visited 40 days ago is covered.
    assert {h.number for h in coverage.not_visited(community_admin, area, 60, now=now)} == {
        "H-A502",
        never.number,
    }
    summary = coverage.coverage(community_admin, area, 30, now=now)
    rows = {row.grid.code: (row.households, row.not_visited) for row in summary.grids}
    assert rows == {GRID_A: (3, 2), GRID_B: (1, 1)}
    assert (summary.households, summary.not_visited) == (4, 3)
    # The grid worker of grid A sees only grid A.
    worker_rows = coverage.coverage(reg.users[Role.GRID_WORKER], area, 30, now=now).grids
    assert [row.grid.code for row in worker_rows] == [GRID_A]
