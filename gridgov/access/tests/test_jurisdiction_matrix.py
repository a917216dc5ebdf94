"""Every role × every scoped page and endpoint × an object outside the role's jurisdiction.

The answer is 403 or 404, the object's names never appear in it, and the denial is in the
audit log. A control request for an object inside the jurisdiction shows that the same
request can succeed, so the denials are about scope and not a broken endpoint.
"""

from __future__ import annotations

import pytest

from gridgov.access.roles import Role
from gridgov.access.testing import OUTSIDE_UNIT, PERSONA_UNIT, build_world
from gridgov.audit.models import AuditEntry, Outcome

# Each takes the target unit's code and its bbox centre.
ENDPOINTS = {
    "api unit detail": "/api/v1/units/{code}/",
    "api unit geojson": "/api/v1/units/{code}/geojson/",
    "api children geojson": "/api/v1/geojson/?parent={code}",
    "api unit list by parent": "/api/v1/units/?parent={code}",
    "api grid lookup": "/api/v1/grid-lookup/?lon={lon}&lat={lat}",
    "page unit detail": "/units/{code}/",
}
GEO_ROLES = [role for role in Role if role != Role.AUDITOR]


@pytest.fixture
def world(db):
    return build_world()


def url_for(template: str, unit) -> str:
    lon = (unit.min_lon + unit.max_lon) / 2
    lat = (unit.min_lat + unit.max_lat) / 2
    return template.format(code=unit.code, lon=lon, lat=lat)


def denials(user) -> int:
    return AuditEntry.objects.filter(actor=user, outcome=Outcome.DENIED).count()


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("role", list(Role))
def test_outside_jurisdiction_is_denied_hidden_and_audited(client, world, role, endpoint):
    user = world.users[role]
    outside = world.units[OUTSIDE_UNIT[role]]
    client.force_login(user)
    before = denials(user)

    response = client.get(url_for(ENDPOINTS[endpoint], outside))

    assert response.status_code in (403, 404), response.content[:300]
    body = response.content.decode()
    for name in (outside.name_zh, outside.name_en):
        assert name not in body
    assert denials(user) == before + 1


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("role", GEO_ROLES)
def test_inside_jurisdiction_is_shown(client, world, role, endpoint):
    user = world.users[role]
    code = PERSONA_UNIT[role] or "150502"
    unit = world.units[code]
    if endpoint == "api grid lookup" and unit.level != 4:
        unit = world.units["150502001001001"]
    client.force_login(user)

    response = client.get(url_for(ENDPOINTS[endpoint], unit))

    assert response.status_code == 200, response.content[:300]
    if endpoint != "api unit list by parent":  # that one lists the children, not the unit itself
        assert unit.name_zh in response.content.decode()
    assert denials(user) == 0


def test_auditor_is_refused_every_geo_endpoint_even_in_its_district(client, world):
    auditor = world.users[Role.AUDITOR]
    client.force_login(auditor)
    for template in ENDPOINTS.values():
        response = client.get(url_for(template, world.units["150502"]))
        assert response.status_code == 403
        assert "科尔沁区" not in response.content.decode()
    assert denials(auditor) == len(ENDPOINTS)


def test_lists_hold_only_the_jurisdiction(client, world):
    client.force_login(world.users[Role.STREET_ADMIN])
    codes = {u["code"] for u in client.get("/api/v1/units/?limit=500").json()["results"]}
    assert codes == {"150502001", "150502001001", "150502001001001", "150502001001002"}
