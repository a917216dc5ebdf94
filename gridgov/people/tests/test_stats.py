"""Registry counts of a unit (people.stats): the worked-out figures of the place world, per role,
and one query per figure whatever the number of grids."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.access.roles import Role
from gridgov.access.scope import memberships_of
from gridgov.people import services
from gridgov.people.models import Building, House, Household, Person, Tag
from gridgov.people.stats import unit_counts
from gridgov.people.tests.places_world import (
    COMMUNITY,
    GRID_1,
    GRID_2,
    STREET,
    WORKER_OTHER_GRID,
    build_place_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg():
    return build_place_world()


def _figures(counts) -> dict:
    return {
        "population": counts.population,
        "households": counts.households,
        "special_groups": counts.special_groups,
        "rented_houses": counts.rented_houses,
        "buildings": counts.buildings,
        "organizations": counts.organizations,
        "components": counts.components,
    }


def _tags(counts) -> dict[str, int]:
    return {tag.code: tag.persons for tag in counts.by_tag}


def test_a_community_sums_its_grids(reg):
    counts = unit_counts(reg.users[Role.DISTRICT_ADMIN], reg.units[COMMUNITY])
    # Active persons: head, spouse, loner (grid 1), other_grid (grid 2); the one who moved out
    # and the person of the other district are not counted.
    assert _figures(counts) == {
        "population": 4,
        "households": 2,  # H-A101, H-B201
        "special_groups": 2,  # head (elderly alone, disabled), spouse (community correction)
        "rented_houses": 1,  # a502
        "buildings": 3,  # a, b, the empty one
        "organizations": 3,  # shop, school, kiosk; the closed shop is not counted
        "components": 2,  # the light and the damaged hydrant; the removed manhole is not
    }
    assert _tags(counts) == {"elderly_alone": 1, "disabled": 1, "community_correction": 1}
    # Most sensitive last.
    assert [tag.code for tag in counts.by_tag][-1] == "community_correction"


def test_street_and_district_equal_the_community_here(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    community = _figures(unit_counts(admin, reg.units[COMMUNITY]))
    assert _figures(unit_counts(admin, reg.units[STREET])) == community
    assert _figures(unit_counts(reg.users[Role.STREET_ADMIN], reg.units[STREET])) == community


def test_a_grid_counts_its_own_records(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    assert _figures(unit_counts(admin, reg.units[GRID_1])) == {
        "population": 3,
        "households": 1,
        "special_groups": 2,
        "rented_houses": 1,
        "buildings": 1,
        "organizations": 2,
        "components": 1,
    }
    assert _figures(unit_counts(admin, reg.units[GRID_2])) == {
        "population": 1,
        "households": 1,
        "special_groups": 0,
        "rented_houses": 0,
        "buildings": 2,
        "organizations": 1,
        "components": 1,
    }


def test_grid_worker_does_not_count_restricted_tags(reg):
    counts = unit_counts(reg.users[Role.GRID_WORKER], reg.units[GRID_1])
    assert counts.special_groups == 1  # the spouse's only tag is highly sensitive
    assert _tags(counts) == {"elderly_alone": 1, "disabled": 1}
    chief = unit_counts(reg.users[Role.GRID_CHIEF], reg.units[GRID_1])
    assert chief.special_groups == 2
    assert _tags(chief) == {"elderly_alone": 1, "disabled": 1, "community_correction": 1}


def test_counts_stay_inside_the_jurisdiction(reg):
    # Asked about the whole community, a grid worker of grid 2 counts grid 2 only.
    counts = unit_counts(reg.users[WORKER_OTHER_GRID], reg.units[COMMUNITY])
    assert counts.population == 1 and counts.buildings == 2 and counts.special_groups == 0
    assert unit_counts(reg.users[WORKER_OTHER_GRID], reg.units[GRID_1]).population == 0


def test_leader_counts_without_tags_and_resident_counts_nothing(reg):
    leader = unit_counts(reg.users[Role.LEADER], reg.units[COMMUNITY])
    assert leader.population == 4
    # A leader holds no tag-level permission (people.visibility): no special-group figure at all.
    assert leader.special_groups is None and leader.by_tag == []
    resident = unit_counts(reg.users[Role.RESIDENT], reg.units[GRID_1])
    assert resident.population == 0 and resident.organizations == 0


def test_one_query_per_figure_whatever_the_number_of_grids(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    memberships_of(admin)  # loaded once per user object, as in a request
    with CaptureQueriesContext(connection) as grid:
        unit_counts(admin, reg.units[GRID_1])
    with CaptureQueriesContext(connection) as district:
        unit_counts(admin, reg.units["150502"])
    assert len(grid) == len(district) <= 8
    # More records in more grids change no query count.
    save = {"actor": admin}
    building = services.save_building(
        Building(name="新楼", address="新路1号", lon=122.25, lat=43.6, floors=2, units=1), **save
    )
    house = services.save_house(House(building=building, unit=1, floor=1, number="101", use="rented"), **save)
    household = services.save_household(Household(house=house), **save)
    for n in range(3):
        person = services.save_person(Person(name=f"新人{n}", household=household), **save)
        services.add_tag(person, Tag.objects.get(code="veteran"), **save)
    with CaptureQueriesContext(connection) as more:
        counts = unit_counts(admin, reg.units["150502"])
    assert len(more) == len(district)
    assert counts.population == 7 and _tags(counts)["veteran"] == 3
