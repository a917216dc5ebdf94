import numpy as np
import pytest
import shapely
from django.db import connection
from shapely.geometry import shape

from gridgov.geo import index
from gridgov.geo.index import NO_GRID, bump_geometry_version, grid_at, grids_at
from gridgov.geo.models import OrgUnit
from gridgov.geo.tests.builders import LAT0, LON0, grid_block, rect

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    index.invalidate()
    yield
    index.invalidate()


def brute_force(lons, lats):
    grids = list(OrgUnit.objects.grids().order_by("code"))
    shapes = [shape(g.geometry) for g in grids]
    found = []
    for lon, lat in zip(lons, lats, strict=True):
        point = shapely.Point(lon, lat)
        hits = [g.pk for g, s in zip(grids, shapes, strict=True) if s.covers(point)]
        found.append(hits[0] if hits else NO_GRID)
    return np.array(found)


@pytest.mark.parametrize("raster", [False, True], ids=["exact", "raster"])
def test_grids_at_agrees_with_brute_force_on_random_points(raster, monkeypatch):
    monkeypatch.setattr(index, "RASTER_MIN_POINTS", 0 if raster else 10**9)
    grid_block(columns=4, rows=3, size=0.01)
    # An irregular grid sticking out of the block, and a merged one that must not be found.
    OrgUnit.objects.filter(code="150502001001012").update(
        geometry={
            "type": "Polygon",
            "coordinates": [
                [
                    [LON0 + 0.03, LAT0 + 0.02],
                    [LON0 + 0.045, LAT0 + 0.02],
                    [LON0 + 0.035, LAT0 + 0.034],
                    [LON0 + 0.03, LAT0 + 0.02],
                ]
            ],
        }
    )
    OrgUnit.objects.filter(code="150502001001006").update(is_active=False)
    bump_geometry_version()
    rng = np.random.default_rng(3)
    lons = rng.uniform(LON0 - 0.005, LON0 + 0.05, 3000)
    lats = rng.uniform(LAT0 - 0.005, LAT0 + 0.04, 3000)
    found = grids_at(lons, lats)
    assert found.dtype == np.int64
    assert np.array_equal(found, brute_force(lons, lats))
    assert (found == NO_GRID).any() and (found != NO_GRID).sum() > 1000
    # Points exactly on shared borders and corners (where cells may be mixed) too.
    border_lons = np.array([LON0 + 0.01, LON0 + 0.02, LON0 + 0.01, LON0, LON0 + 0.04, LON0 + 0.035])
    border_lats = np.array([LAT0 + 0.005, LAT0 + 0.01, LAT0 + 0.01, LAT0, LAT0 + 0.03, LAT0 + 0.034])
    assert np.array_equal(grids_at(border_lons, border_lats), brute_force(border_lons, border_lats))
    assert (index.get_index().raster is not None) == raster


def test_shared_border_picks_the_lower_code_every_time():
    grid_block(columns=2, rows=1)
    left = OrgUnit.objects.get(code="150502001001001")
    assert grid_at(LON0 + 0.01, LAT0 + 0.005) == left
    assert grids_at([LON0 + 0.01] * 3, [LAT0 + 0.005] * 3).tolist() == [left.pk] * 3
    assert grid_at(LON0 - 1, LAT0) is None


def test_index_follows_a_polygon_change_in_this_process():
    grid_block(columns=2, rows=1)
    point = (LON0 + 0.005, LAT0 + 0.005)
    assert grid_at(*point).code == "150502001001001"
    OrgUnit.objects.filter(code="150502001001002").update(geometry=rect(LON0, LAT0, LON0 + 0.02, LAT0 + 0.01))
    OrgUnit.objects.filter(code="150502001001001").update(is_active=False)
    bump_geometry_version()
    assert grid_at(*point).code == "150502001001002"


def test_other_process_change_is_seen_after_the_check_interval(settings):
    settings.GEO_INDEX_CHECK_SECONDS = 3600
    grid_block(columns=2, rows=1)
    bump_geometry_version()  # the version row exists from the first change on
    point = (LON0 + 0.005, LAT0 + 0.005)
    assert grid_at(*point).code == "150502001001001"
    # Another process moves grid 001 away and bumps the version with plain SQL.
    OrgUnit.objects.filter(code="150502001001001").update(
        geometry=rect(LON0 + 1, LAT0, LON0 + 1.01, LAT0 + 0.01)
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE geo_geometryversion SET version = version + 1")
    # Within the check interval this process still answers from its index ...
    assert grid_at(*point).code == "150502001001001"
    # ... and once the interval has passed it asks the database, sees the new version and rebuilds.
    index.get_index().checked_at -= 3600
    assert grid_at(*point) is None
    # No change: the next check keeps the same index object.
    built = index.get_index()
    built.checked_at -= 3600
    assert index.get_index() is built


def test_empty_database_finds_nothing():
    assert grids_at([LON0], [LAT0]).tolist() == [NO_GRID]
