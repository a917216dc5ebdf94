"""The community roll-up holds exactly DailyFact's sums, and stays so as aggregate_days rewrites days."""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date

import pytest
from django.db import connection

from gridgov.access.roles import Role
from gridgov.analytics import rollup
from gridgov.analytics.cockpit import build_cockpit
from gridgov.analytics.daily import aggregate_days
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.models import DailyCommunityFact, DailyFact
from gridgov.analytics.testing import act, at, resident_case
from gridgov.analytics.tests.test_cockpit import TODAY, build_history
from gridgov.analytics.tests.test_cockpit_wiring import WIRED
from gridgov.cases.states import OPEN_STATES

pytestmark = [pytest.mark.django_db, pytest.mark.urls(WIRED)]

HOME_COMMUNITY, HOME_GRID = "150502001001", "150502001001001"


def daily_sums() -> Counter:
    """DailyFact summed per (day, community path, top category, count), computed in Python."""
    out: Counter = Counter()
    for row in DailyFact.objects.values("day", "org_path", "top_category_id", *rollup.COUNTS):
        for count in rollup.COUNTS:
            out[
                (row["day"], row["org_path"][: rollup.COMMUNITY_PATH_LENGTH], row["top_category_id"], count)
            ] += row[count]
    return +out  # without the zeros


def rollup_sums() -> Counter:
    out: Counter = Counter()
    for row in DailyCommunityFact.objects.values("day", "org_path", "top_category_id", *rollup.COUNTS):
        for count in rollup.COUNTS:
            out[(row["day"], row["org_path"], row["top_category_id"], count)] += row[count]
    return +out


def values(cockpit, key: str) -> list:
    return [(label, [c.value for c in cells]) for label, cells in cockpit.table(key).rows]


@pytest.fixture
def history(world, clock):
    return build_history(world, clock)


def test_rollup_equals_the_daily_rows_summed_per_community(history):
    expected = daily_sums()
    assert rollup_sums() == expected
    communities = {key[1] for key in expected}
    assert communities == {"150502.001.001", "150502.002.001"}  # both streets' cases, cut to the community
    assert expected[(date(2026, 2, 20), "150502.001.001", history["p1"].category.parent_id, "rated")] == 2
    # One row per (day, community, top category): no duplicates behind the sums.
    keys = list(DailyCommunityFact.objects.values_list("day", "org_path", "top_category_id"))
    assert len(keys) == len(set(keys)) > 0


def test_reaggregating_a_day_rewrites_its_rollup(history, world, clock):
    before = {k: v for k, v in rollup_sums().items() if k[0] != TODAY}
    clock.move_to(at(2026, 3, 11, 11, 0), tick=False)
    extra = resident_case(world)
    act(world, extra, "reject", Role.COMMUNITY_ADMIN, reason="no")
    refresh_case_facts([extra.pk, history["t1"].pk])
    aggregate_days([TODAY])
    after = rollup_sums()
    assert after == daily_sums()
    assert after[(TODAY, "150502.001.001", extra.category.parent_id, "reported")] == 3  # t1, t2 and extra
    assert {k: v for k, v in after.items() if k[0] != TODAY} == before  # other days untouched


def test_full_rebuild_and_the_migration_give_the_same_rollup(history):
    incremental = rollup_sums()
    assert rollup.rebuild_rollup() == DailyCommunityFact.objects.count()
    assert rollup_sums() == incremental
    migration = importlib.import_module("gridgov.analytics.migrations.0003_cockpit_rollup_and_indexes")
    DailyCommunityFact.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL_ROLLUP)
    assert rollup_sums() == incremental


def test_rollup_of_days_without_daily_rows_is_empty(history):
    quiet = date(2026, 1, 5)
    assert rollup.rollup_days([quiet]) == 0
    assert rollup.rollup_days([]) == 0
    assert not DailyCommunityFact.objects.filter(day=quiet).exists()


def test_covers_scopes_down_to_a_community():
    assert rollup.covers(["150502", "150502.001", "150502.001.001"])
    assert not rollup.covers(["150502.001", "150502.001.001.001"])


def test_a_scope_below_a_community_reads_the_daily_rows(history, world):
    leader = world.users[Role.LEADER]
    community = build_cockpit(leader, area=HOME_COMMUNITY)
    grid = build_cockpit(leader, area=HOME_GRID)
    # Every case of the home community lies in the home grid: the same figures from either source.
    assert [t.value for t in grid.tiles] == [t.value for t in community.tiles]
    for key in ("trend", "categories", "satisfaction"):
        assert values(grid, key) == values(community, key), key
    assert community.tile("reported_month").value == 6
    # Without the roll-up, the community's past days are gone; the grid's (from DailyFact) are not.
    DailyCommunityFact.objects.all().delete()
    assert build_cockpit(leader, area=HOME_COMMUNITY).tile("reported_month").value == 2  # today only
    assert build_cockpit(leader, area=HOME_GRID).tile("reported_month").value == 6


def test_open_cases_index_covers_the_open_states():
    migration = importlib.import_module("gridgov.cases.migrations.0006_open_cases_index")
    assert set(migration.OPEN_STATES) == {str(s) for s in OPEN_STATES}


def test_past_days_span_last_month(history, world):
    # The scan starts on the first day of last month: February's ratings come from the roll-up.
    rows = build_cockpit(world.users[Role.LEADER]).table("satisfaction").rows
    assert [c.value for c in rows[1][1]] == [2, 1, 50.0]
