"""Test helpers: a community world of registry households whose members have resident accounts.

On top of access.testing's world: Heping Community (150502001001) with grids 1 and 2, Bayantala
Gacha (150502002001) beside it. Each household lives in a grid and has bound resident members.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import World, build_world
from gridgov.community import consultations as actions
from gridgov.community.models import Consultation
from gridgov.people import services
from gridgov.people.models import Household, Person
from gridgov.residents.testing import make_resident

HEPING = "150502001001"
HEPING_GRID_1 = "150502001001001"
HEPING_GRID_2 = "150502001001002"
BAYANTALA = "150502002001"
BAYANTALA_GRID = "150502002001001"

_phones = itertools.count(13800000000)


def next_phone() -> str:
    return str(next(_phones))


@dataclass
class CommunityWorld:
    world: World
    households: list[Household] = field(default_factory=list)
    members: dict[int, list] = field(default_factory=dict)  # household pk -> resident users

    @property
    def units(self):
        return self.world.units

    @property
    def staff(self):
        return self.world.users[Role.COMMUNITY_ADMIN]  # Heping's community administrator

    def add_household(self, grid_code: str, members: int = 1) -> Household:
        """A registry household in `grid_code` with `members` bound resident accounts."""
        admin = self.world.users[Role.DISTRICT_ADMIN]
        grid = self.units[grid_code]
        household = services.save_household(Household(grid=grid), actor=admin)
        users = []
        for n in range(members):
            person = services.save_person(
                Person(name=f"居民{household.pk}-{n}", grid=grid, household=household), actor=admin
            )
            users.append(make_resident(next_phone(), grid, person=person, name=f"居民{household.pk}-{n}"))
        self.households.append(household)
        self.members[household.pk] = users
        return household


def build_community_world() -> CommunityWorld:
    return CommunityWorld(world=build_world())


def unbound_resident(world: CommunityWorld, grid_code: str = HEPING_GRID_1, name: str = ""):
    """A resident account living in `grid_code` but not bound to the registry."""
    return make_resident(next_phone(), world.units[grid_code], name=name)


def voting_consultation(
    world: CommunityWorld, *, options=("同意", "反对"), threshold: int = 1
) -> Consultation:
    """A Heping proposal that reached its threshold and is open to the vote for one day."""
    proposer = unbound_resident(world)
    supporter = unbound_resident(world)
    consultation = actions.propose(actor=proposer, title="加装电梯", description="1号楼加装电梯")
    actions.set_threshold(consultation, actor=world.staff, threshold=threshold)
    actions.support(consultation, actor=supporter)
    return actions.open_vote(
        consultation,
        actor=world.staff,
        options=list(options),
        closes_at=timezone.now() + timedelta(days=1),
    )
