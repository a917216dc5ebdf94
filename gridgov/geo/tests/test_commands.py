"""geo_split and geo_merge: success prints the grids; bad input names the argument and changes nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry
from gridgov.geo.models import OrgUnit
from gridgov.geo.tests.builders import LAT0, LON0, grid_block, rect, unit

pytestmark = pytest.mark.django_db

GRID = "150502001001001"
NEXT = "150502001001004"
# North-south through grid 001 (0.01° square), a quarter of the way in.
LINE = {"type": "LineString", "coordinates": [[LON0 + 0.0025, LAT0 - 0.001], [LON0 + 0.0025, LAT0 + 0.011]]}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def block():
    return grid_block(columns=3, rows=1)


def snapshot():
    return list(OrgUnit.objects.order_by("pk").values()), AuditEntry.objects.count()


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write(tmp_path, content):
    path = tmp_path / "line.geojson"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


@pytest.mark.parametrize(
    "wrap",
    [
        lambda g: g,
        lambda g: {"type": "Feature", "properties": {}, "geometry": g},
        lambda g: {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": g}],
        },
    ],
    ids=["geometry", "feature", "collection"],
)
def test_split_prints_both_grids(block, tmp_path, wrap):
    make_user("planner")
    out = run("geo_split", GRID, str(write(tmp_path, wrap(LINE))), "--actor", "planner")
    kept, created = OrgUnit.objects.get(code=GRID), OrgUnit.objects.get(code=NEXT)
    assert f"{GRID}\t{kept.area_m2:,.1f} m²" in out
    assert f"{NEXT}\t{created.area_m2:,.1f} m²" in out
    assert kept.area_m2 == pytest.approx(3 * created.area_m2, rel=0.01)
    entry = AuditEntry.objects.get(action="geo.split")
    assert entry.actor.username == "planner"


@pytest.mark.parametrize(
    ("args", "content", "expected"),
    [
        (("999999999999999",), LINE, "GRID_CODE: no org unit has the code 999999999999999"),
        (("150502001001",), LINE, "GRID_CODE: 150502001001 is not a grid but a unit of level Community"),
        ((GRID,), None, "LINE_FILE: cannot read"),
        ((GRID,), "{not json", "LINE_FILE: "),
        ((GRID,), rect(LON0, LAT0, LON0 + 1, LAT0 + 1), "LINE_FILE: the file must hold a GeoJSON LineString"),
        ((GRID,), {"type": "FeatureCollection", "features": []}, "LINE_FILE: the FeatureCollection"),
        (
            (GRID,),
            {"type": "LineString", "coordinates": [[LON0 + 0.5, LAT0], [LON0 + 0.5, LAT0 + 1]]},
            "LINE_FILE: The line must cut the grid into exactly two parts",
        ),
        ((GRID,), {"type": "LineString", "coordinates": [[LON0, LAT0]]}, "LINE_FILE: "),
    ],
    ids=["unknown", "not-a-grid", "missing-file", "not-json", "polygon", "no-feature", "misses", "one-point"],
)
def test_split_rejects_bad_input_and_changes_nothing(block, tmp_path, args, content, expected):
    path = tmp_path / "absent.geojson" if content is None else write(tmp_path, content)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run("geo_split", *args, str(path))
    assert str(raised.value).startswith(expected), raised.value
    assert snapshot() == before


def test_split_rejects_an_unknown_actor(block, tmp_path):
    before = snapshot()
    with pytest.raises(CommandError, match="--actor: no user named ghost"):
        run("geo_split", GRID, str(write(tmp_path, LINE)), "--actor", "ghost")
    assert snapshot() == before


def test_merge_joins_neighbours(block):
    out = run("geo_merge", GRID, "150502001001002")
    keep, absorbed = OrgUnit.objects.get(code=GRID), OrgUnit.objects.get(code="150502001001002")
    assert not absorbed.is_active and absorbed.merged_into == keep
    assert keep.max_lon == pytest.approx(LON0 + 0.02)
    assert f"{GRID}\t{keep.area_m2:,.1f} m²" in out
    assert AuditEntry.objects.filter(action="geo.merge").count() == 1


@pytest.mark.parametrize(
    ("keep", "absorb", "expected"),
    [
        ("999999999999999", "150502001001002", "KEEP_CODE: no org unit"),
        (GRID, "150502001", "ABSORB_CODE: 150502001 is not a grid"),
        (GRID, "150502001001003", "ABSORB_CODE: The grids must share a border"),
        (GRID, GRID, "ABSORB_CODE: A grid cannot be merged into itself"),
        (GRID, "150502001002001", "ABSORB_CODE: Only grids of the same community"),
        (GRID, "150502001001009", "ABSORB_CODE: grid 150502001001009 is no longer active"),
    ],
    ids=["unknown", "not-a-grid", "apart", "itself", "other-community", "inactive"],
)
def test_merge_rejects_bad_input_and_changes_nothing(block, keep, absorb, expected):
    unit("150502001002", rect(LON0, LAT0 + 0.01, LON0 + 0.03, LAT0 + 0.02))
    unit("150502001002001", rect(LON0, LAT0 + 0.01, LON0 + 0.01, LAT0 + 0.02))
    unit("150502001001009", rect(LON0, LAT0 - 0.01, LON0 + 0.01, LAT0), is_active=False)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run("geo_merge", keep, absorb)
    assert str(raised.value).startswith(expected), raised.value
    assert snapshot() == before
