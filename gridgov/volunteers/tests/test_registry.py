"""The volunteer registry: the home community, registration and staff decisions."""

from __future__ import annotations

import pytest

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.people.models import Person
from gridgov.residents.testing import make_resident
from gridgov.volunteers import registry
from gridgov.volunteers.communities import home_community
from gridgov.volunteers.demo import SHOP_ITEMS, seed_demo
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.ledger import balance_of
from gridgov.volunteers.models import Activity, ShopItem, Volunteer, VolunteerStatus
from gridgov.volunteers.testing import BAYANTALA, BAYANTALA_GRID, HEPING, HEPING_GRID


def test_home_community_is_the_bound_persons_else_the_memberships(world):
    grid = world.units[BAYANTALA_GRID]
    person = Person.objects.create(grid=grid, org_path=grid.path, name="巴特尔")
    bound = make_resident("13800001001", world.units[HEPING_GRID], person=person)
    unbound = make_resident("13800001002", world.units[HEPING_GRID])
    assert home_community(bound) == world.units[BAYANTALA]
    assert home_community(unbound) == world.units[HEPING]
    assert home_community(world.users[Role.DISPATCHER]) is None


def test_register_update_and_decide(world):
    user = make_resident("13800001003", world.units[HEPING_GRID])
    volunteer = registry.register(user, skills="维修", availability="晚上")
    again = registry.register(user, skills="维修, 理发", availability="周末")
    assert (
        again.pk == volunteer.pk and again.skills == "维修, 理发" and again.status == VolunteerStatus.PENDING
    )

    staff = world.users[Role.COMMUNITY_ADMIN]
    with pytest.raises(VolunteerError) as no_reason:
        registry.decide(volunteer.pk, VolunteerStatus.SUSPENDED, actor=staff)
    assert no_reason.value.field == "reason"
    registry.decide(volunteer.pk, VolunteerStatus.APPROVED, actor=staff)
    with pytest.raises(VolunteerError) as same:
        registry.decide(volunteer.pk, VolunteerStatus.APPROVED, actor=staff)
    assert same.value.code == "conflict"
    assert AuditEntry.objects.filter(
        action="volunteers.volunteer.approve", target_id=str(volunteer.pk)
    ).exists()


def test_grid_staff_and_other_communities_cannot_decide(world):
    volunteer = registry.register(
        make_resident("13800001004", world.units[HEPING_GRID]), skills="", availability=""
    )
    for role in (Role.GRID_CHIEF, Role.DISPATCHER):
        with pytest.raises(VolunteerError) as refused:
            registry.decide(volunteer.pk, VolunteerStatus.APPROVED, actor=world.users[role])
        assert refused.value.code == "not_allowed"
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.PENDING


def test_staff_without_a_home_cannot_register(world):
    with pytest.raises(VolunteerError):
        registry.register(world.users[Role.DISPATCHER], skills="", availability="")


def test_demo_seed_makes_an_approved_volunteer_activities_and_a_shop(world):

    user = make_resident("13800001005", world.units[HEPING_GRID])
    seed_demo(user, world.users[Role.COMMUNITY_ADMIN])
    assert Volunteer.objects.get(user=user).status == VolunteerStatus.APPROVED
    assert Activity.objects.filter(community=world.units[HEPING]).count() == 2
    assert ShopItem.objects.filter(community=world.units[HEPING]).count() == len(SHOP_ITEMS)
    assert balance_of(user) == 10
