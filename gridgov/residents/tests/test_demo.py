"""The demo persona "resident" becomes a bound resident account."""

import pytest

from gridgov.access.models import Membership
from gridgov.demo.resident_accounts import DEMO_RESIDENT_PHONE, make_demo_resident
from gridgov.people import pii
from gridgov.residents.accounts import household_of
from gridgov.residents.models import RESIDENT_PHONE


@pytest.mark.django_db
def test_demo_resident_is_bound_to_a_household_head_of_its_grid(world):
    grid = world.units["150502001001001"]
    profile = make_demo_resident(grid)
    assert profile.user.username == "resident"
    assert profile.phone_index == pii.index_of(DEMO_RESIDENT_PHONE, RESIDENT_PHONE)
    assert profile.person == world.persons["head"]
    assert household_of(profile.user) == world.households["a101"]
    assert Membership.objects.get(user=profile.user).org_unit == grid
