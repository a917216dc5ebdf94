import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gridgov.geo.models import OrgUnit
from gridgov.geo.tests.builders import LAT0, LON0, grid_block, rect, unit
from gridgov.geo.topology import GAP, OUTSIDE, OVERLAP, check_children

pytestmark = pytest.mark.django_db

# Metres per degree near 43.6°N (WGS-84): longitude ~80,640, latitude ~111,100.
M_LON, M_LAT = 80_640.0, 111_100.0


def test_clean_tiling_has_no_problems():
    assert check_children(grid_block()) == []


def test_planted_overlap_gap_and_outside_are_found_with_their_area():
    community = grid_block(columns=3, rows=2, size=0.01)
    # Grid 001 grows 0.001° east into 002 (overlap), 003 shrinks 0.002° from its east edge
    # (gap), and 006 sticks 0.001° out of the community's northern edge (outside).
    OrgUnit.objects.filter(code="150502001001001").update(
        geometry=rect(LON0, LAT0, LON0 + 0.011, LAT0 + 0.01)
    )
    OrgUnit.objects.filter(code="150502001001003").update(
        geometry=rect(LON0 + 0.02, LAT0, LON0 + 0.028, LAT0 + 0.01)
    )
    OrgUnit.objects.filter(code="150502001001006").update(
        geometry=rect(LON0 + 0.02, LAT0 + 0.01, LON0 + 0.03, LAT0 + 0.021)
    )
    problems = {p.kind: p for p in check_children(community)}
    assert set(problems) == {OVERLAP, GAP, OUTSIDE}
    assert problems[OVERLAP].codes == ("150502001001001", "150502001001002")
    assert problems[OVERLAP].area_m2 == pytest.approx(0.001 * M_LON * 0.01 * M_LAT, rel=0.02)
    assert problems[GAP].codes == ("150502001001",)
    assert problems[GAP].area_m2 == pytest.approx(0.002 * M_LON * 0.01 * M_LAT, rel=0.02)
    lon, lat = problems[GAP].location
    assert LON0 + 0.028 < lon < LON0 + 0.03 and LAT0 < lat < LAT0 + 0.01
    assert problems[OUTSIDE].codes == ("150502001001006",)
    assert problems[OUTSIDE].area_m2 == pytest.approx(0.01 * M_LON * 0.001 * M_LAT, rel=0.02)


def test_outside_part_names_only_the_grid_that_reaches_out():
    community = grid_block(columns=3, rows=2, size=0.01)
    # Grid 001 grows 0.01° west of the community; grid 004, north of 001, touches that piece
    # only at its south-west corner and must not be blamed.
    OrgUnit.objects.filter(code="150502001001001").update(
        geometry=rect(LON0 - 0.01, LAT0, LON0 + 0.01, LAT0 + 0.01)
    )
    outside = [p for p in check_children(community) if p.kind == OUTSIDE]
    assert [p.codes for p in outside] == [("150502001001001",)]


def test_pieces_below_tolerance_are_ignored(settings):
    community = grid_block(columns=2, rows=1)
    # A 1e-6° strip (~0.1 m x 1.1 km = ~90 m²) of overlap.
    OrgUnit.objects.filter(code="150502001001001").update(
        geometry=rect(LON0, LAT0, LON0 + 0.010001, LAT0 + 0.01)
    )
    assert [p.kind for p in check_children(community)] == [OVERLAP]
    settings.GEO_TOPOLOGY_TOLERANCE_M2 = 200.0
    assert check_children(community) == []


def test_inactive_children_are_not_checked():
    community = grid_block(columns=2, rows=1)
    unit("150502001001003", rect(LON0, LAT0, LON0 + 0.02, LAT0 + 0.01), is_active=False)
    assert check_children(community) == []


def test_geo_check_command_exits_non_zero_on_problems(capsys):
    grid_block(columns=2, rows=1)
    call_command("geo_check", "150502001001")
    OrgUnit.objects.filter(code="150502001001002").delete()
    with pytest.raises(CommandError):
        call_command("geo_check", "150502001001")
    assert "gap 150502001001" in capsys.readouterr().out
