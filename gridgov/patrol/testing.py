"""Test helpers for the patrol app: the registry world of people.testing, a case category,
a second household (in grid 002) with its own grid worker, and short-hands for visits."""

from __future__ import annotations

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.cases.models import Category, ResponsibilityRule, Stage, TimeLimit, Urgency
from gridgov.cases.testing import LIMITS
from gridgov.patrol.visits import NewVisit, record_visit
from gridgov.people import services
from gridgov.people.models import Household, Person
from gridgov.people.testing import RegistryWorld, build_registry_world

GRID_A = "150502001001001"  # the grid worker's grid, household a101
GRID_B = "150502001001002"  # the same community's second grid, household b201


def build_patrol_world() -> RegistryWorld:
    reg = build_registry_world()
    admin = reg.users[Role.DISTRICT_ADMIN]
    roads = Category.objects.create(code="02", name_zh="道路", name_en="Roads")
    Category.objects.create(code="0201", parent=roads, name_zh="路面坑洼", name_en="Pothole")
    for urgency in Urgency.values:
        for stage, (amount, unit) in LIMITS.items():
            assert stage in Stage.values
            TimeLimit.objects.create(category=roads, urgency=urgency, stage=stage, amount=amount, unit=unit)
    ResponsibilityRule.objects.create(
        category=roads, area=reg.units["150502"], department=reg.world.department
    )
    reg.households["b201"] = services.save_household(
        Household(number="H-B201", house=reg.houses["b201"]), actor=admin
    )
    other = reg.persons["other_grid"]
    other.household = reg.households["b201"]
    other.relation = "head"
    services.save_person(other, actor=admin)
    reg.users["worker_b"] = make_user("worker_b", Role.GRID_WORKER, reg.units[GRID_B])
    return reg


def visit(reg: RegistryWorld, household: str = "a101", *, by=None, **fields) -> object:
    """Record a visit where the first member was met (unless told otherwise)."""
    target = reg.households[household]
    actor = by or reg.users[Role.GRID_WORKER]
    if "met" not in fields and not fields.get("nobody_home"):
        fields["met"] = [Person.objects.filter(household=target).order_by("pk").first()]
    return record_visit(
        NewVisit(household=target, situation=fields.pop("situation", "normal"), **fields), actor=actor
    )
