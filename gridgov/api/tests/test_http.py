"""The API over real HTTP (a live server), authenticated by token as an API client would be."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from rest_framework.authtoken.models import Token

from gridgov.access.roles import Role
from gridgov.access.testing import build_world
from gridgov.geo.crs import from_wgs84

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(db):
    return build_world()


def call(live_server, path: str, token: str | None = None, language: str = "en") -> tuple[int, dict]:
    request = urllib.request.Request(live_server.url + path, headers={"Accept-Language": language})
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def token_for(user) -> str:
    return Token.objects.create(user=user).key


def test_me_needs_authentication(live_server, world):
    status, body = call(live_server, "/api/v1/me/")
    assert status in (401, 403)
    assert "username" not in body


def test_me_shows_memberships_and_permissions(live_server, world):
    status, body = call(live_server, "/api/v1/me/", token_for(world.users[Role.STREET_ADMIN]))
    assert status == 200
    assert body["username"] == "street_admin"
    assert [m["org_unit"] for m in body["memberships"]] == ["150502001"]
    assert "geo.edit_units" in body["permissions"]
    assert "audit.view_log" not in body["permissions"]


def test_tree_walk_by_parent(live_server, world):
    token = token_for(world.users[Role.DISTRICT_ADMIN])
    status, body = call(live_server, "/api/v1/units/?parent=150502", token)
    assert status == 200
    assert [u["code"] for u in body["results"]] == ["150502001", "150502002"]
    assert body["results"][0]["child_count"] == 1
    assert body["results"][0]["bbox"] == [122.0, 43.5, 122.2, 43.7]


def test_children_geojson_is_a_feature_collection(live_server, world):
    token = token_for(world.users[Role.COMMUNITY_ADMIN])
    status, body = call(live_server, "/api/v1/geojson/?parent=150502001001", token, language="zh-hans")
    assert status == 200
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == ["150502001001001", "150502001001002"]
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    assert body["features"][0]["properties"]["name"] == "和平社区第1网格"
    # The community admin's breadcrumb starts at its own community, not at the street above.
    assert [b["code"] for b in body["breadcrumb"]] == ["150502001001"]


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_grid_lookup_converts_phone_coordinates(live_server, world, crs):
    lon, lat = 122.15, 43.6  # inside grid 150502001001002
    sent_lon, sent_lat = from_wgs84(lon, lat, crs)
    token = token_for(world.users[Role.DISPATCHER])
    status, body = call(live_server, f"/api/v1/grid-lookup/?lon={sent_lon}&lat={sent_lat}&crs={crs}", token)
    assert status == 200, body
    assert body["grid"]["code"] == "150502001001002"
    assert abs(body["lon_wgs84"] - lon) < 1e-6 and abs(body["lat_wgs84"] - lat) < 1e-6


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("lon=abc&lat=43.6", "lon"),
        ("lon=122.1", "lat"),
        ("lon=122.1&lat=95", "lat"),
        ("lon=122.1&lat=43.6&crs=utm", "crs"),
        ("lon=100.0&lat=30.0", "lon"),  # outside every grid
    ],
)
def test_grid_lookup_names_the_bad_field(live_server, world, query, field):
    token = token_for(world.users[Role.DISPATCHER])
    status, body = call(live_server, f"/api/v1/grid-lookup/?{query}", token)
    assert status == 400
    assert field in body and body[field][0]


def test_schema_lists_the_endpoints(live_server, world):
    status, body = call(live_server, "/api/schema/?format=json", token_for(world.users[Role.LEADER]))
    assert status == 200
    assert body["openapi"].startswith("3.")
    for path in (
        "/api/v1/units/",
        "/api/v1/units/{code}/",
        "/api/v1/geojson/",
        "/api/v1/grid-lookup/",
        "/api/v1/me/",
    ):
        assert path in body["paths"]


def test_error_messages_follow_the_language(live_server, world):
    token = token_for(world.users[Role.DISPATCHER])
    _status, body = call(live_server, "/api/v1/grid-lookup/?lon=100.0&lat=30.0", token, language="zh-hans")
    assert "网格" in body["lon"][0]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("offset=1&offset=2", "offset"),
        ("level=x", "level"),
    ],
)
def test_list_parameters_are_checked(live_server, world, query, field):
    status, body = call(live_server, f"/api/v1/units/?{query}", token_for(world.users[Role.LEADER]))
    assert status == 400
    assert list(body) == [field] and body[field][0]


def test_list_pages(live_server, world):
    token = token_for(world.users[Role.DISTRICT_ADMIN])
    _status, first = call(live_server, "/api/v1/units/?limit=3", token)
    _status, second = call(live_server, "/api/v1/units/?limit=3&offset=3", token)
    assert first["count"] == second["count"] == 8
    codes = [u["code"] for u in first["results"] + second["results"]]
    assert len(codes) == len(set(codes)) == 6
