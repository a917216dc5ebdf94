"""The heatmap: hexagon and grid totals equal the case counts, each feature opens its cases."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import h3
import pytest
from django.http import QueryDict

from gridgov.access.roles import Role
from gridgov.analytics.cockpit import Drill, drill_cases
from gridgov.analytics.daily import aggregate_days
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.heatmap import Period, cell_polygon, grid_choropleth, hexagons
from gridgov.analytics.testing import at, resident_case
from gridgov.analytics.tests.test_cockpit_wiring import WIRED
from gridgov.cases.models import Case
from gridgov.cases.testing import OTHER_STREET_POINT

pytestmark = [pytest.mark.django_db, pytest.mark.urls(WIRED)]
TODAY = date(2026, 3, 11)


@pytest.fixture
def spread(world, clock):
    points = [(122.01 + 0.013 * i, 43.51 + 0.017 * (i % 7)) for i in range(14)] + [OTHER_STREET_POINT] * 3
    for n, point in enumerate(points):
        day = TODAY - timedelta(days=n % 5)
        clock.move_to(at(day.year, day.month, day.day, 10, 0), tick=False)
        resident_case(world, point=point)
    clock.move_to(at(2026, 3, 11, 12, 0), tick=False)
    refresh_case_facts(Case.objects.values_list("pk", flat=True))
    aggregate_days(TODAY - timedelta(days=i) for i in range(6))
    return points


def _count_of(url: str, user) -> int:
    return drill_cases(user, Drill.parse(QueryDict(urlsplit(url).query))).count()


@pytest.mark.parametrize("resolution", [7, 9])
def test_hexagon_totals_equal_the_case_count(spread, world, resolution):
    leader = world.users[Role.LEADER]
    period = Period(TODAY - timedelta(days=29), TODAY)
    fc = hexagons(leader, period, resolution=resolution)
    assert sum(f["properties"]["count"] for f in fc["features"]) == Case.objects.count() == 17
    for feature in fc["features"]:
        cell = feature["properties"]["cell"]
        assert h3.get_resolution(cell) == resolution
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and 121.9 < ring[0][0] < 123 and 43 < ring[0][1] < 44  # lng, lat order
        assert _count_of(feature["properties"]["url"], leader) == feature["properties"]["count"]


def test_period_narrows_the_heatmap(spread, world):
    leader = world.users[Role.LEADER]
    fc = hexagons(leader, Period(TODAY, TODAY))
    today = sum(1 for n in range(17) if n % 5 == 0)
    assert sum(f["properties"]["count"] for f in fc["features"]) == today


def test_grid_choropleth_totals_and_drill(spread, world):
    leader = world.users[Role.LEADER]
    fc = grid_choropleth(leader, Period(TODAY - timedelta(days=29), TODAY))
    counts = {f["properties"]["code"]: f["properties"]["count"] for f in fc["features"]}
    assert sum(counts.values()) == 17
    for code, n in counts.items():
        assert Case.objects.filter(grid__code=code).count() == n
    for feature in fc["features"]:
        assert feature["geometry"]["type"] == "Polygon"
        assert _count_of(feature["properties"]["url"], leader) == feature["properties"]["count"]
    street = world.users[Role.STREET_ADMIN]
    street_fc = grid_choropleth(street, Period(TODAY - timedelta(days=29), TODAY))
    assert sum(f["properties"]["count"] for f in street_fc["features"]) == 14


def test_cell_polygon_is_a_closed_hexagon():
    cell = h3.latlng_to_cell(43.6, 122.05, 9)
    ring = cell_polygon(cell)["coordinates"][0]
    assert len(ring) == 7 and ring[0] == ring[-1]
    _lat, lng = h3.cell_to_latlng(cell)
    assert min(p[0] for p in ring) < lng < max(p[0] for p in ring)
