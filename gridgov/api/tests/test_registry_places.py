"""Buildings, houses, households, organizations and components through the API: created and
changed through the services (audited), placed by their point or their parent record, refused
by field when the input is bad or would land outside the caller's jurisdiction."""

from __future__ import annotations

import pytest

from gridgov.access.roles import Role
from gridgov.api.tests.registry_world import BASE, OTHER_GRID, assert_no_canary, build, client_for
from gridgov.audit.models import AuditEntry
from gridgov.people.models import Building, Component, House, Household, HouseUse, Organization
from gridgov.people.testing import CANARY_CONTACT_PHONE

pytestmark = pytest.mark.django_db

R = Role
GRID_1_POINT = {"lon": 122.06, "lat": 43.61}
GRID_2_POINT = {"lon": 122.16, "lat": 43.61}


@pytest.fixture
def reg():
    return build()


def post(reg, role, path: str, body: dict):
    return client_for(reg.users[role]).post(f"{BASE}/{path}", body, format="json")


def patch(reg, role, path: str, body: dict):
    return client_for(reg.users[role]).patch(f"{BASE}/{path}", body, format="json")


def test_building_takes_the_grid_of_its_point_and_is_audited(reg):
    response = post(
        reg,
        R.GRID_WORKER,
        "buildings/",
        {"name": "和平小区3号楼", "address": "永清街道和平路3号", "floors": 7, "units": 3, **GRID_1_POINT},
    )
    assert response.status_code == 201, response.data
    assert response.data["grid"]["code"] == "150502001001001"
    assert AuditEntry.objects.filter(
        action="people.building.create", target_id=str(response.data["id"])
    ).exists()


def test_a_point_outside_the_jurisdiction_or_every_grid_is_refused_by_field(reg):
    before = Building.objects.count()
    audited = AuditEntry.objects.filter(action="people.building.create").count()
    other_grid = post(reg, R.GRID_WORKER, "buildings/", {"name": "越界楼", "address": "别处", **GRID_2_POINT})
    assert other_grid.status_code == 400 and set(other_grid.data) == {"lon", "lat"}
    nowhere = post(
        reg, R.GRID_WORKER, "buildings/", {"name": "荒野", "address": "无", "lon": 100.0, "lat": 30.0}
    )
    assert nowhere.status_code == 400 and set(nowhere.data) == {"lon", "lat"}
    assert Building.objects.count() == before
    assert AuditEntry.objects.filter(action="people.building.create").count() == audited
    # Moving a building of one's grid into the next grid is refused too, and changes nothing.
    building = reg.buildings["a"]
    moved = patch(reg, R.GRID_WORKER, f"buildings/{building.pk}/", GRID_2_POINT)
    assert moved.status_code == 400
    building.refresh_from_db()
    assert (building.lon, building.grid.code) == (122.05, "150502001001001")


def test_a_street_admin_moves_a_building_and_its_houses_follow(reg):
    building = reg.buildings["a"]
    response = patch(reg, R.STREET_ADMIN, f"buildings/{building.pk}/", GRID_2_POINT)
    assert response.status_code == 200, response.data
    assert response.data["grid"]["code"] == "150502001001002"
    assert House.objects.get(pk=reg.houses["a101"].pk).grid.code == "150502001001002"


def test_duplicate_external_reference_is_named(reg):
    body = {"name": "甲", "address": "和平路", "external_ref": "B-1", **GRID_1_POINT}
    assert post(reg, R.GRID_WORKER, "buildings/", body).status_code == 201
    again = post(reg, R.GRID_WORKER, "buildings/", {**body, "name": "乙"})
    assert again.status_code == 400 and list(again.data) == ["external_ref"]
    assert Building.objects.filter(external_ref="B-1").count() == 1


def test_houses(reg):
    building = reg.buildings["a"]
    created = post(
        reg,
        R.GRID_WORKER,
        "houses/",
        {"building": building.pk, "unit": 1, "floor": 3, "number": "301", "use": "vacant"},
    )
    assert created.status_code == 201, created.data
    assert created.data["grid"]["code"] == "150502001001001" and created.data["building"]["id"] == building.pk
    duplicate = post(
        reg, R.GRID_WORKER, "houses/", {"building": building.pk, "unit": 1, "floor": 3, "number": "301"}
    )
    assert duplicate.status_code == 400 and list(duplicate.data) == ["number"]
    too_high = post(
        reg, R.GRID_WORKER, "houses/", {"building": building.pk, "unit": 1, "floor": 9, "number": "901"}
    )
    assert too_high.status_code == 400 and list(too_high.data) == ["floor"]
    foreign = post(reg, R.GRID_WORKER, "houses/", {"building": reg.buildings["b"].pk, "number": "1"})
    assert foreign.status_code == 400 and list(foreign.data) == ["building"]
    listed = client_for(reg.users[R.GRID_WORKER]).get(
        f"{BASE}/houses/", {"building": building.pk, "use": "vacant"}
    )
    assert [row["id"] for row in listed.data["results"]] == [created.data["id"]]
    bad = client_for(reg.users[R.GRID_WORKER]).get(f"{BASE}/houses/", {"building": "x"})
    assert bad.status_code == 400 and list(bad.data) == ["building"]
    changed = patch(reg, R.GRID_WORKER, f"houses/{created.data['id']}/", {"area_m2": 86.5})
    assert changed.status_code == 200 and changed.data["area_m2"] == 86.5


