"""No clear identifier (people.testing.CANARIES) in any registry list or detail answer, for any
persona; and every list answers in a number of queries that does not grow with its rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.access.roles import Role
from gridgov.api.tests.registry_world import (
    BASE,
    OTHER_GRID,
    OUTSIDERS,
    READERS,
    assert_no_canary,
    build,
    client_for,
)
from gridgov.people import services
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.models import Building, Component, House, Household, Organization, Person, Tag

pytestmark = pytest.mark.django_db

LISTS = ["persons", "households", "buildings", "houses", "organizations", "components"]


@pytest.fixture
def reg():
    return build()


@pytest.mark.parametrize("persona", [*READERS, OTHER_GRID, *OUTSIDERS])
def test_no_clear_identifier_in_any_list_or_detail(reg, persona):
    client = client_for(reg.users[persona])
    tags = client.get(f"{BASE}/tags/")
    assert_no_canary(tags.content)
    for name in LISTS:
        listed = client.get(f"{BASE}/{name}/?limit=200")
        assert_no_canary(listed.content)
        rows = listed.data["results"] if listed.status_code == 200 else []
        for row in rows:
            shown = client.get(f"{BASE}/{name}/{row['id']}/")
            assert shown.status_code == 200
            assert_no_canary(shown.content)


def _more_rows(reg, count: int) -> None:
    """`count` more of every kind of record in grid 1, persons tagged and in households."""
    admin = reg.users[Role.DISTRICT_ADMIN]
    tags = list(Tag.objects.order_by("code")[:3])
    for n in range(count):
        building = services.save_building(
            Building(
                name=f"测试楼{n}",
                address=f"和平路{100 + n}号",
                lon=122.01 + n / 1000,
                lat=43.6,
                floors=5,
                units=2,
            ),
            actor=admin,
        )
        house = services.save_house(House(building=building, unit=1, floor=1, number="101"), actor=admin)
        household = services.save_household(Household(house=house), actor=admin)
        person = services.save_person(
            Person(name=f"测试{n}", household=household, relation="head"),
            id_number=make_id_number("150502", date(1970, 1, 1 + n), 100 + n),
            phone=f"1390475{n:04d}",
            actor=admin,
        )
        household.head = person
        services.save_household(household, actor=admin)
        for tag in tags:
            services.add_tag(person, tag, actor=admin)
        services.save_organization(
            Organization(name=f"店{n}", kind="shop", address="和平路", lon=122.02, lat=43.6 + n / 1000),
            contact_phone=f"1380475{n:04d}",
            actor=admin,
        )
        services.save_component(
            Component(code=f"C-{n}", kind="light", lon=122.03, lat=43.6 + n / 1000), actor=admin
        )


def _queries(reg, url: str) -> int:
    # A fresh user object per request, as with token authentication: memberships load each time.
    client = client_for(get_user_model().objects.get(pk=reg.users[Role.GRID_CHIEF].pk))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.data
    assert response.data["results"]
    return len(captured)


@pytest.mark.parametrize("name", LISTS)
def test_lists_answer_in_a_fixed_number_of_queries(reg, name):
    url = f"{BASE}/{name}/?limit=200"
    if name == "components":
        services.save_component(
            Component(code="C-first", kind="light", lon=122.03, lat=43.6),
            actor=reg.users[Role.DISTRICT_ADMIN],
        )
    few = _queries(reg, url)
    _more_rows(reg, 12)
    assert _queries(reg, url) == few
    assert _queries(reg, f"{url}&unit=150502001001001") == few + 1  # the unit's path
