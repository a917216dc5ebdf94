"""people.testing's registry world plus the records the place, count and quality tests need.

Added to the world (grid 001 = 150502001001001, grid 002 = 150502001001002):
- grid 001: a person who moved out (tagged elderly_alone: not counted), a person with no house,
  no ID, no phone and no ethnicity ("loner"); a school inspected last month; a street light in
  order and a removed manhole cover;
- grid 002: a household without head in house b201, a building with no house, a kiosk without
  credit code inspected two years ago, a closed shop, a damaged hydrant.
The head of household's ID is checked against the certificate.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.people import services
from gridgov.people.credit_codes import make_credit_code
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.models import Building, Component, Household, Organization, Person, PersonStatus, Tag
from gridgov.people.testing import RegistryWorld, build_registry_world

GRID_1 = "150502001001001"
GRID_2 = "150502001001002"
COMMUNITY = "150502001001"
STREET = "150502001"
WORKER_OTHER_GRID = "worker_other_grid"
SCHOOL_CREDIT_CODE = make_credit_code("52150502MJ0000001")


def build_place_world() -> RegistryWorld:
    reg = build_registry_world()
    admin = reg.users[Role.DISTRICT_ADMIN]
    save = {"actor": admin}
    grid_1, grid_2 = reg.units[GRID_1], reg.units[GRID_2]
    reg.users[WORKER_OTHER_GRID] = make_user(WORKER_OTHER_GRID, Role.GRID_WORKER, grid_2)

    head = reg.persons["head"]
    head.id_verified = True
    services.save_person(head, **save)

    moved = services.save_person(
        Person(name="刘桂兰", ethnicity="01", house=reg.houses["a101"]),
        id_number=make_id_number("150502", date(1940, 2, 2), 118),
        **save,
    )
    services.add_tag(moved, Tag.objects.get(code="elderly_alone"), **save)
    services.change_status(
        moved, PersonStatus.MOVED_OUT, effective_on=timezone.localdate(), reason="搬到女儿家", **save
    )
    reg.persons["moved"] = moved
    reg.persons["loner"] = services.save_person(Person(name="宝音", grid=grid_1), **save)

    reg.households["b201"] = services.save_household(
        Household(number="H-B201", house=reg.houses["b201"]), **save
    )
    reg.buildings["empty"] = services.save_building(
        Building(
            name="和平小区12号楼", address="永清街道和平路12号", lon=122.16, lat=43.61, floors=5, units=2
        ),
        **save,
    )

    today = timezone.localdate()
    reg.organizations["school"] = services.save_organization(
        Organization(
            name="和平小学",
            kind="school",
            address="永清街道和平路3号",
            lon=122.06,
            lat=43.62,
            credit_code=SCHOOL_CREDIT_CODE,
            fire_inspected_on=today - timedelta(days=30),
            fire_risk="medium",
        ),
        **save,
    )
    reg.organizations["kiosk"] = services.save_organization(
        Organization(
            name="报刊亭",
            kind="shop",
            address="永清街道和平路9号旁",
            lon=122.151,
            lat=43.601,
            fire_inspected_on=today - timedelta(days=730),
            fire_risk="high",
        ),
        **save,
    )
    reg.organizations["closed"] = services.save_organization(
        Organization(
            name="旧书店", kind="shop", address="和平路10号", lon=122.152, lat=43.602, is_active=False
        ),
        **save,
    )
    components = {
        "light": ("150502001001001-LD-0001", "light", 122.052, 43.603, "good"),
        "manhole": ("150502001001001-JG-0001", "manhole", 122.053, 43.604, "removed"),
        "hydrant": ("150502001001002-XF-0001", "hydrant", 122.153, 43.603, "damaged"),
    }
    reg.components = {}
    for key, (code, kind, lon, lat, state) in components.items():
        reg.components[key] = services.save_component(
            Component(code=code, kind=kind, lon=lon, lat=lat, state=state), **save
        )
    return reg