def test_tenancy_makes_the_house_rented(reg):
    house = reg.houses["a101"]
    client = client_for(reg.users[R.GRID_WORKER])
    url = f"{BASE}/houses/{house.pk}/tenancies/"
    wrong = client.post(
        url, {"tenant_name": "刘强", "starts_on": "2026-03-01", "ends_on": "2026-01-01"}, format="json"
    )
    assert wrong.status_code == 400 and list(wrong.data) == ["ends_on"]
    response = client.post(url, {"tenant_name": "刘强", "starts_on": "2026-03-01"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["use"] == HouseUse.RENTED
    assert [t["tenant_name"] for t in response.data["tenancies"]] == ["刘强"]
    assert AuditEntry.objects.filter(action="people.tenancy.add", target_id=str(house.pk)).exists()
    other = client_for(reg.users[OTHER_GRID]).post(
        url, {"tenant_name": "某人", "starts_on": "2026-03-01"}, format="json"
    )
    assert other.status_code == 404


def test_households(reg):
    household = reg.households["a101"]
    detail = client_for(reg.users[R.GRID_WORKER]).get(f"{BASE}/households/{household.pk}/")
    assert detail.status_code == 200
    assert detail.data["head"]["id"] == reg.persons["head"].pk and detail.data["member_count"] == 2
    assert {m["id"] for m in detail.data["members"]} == {reg.persons["head"].pk, reg.persons["spouse"].pk}
    created = post(reg, R.GRID_WORKER, "households/", {"house": reg.houses["a502"].pk})
    assert created.status_code == 201, created.data
    assert created.data["number"].startswith("150502001001001-")
    taken = post(reg, R.GRID_WORKER, "households/", {"house": reg.houses["a502"].pk, "number": "H-A101"})
    assert taken.status_code == 400 and list(taken.data) == ["number"]
    not_member = patch(
        reg, R.GRID_WORKER, f"households/{created.data['id']}/", {"head": reg.persons["head"].pk}
    )
    assert not_member.status_code == 400 and list(not_member.data) == ["head"]
    tagged = client_for(reg.users[R.GRID_WORKER]).get(f"{BASE}/households/", {"tag": "elderly_alone"})
    assert [row["id"] for row in tagged.data["results"]] == [household.pk]
    assert Household.objects.count() == 2


def test_organizations_mask_the_contact_phone_and_check_the_credit_code(reg):
    shop = reg.organizations["shop"]
    client = client_for(reg.users[R.GRID_WORKER])
    response = client.get(f"{BASE}/organizations/{shop.pk}/")
    assert_no_canary(response.content)
    assert (
        response.data["contact_phone_masked"] == CANARY_CONTACT_PHONE[:3] + "****" + CANARY_CONTACT_PHONE[-4:]
    )
    bad = client.post(
        f"{BASE}/organizations/",
        {
            "name": "新店",
            "kind": "shop",
            "address": "和平路5号",
            "credit_code": "91150502MA0N00002",
            **GRID_1_POINT,
        },
        format="json",
    )
    assert bad.status_code == 400 and list(bad.data) == ["credit_code"]
    phone = client.patch(f"{BASE}/organizations/{shop.pk}/", {"contact_phone": "123"}, format="json")
    assert phone.status_code == 400 and list(phone.data) == ["contact_phone"]
    fire = client.patch(
        f"{BASE}/organizations/{shop.pk}/",
        {"fire_inspected_on": "2026-02-01", "fire_risk": "medium", "exits_clear": False},
        format="json",
    )
    assert fire.status_code == 200, fire.data
    assert Organization.objects.get(pk=shop.pk).fire_risk == "medium"
    assert AuditEntry.objects.filter(action="people.organization.update", target_id=str(shop.pk)).exists()


def test_components(reg):
    body = {"code": "150502-HY-0001", "kind": "hydrant", "name": "和平路消防栓", **GRID_1_POINT}
    created = post(reg, R.GRID_WORKER, "components/", body)
    assert created.status_code == 201, created.data
    duplicate = post(reg, R.GRID_WORKER, "components/", body)
    assert duplicate.status_code == 400 and list(duplicate.data) == ["code"]
    damaged = patch(reg, R.GRID_WORKER, f"components/{created.data['id']}/", {"state": "damaged"})
    assert damaged.status_code == 200 and damaged.data["state"] == "damaged"
    client = client_for(reg.users[R.DISTRICT_ADMIN])
    assert [c["id"] for c in client.get(f"{BASE}/components/", {"state": "damaged"}).data["results"]] == [
        created.data["id"]
    ]
    assert client.get(f"{BASE}/components/", {"kind": "light"}).data["results"] == []
    assert client.get(f"{BASE}/components/", {"kind": "spaceship"}).status_code == 400
    assert Component.objects.get(pk=created.data["id"]).state == "damaged"
