"""Test helpers for cases: the small two-district world of access.testing plus a category
with time limits, a responsibility rule, and a function to report a case in a grid."""

from __future__ import annotations

from gridgov.access.roles import Role
from gridgov.access.testing import World, build_world
from gridgov.cases.models import Case, Category, ResponsibilityRule, Stage, TimeLimit, Urgency
from gridgov.cases.taxonomy import LimitUnit
from gridgov.cases.workflow import NewCase, report_case

# A point inside grid 150502001001001 (the grid of the grid worker, grid chief and resident).
HOME_POINT = (122.05, 43.6)
# A point inside grid 150502002001001 (another street).
OTHER_STREET_POINT = (122.3, 43.6)

LIMITS = {
    Stage.REGISTER: (2, LimitUnit.WORKING_HOURS),
    Stage.DISPATCH: (2, LimitUnit.WORKING_HOURS),
    Stage.HANDLE: (3, LimitUnit.WORKING_DAYS),
    Stage.VERIFY: (1, LimitUnit.WORKING_DAYS),
}


def build_case_world() -> World:
    world = build_world()
    roads = Category.objects.create(code="02", name_zh="道路", name_en="Roads")
    pothole = Category.objects.create(code="0201", parent=roads, name_zh="路面坑洼", name_en="Pothole")
    for urgency in Urgency.values:
        for stage, (amount, unit) in LIMITS.items():
            TimeLimit.objects.create(category=roads, urgency=urgency, stage=stage, amount=amount, unit=unit)
    ResponsibilityRule.objects.create(category=roads, area=world.units["150502"], department=world.department)
    world.categories = {"roads": roads, "pothole": pothole}
    return world


def report(world: World, *, by: Role = Role.GRID_WORKER, point=HOME_POINT, **fields) -> Case:
    data = NewCase(
        category=fields.pop("category", "0201"),
        description=fields.pop("description", "路面有坑"),
        lon=point[0],
        lat=point[1],
        **fields,
    )
    case, _created = report_case(data, actor=world.users[by])
    return case
