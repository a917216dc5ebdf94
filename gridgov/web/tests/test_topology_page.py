"""The topology-check page: who may open it, what it reports, what it never reveals."""

import pytest
from shapely.geometry import shape

from gridgov.access.roles import Role
from gridgov.access.testing import build_world, make_user
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.geo.geometry import unit_fields
from gridgov.geo.models import OrgUnit
from gridgov.geo.tests.builders import LAT0, LON0, grid_block, rect

pytestmark = pytest.mark.django_db

COMMUNITY = "150502001001"
SIZE = 0.01


def _reshape(code, geometry):
    OrgUnit.objects.filter(code=code).update(geometry=geometry, **unit_fields(shape(geometry)))


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def planted(client):
    """A 3 x 2 community where grid 001 overlaps 002, grid 006 leaves a gap and 003 reaches outside."""
    grid_block(columns=3, rows=2, size=SIZE)
    _reshape(f"{COMMUNITY}001", rect(LON0, LAT0, LON0 + 1.5 * SIZE, LAT0 + SIZE))
    _reshape(f"{COMMUNITY}006", rect(LON0 + 2 * SIZE, LAT0 + SIZE, LON0 + 3 * SIZE, LAT0 + 1.5 * SIZE))
    # A tab east of 003 that touches no other grid (touching ones are listed with an outside part too).
    x0, x1, x2 = (LON0 + n * SIZE for n in (2, 3, 3.5))
    y0, y1, y2, y3 = (LAT0 + n * SIZE for n in (0, 0.2, 0.8, 1))
    tab = [[x0, y0], [x1, y0], [x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y3], [x0, y3], [x0, y0]]
    _reshape(f"{COMMUNITY}003", {"type": "Polygon", "coordinates": [tab]})
    admin = make_user("admin", Role.DISTRICT_ADMIN, OrgUnit.objects.get(code="150502"))
    client.force_login(admin)
    return client


def test_clean_tiling_reports_no_problems(client, world):
    client.force_login(world.users[Role.DISTRICT_ADMIN])
    response = client.get("/units/150502/topology/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["checked"] == 2
    assert response.context["rows"] == []
    html = response.content.decode()
    assert "alert-success" in html
    assert "No problems" in html


def test_planted_overlap_gap_and_outside_are_listed(planted):
    response = planted.get(f"/units/{COMMUNITY}/topology/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["checked"] == 6
    found = [(row.kind, [code for code, _unit in row.units]) for row in response.context["rows"]]
    assert found == [
        ("overlap", [f"{COMMUNITY}001", f"{COMMUNITY}002"]),
        ("gap", [COMMUNITY]),
        ("outside", [f"{COMMUNITY}003"]),
    ]
    overlap = response.context["rows"][0]
    # Half a 0.01° cell near 43.6°N: about 403 m x 1,111 m.
    assert overlap.area_m2 == pytest.approx(0.005 * 80_640 * 0.01 * 111_100, rel=0.02)
    assert LON0 + SIZE < overlap.lon < LON0 + 1.5 * SIZE
    html = response.content.decode()
    assert html.count('data-kind="') == 3
    assert "Overlap" in html and "Gap" in html and "Outside the parent" in html
    assert f'href="/units/{COMMUNITY}001/"' in html
    assert f'href="/map/?unit={COMMUNITY}"' in html
    assert f"{overlap.lon:.6f}, {overlap.lat:.6f}" in html
    assert f"{overlap.area_m2:,.1f}" in html  # grouped, one decimal
    assert "alert-danger" in html


def test_labels_are_chinese_by_default(planted):
    response = planted.get(f"/units/{COMMUNITY}/topology/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "在地图上显示" in html  # "Show on the map" from the catalog


def test_grid_has_nothing_to_check(client, world):
    client.force_login(world.users[Role.DISTRICT_ADMIN])
    response = client.get("/units/150502001001001/topology/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "rows" not in response.context
    assert "Grids have no sub-units to check." in response.content.decode()


@pytest.mark.parametrize("role", [Role.GRID_WORKER, Role.LEADER, Role.RESIDENT])
def test_roles_without_the_permission_get_403_audited(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/units/150502001001/topology/")
    assert response.status_code == 403
    denial = AuditEntry.objects.filter(action="access.denied", outcome=Outcome.DENIED).latest("pk")
    assert denial.details == {"permission": "geo.check_topology", "path": "/units/150502001001/topology/"}


def test_out_of_scope_unit_is_404_without_its_name(client, world):
    client.force_login(world.users[Role.STREET_ADMIN])  # street 150502001
    response = client.get("/units/150502002/topology/")
    assert response.status_code == 404
    assert "大林镇" not in response.content.decode()
    assert "Dalin" not in response.content.decode()
    assert AuditEntry.objects.filter(
        action="access.denied", target_id=str(world.units["150502002"].pk)
    ).exists()
    assert client.get("/units/999999/topology/").status_code == 404
    assert client.get("/units/150502001/topology/").status_code == 200


def test_unit_page_offers_the_check_only_where_it_can_run(client, world):
    button = 'href="/units/150502001/topology/"'
    client.force_login(world.users[Role.DISTRICT_ADMIN])
    assert button in client.get("/units/150502001/").content.decode()
    assert "/topology/" not in client.get("/units/150502001001001/").content.decode()  # a grid
    client.force_login(world.users[Role.LEADER])
    assert "/topology/" not in client.get("/units/150502001/").content.decode()
