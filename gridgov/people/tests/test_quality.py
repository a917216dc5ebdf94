"""Data quality per grid (people.quality): every check's count on the place world equals the
worked-out figure, the lists behind the counts, the jurisdiction, and a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.access.roles import Role
from gridgov.access.scope import memberships_of
from gridgov.people import services
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.models import Building, Person
from gridgov.people.quality import CHECKS, CHECKS_BY_KEY, failing, months_before, quality_table
from gridgov.people.tests.places_world import COMMUNITY, GRID_1, GRID_2, WORKER_OTHER_GRID, build_place_world

pytestmark = pytest.mark.django_db

# check -> (grid 1, grid 2), worked out from the place world (see places_world.py).
EXPECTED = {
    "no_phone": (1, 1),  # adults (or of unknown age): loner; other_grid
    "no_id": (1, 0),  # loner
    "id_unverified": (1, 1),  # spouse (the head's is checked); other_grid
    "no_ethnicity": (1, 0),  # loner
    "no_house": (1, 0),  # loner
    "house_no_household": (1, 0),  # a502 is rented and has no household; b201 has H-B201
    "household_no_head": (0, 1),  # H-B201
    "building_no_houses": (0, 1),  # the empty building
    "org_no_credit_code": (0, 1),  # the kiosk (the closed shop is not counted)
    "org_fire_overdue": (1, 1),  # the shop was never inspected; the kiosk two years ago
    "component_broken": (0, 1),  # the damaged hydrant
}


@pytest.fixture
def reg():
    return build_place_world()


def _by_grid(table) -> dict[str, dict[str, int]]:
    return {
        unit.code: {check.key: n for check, n in zip(CHECKS, counts, strict=True)}
        for unit, counts in table.rows
    }


def test_counts_per_grid_of_a_community(reg):
    table = quality_table(reg.users[Role.DISTRICT_ADMIN], reg.units[COMMUNITY])
    rows = _by_grid(table)
    assert list(rows) == [GRID_1, GRID_2]
    assert {key: (rows[GRID_1][key], rows[GRID_2][key]) for key in EXPECTED} == EXPECTED
    assert table.totals == [sum(EXPECTED[check.key]) for check in CHECKS]


def test_a_grid_is_its_own_row_and_a_district_has_streets(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    grid = quality_table(admin, reg.units[GRID_2])
    assert [unit.code for unit, _counts in grid.rows] == [GRID_2]
    assert _by_grid(grid)[GRID_2] == {key: pair[1] for key, pair in EXPECTED.items()}
    district = quality_table(admin, reg.units["150502"])
    assert [unit.code for unit, _counts in district.rows] == ["150502001", "150502002"]
    assert _by_grid(district)["150502001"] == {key: sum(pair) for key, pair in EXPECTED.items()}
    assert set(_by_grid(district)["150502002"].values()) == {0}


def test_the_list_behind_a_count_holds_those_records(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    community = reg.units[COMMUNITY]
    names = {p.name for p in failing(admin, CHECKS_BY_KEY["no_phone"], community)}
    assert names == {"宝音", "张建国"}
    houses = list(failing(admin, CHECKS_BY_KEY["house_no_household"], community))
    assert houses == [reg.houses["a502"]]
    overdue = {o.name for o in failing(admin, CHECKS_BY_KEY["org_fire_overdue"], community)}
    assert overdue == {"和平便利店", "报刊亭"}


def test_a_grid_worker_sees_only_the_own_grid(reg):
    table = quality_table(reg.users[WORKER_OTHER_GRID], reg.units[COMMUNITY])
    assert [unit.code for unit, _counts in table.rows] == [GRID_2]
    assert table.totals == [EXPECTED[check.key][1] for check in CHECKS]
    assert not failing(reg.users[WORKER_OTHER_GRID], CHECKS_BY_KEY["no_house"], reg.units[GRID_1]).exists()


def test_fixing_a_record_takes_it_off_the_list(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    loner = reg.persons["loner"]
    loner.ethnicity = "02"
    services.save_person(loner, actor=admin, phone="13604751111")
    rows = _by_grid(quality_table(admin, reg.units[COMMUNITY]))
    assert rows[GRID_1]["no_ethnicity"] == 0 and rows[GRID_1]["no_phone"] == 0


def test_children_are_not_expected_to_have_a_phone(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    child = services.save_person(
        Person(name="乌兰其其格", household=reg.households["a101"], relation="child"),
        id_number=make_id_number("150502", date(2018, 6, 1), 226),
        actor=admin,
    )
    rows = _by_grid(quality_table(admin, reg.units[COMMUNITY]))
    assert rows[GRID_1]["no_phone"] == EXPECTED["no_phone"][0]
    assert child not in failing(admin, CHECKS_BY_KEY["no_phone"], reg.units[GRID_1])


def test_one_query_per_check_whatever_the_number_of_grids(reg):
    admin = reg.users[Role.DISTRICT_ADMIN]
    memberships_of(admin)
    with CaptureQueriesContext(connection) as community:
        quality_table(admin, reg.units[COMMUNITY])
    for n in range(4):
        services.save_building(
            Building(name=f"空楼{n}", address="路", lon=122.01 + n * 0.03, lat=43.55, floors=1, units=1),
            actor=admin,
        )
    with CaptureQueriesContext(connection) as street:
        table = quality_table(admin, reg.units["150502001"])
    assert len(community) == len(street) == len(CHECKS) + 1  # the row units, then one per check
    assert table.totals[[c.key for c in CHECKS].index("building_no_houses")] == 5


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 25), 12, date(2025, 11, 25)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected
