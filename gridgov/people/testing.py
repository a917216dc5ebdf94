"""A small registry on top of access.testing's two-district world, for tests across apps.

Grid 150502001001001 (Heping Grid 1) has one building with two houses and a household of two;
grid 150502001001002 has one building and one person; the neighbouring district has one person.
The canary identifiers below appear nowhere else, so a test can search any output for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from gridgov.access.roles import Role
from gridgov.access.testing import World, build_world
from gridgov.people import services
from gridgov.people.credit_codes import make_credit_code
from gridgov.people.default_tags import ensure_default_tags
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.models import Building, House, Household, Organization, Person, Tag

CANARY_ID = make_id_number("150502", date(1951, 3, 7), 517)
CANARY_PHONE = "13904751234"
SECOND_ID = make_id_number("150502", date(1988, 11, 2), 222)
SECOND_PHONE = "15847559876"
OTHER_GRID_ID = make_id_number("150502", date(1975, 5, 20), 331)
OTHER_DISTRICT_ID = make_id_number("152321", date(1990, 1, 9), 442)
CANARY_CONTACT_PHONE = "18647501122"
SHOP_CREDIT_CODE = make_credit_code("91150502MA0N00001")
# Every clear identifier the registry world holds, for scans of outputs.
CANARIES = (
    CANARY_ID,
    CANARY_PHONE,
    SECOND_ID,
    SECOND_PHONE,
    OTHER_GRID_ID,
    OTHER_DISTRICT_ID,
    CANARY_CONTACT_PHONE,
)


@dataclass
class RegistryWorld:
    world: World
    buildings: dict[str, Building] = field(default_factory=dict)
    houses: dict[str, House] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)

    @property
    def users(self):
        return self.world.users

    @property
    def units(self):
        return self.world.units


def build_registry_world() -> RegistryWorld:
    world = build_world()
    admin = world.users[Role.DISTRICT_ADMIN]
    reg = RegistryWorld(world=world)
    save = {"actor": admin}

    reg.buildings["a"] = services.save_building(
        Building(name="和平小区1号楼", address="永清街道和平路1号", lon=122.05, lat=43.6, floors=6, units=2),
        **save,
    )
    reg.buildings["b"] = services.save_building(
        Building(name="和平小区9号楼", address="永清街道和平路9号", lon=122.15, lat=43.6, floors=3, units=1),
        **save,
    )
    reg.houses["a101"] = services.save_house(
        House(building=reg.buildings["a"], unit=1, floor=1, number="101"), **save
    )
    reg.houses["a502"] = services.save_house(
        House(building=reg.buildings["a"], unit=2, floor=5, number="502", use="rented"), **save
    )
    reg.houses["b201"] = services.save_house(
        House(building=reg.buildings["b"], unit=1, floor=2, number="201"), **save
    )
    reg.households["a101"] = services.save_household(
        Household(number="H-A101", house=reg.houses["a101"]), **save
    )

    reg.persons["head"] = services.save_person(
        Person(name="乌兰巴特尔", ethnicity="02", household=reg.households["a101"], relation="head"),
        id_number=CANARY_ID,
        phone=CANARY_PHONE,
        **save,
    )
    reg.persons["spouse"] = services.save_person(
        Person(name="王秀英", ethnicity="01", household=reg.households["a101"], relation="spouse"),
        id_number=SECOND_ID,
        phone=SECOND_PHONE,
        **save,
    )
    household = reg.households["a101"]
    household.head = reg.persons["head"]
    services.save_household(household, **save)
    reg.persons["other_grid"] = services.save_person(
        Person(name="张建国", ethnicity="01", house=reg.houses["b201"]), id_number=OTHER_GRID_ID, **save
    )
    reg.persons["other_district"] = services.save_person(
        Person(name="李明", grid=world.units["150521001001001"]), id_number=OTHER_DISTRICT_ID, **save
    )
    ensure_default_tags(Tag)  # a transactional test before this one may have flushed them
    for person, code in (("head", "elderly_alone"), ("head", "disabled"), ("spouse", "community_correction")):
        services.add_tag(reg.persons[person], Tag.objects.get(code=code), **save)
    reg.organizations["shop"] = services.save_organization(
        Organization(
            name="和平便利店",
            kind="shop",
            address="永清街道和平路1号底商",
            lon=122.051,
            lat=43.601,
            contact_name="赵丽",
            credit_code=SHOP_CREDIT_CODE,
        ),
        contact_phone=CANARY_CONTACT_PHONE,
        **save,
    )
    return reg
