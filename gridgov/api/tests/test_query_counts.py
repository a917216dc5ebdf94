"""The org-unit endpoints answer in a fixed number of queries, however many units they list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shapely.geometry import box

from gridgov.access.roles import Role
from gridgov.access.testing import build_world
from gridgov.geo.geometry import to_geojson, unit_fields
from gridgov.geo.models import Kind, Level, OrgUnit, path_for_code


@pytest.fixture
def world(db):
    return build_world()


def add_grids(community: OrgUnit, count: int) -> None:
    for number in range(3, 3 + count):
        code = f"{community.code}{number:03d}"
        geom = box(122.0, 43.5, 122.001, 43.501)
        OrgUnit.objects.create(
            code=code,
            parent=community,
            level=Level.GRID,
            kind=Kind.GRID,
            name_zh=code,
            path=path_for_code(code),
            geometry=to_geojson(geom),
            **unit_fields(geom),
        )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/units/?limit=1000",
        "/api/v1/geojson/?parent=150502001001",
        "/api/v1/units/?parent=150502001001",
    ],
)
def test_lists_do_not_grow_with_their_length(client, world, url):
    client.force_login(world.users[Role.DISTRICT_ADMIN])
    few = queries_for(client, url)
    add_grids(world.units["150502001001"], 40)
    many = queries_for(client, url)
    assert many == few
