"""Hotspots: planted clusters of one category are found and ranked; spread, mixed or old cases are not."""

from __future__ import annotations

from datetime import date, timedelta

import h3
import pytest

from gridgov.access.roles import Role
from gridgov.analytics.cockpit import Drill, drill_cases
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.hotspots import find_hotspots
from gridgov.analytics.testing import at, resident_case
from gridgov.analytics.tests.test_cockpit_wiring import WIRED
from gridgov.cases.models import Case, Category

pytestmark = [pytest.mark.django_db, pytest.mark.urls(WIRED)]
TODAY = date(2026, 3, 11)
PLACE_A = (122.05, 43.60)  # grid 150502001001001
PLACE_B = (122.15, 43.62)  # grid 150502001001002


def near(point, metres_east: float, metres_north: float = 0.0):
    return (point[0] + metres_east / 80_000, point[1] + metres_north / 111_000)


@pytest.fixture
def lamps(world):
    return Category.objects.create(
        code="0202", parent=world.categories["roads"], name_zh="路灯损坏", name_en="Lamp"
    )


def plant(world, clock, points, *, category="0201", day=TODAY):
    clock.move_to(at(day.year, day.month, day.day, 10, 0), tick=False)
    return [resident_case(world, point=p, category=category) for p in points]


def finish(clock):
    clock.move_to(at(2026, 3, 11, 12, 0), tick=False)
    refresh_case_facts(Case.objects.values_list("pk", flat=True))


def test_a_planted_cluster_is_found_with_its_cases(world, clock, lamps, settings):
    settings.HOTSPOT_MIN_CASES = 3
    settings.HOTSPOT_DAYS = 30
    cluster = plant(
        world, clock, [near(PLACE_A, d, d / 2) for d in (0, 60, 120, 180)], day=TODAY - timedelta(days=3)
    )
    bigger = plant(world, clock, [near(PLACE_B, d) for d in (0, 40, 80, 120, 160)], category="0202")
    # Spread: the same category, kilometres apart.
    plant(world, clock, [near(PLACE_A, 0, 3000 * k) for k in (1, 2, -2)])
    # Two only: below the minimum.
    plant(world, clock, [near(PLACE_B, 0, -4000), near(PLACE_B, 30, -4000)])
    # Same place, another category: does not add to the pothole cluster.
    plant(world, clock, [near(PLACE_A, 2000, 2000), near(PLACE_A, 2030, 2000)], category="0202")
    plant(world, clock, [near(PLACE_A, 2000, 2000)])
    # Old: outside the 30-day window.
    plant(world, clock, [near(PLACE_A, 5000, 0)] * 3, day=TODAY - timedelta(days=40))
    finish(clock)
    leader = world.users[Role.LEADER]
    spots = find_hotspots(leader, today=TODAY)
    assert [(s.category, s.count) for s in spots] == [("路灯损坏", 5), ("路面坑洼", 4)]
    assert spots[0].case_ids == sorted(c.pk for c in bigger)
    assert spots[1].case_ids == sorted(c.pk for c in cluster)
    for spot in spots:
        assert h3.get_resolution(spot.cell) == 9
        assert set(spot.cells) <= set(h3.grid_disk(spot.cell, 1))
        assert (
            drill_cases(leader, Drill.parse({"ids": spot.url.split("ids=")[1].replace("%2C", ",")})).count()
            == spot.count
        )


def test_threshold_and_window_follow_the_settings(world, clock, settings):
    plant(world, clock, [near(PLACE_A, d) for d in (0, 50)])
    plant(world, clock, [near(PLACE_A, 100)], day=TODAY - timedelta(days=10))
    finish(clock)
    leader = world.users[Role.LEADER]
    settings.HOTSPOT_MIN_CASES = 3
    settings.HOTSPOT_DAYS = 30
    assert [s.count for s in find_hotspots(leader, today=TODAY)] == [3]
    settings.HOTSPOT_DAYS = 7
    assert find_hotspots(leader, today=TODAY) == []
    settings.HOTSPOT_MIN_CASES = 2
    assert [s.count for s in find_hotspots(leader, today=TODAY)] == [2]


def test_a_long_street_of_cases_is_listed_once_per_disk_not_per_cell(world, clock, settings):
    settings.HOTSPOT_MIN_CASES = 3
    # Ten cases 60 m apart along a line: neighbouring disks overlap; each case is counted once.
    cases = plant(world, clock, [near(PLACE_A, 60 * i) for i in range(10)])
    finish(clock)
    spots = find_hotspots(world.users[Role.LEADER], today=TODAY)
    ids = [i for s in spots for i in s.case_ids]
    assert len(ids) == len(set(ids)) and set(ids) <= {c.pk for c in cases}
    assert spots and all(s.count >= 3 for s in spots)


def test_out_of_scope_cases_make_no_hotspot(world, clock, settings):
    settings.HOTSPOT_MIN_CASES = 3
    plant(world, clock, [near(PLACE_B, d) for d in (0, 40, 80)])
    finish(clock)
    assert len(find_hotspots(world.users[Role.LEADER], today=TODAY)) == 1
    # The community admin of 150502001001 sees it (PLACE_B lies in its grid 2), not when narrowed
    # to another street.
    assert len(find_hotspots(world.users[Role.COMMUNITY_ADMIN], today=TODAY)) == 1
    assert find_hotspots(world.users[Role.COMMUNITY_ADMIN], today=TODAY, area="150502002") == []
