"""The "Me" page and the account queries other apps use."""

import pytest
from django.test import Client

from gridgov.access.roles import Role
from gridgov.people.testing import CANARIES
from gridgov.residents.accounts import home_unit, household_of
from gridgov.residents.testing import make_resident


def _page(user):
    client = Client()
    client.force_login(user)
    return client.get("/resident/", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_bound_resident_sees_household_members_and_no_identifier(world):
    user = make_resident(
        "13800000001", world.units["150502001001001"], person=world.persons["head"], name="乌兰"
    )
    response = _page(user)
    html = response.content.decode()
    assert response.status_code == 200
    assert "138****0001" in html and "13800000001" not in html
    assert "乌兰巴特尔" in html and "王秀英" in html
    assert "Head of household" in html and "Spouse" in html
    assert "和平小区1号楼" in html and "Heping Grid 1" in html
    for identifier in CANARIES:
        assert identifier not in html
    person = world.persons["spouse"]
    assert person.id_number_masked not in html and person.phone_masked not in html


@pytest.mark.django_db
def test_unbound_resident_is_offered_binding(world):
    user = make_resident("13800000001", world.units["150502"], name="乌兰")
    html = _page(user).content.decode()
    assert 'href="/resident/bind/"' in html and "My household" not in html


@pytest.mark.django_db
def test_staff_user_is_told_the_page_is_for_residents(world):
    assert _page(world.users[Role.GRID_WORKER]).status_code == 403


@pytest.mark.django_db
def test_display_name_can_be_changed(world):
    user = make_resident("13800000001", world.units["150502"], name="乌兰")
    client = Client()
    client.force_login(user)
    assert client.post("/resident/name/", {"display_name": " 小乌 "}).status_code == 302
    user.refresh_from_db()
    assert user.resident.display_name == "小乌" and user.first_name == "小乌"


@pytest.mark.django_db
def test_household_and_home_unit(world):
    bound = make_resident("13800000001", world.units["150502001001001"], person=world.persons["head"])
    unbound = make_resident("13800000002", world.units["150502"])
    assert household_of(bound) == world.households["a101"]
    assert home_unit(bound) == world.persons["head"].grid
    assert household_of(unbound) is None and home_unit(unbound) == world.units["150502"]
    assert household_of(world.users[Role.GRID_WORKER]) is None
    assert home_unit(world.users[Role.GRID_WORKER]) is None
