"""A small two-district world with one user per role, for tests across apps.

District 150502 has two streets, each with one community; street 001's community has two
grids, street 002's has one. District 150521 stands beside it. Every unit is a rectangle in
longitude/latitude near Tongliao, children tiling their parent exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from shapely.geometry import box

from gridgov.access.models import Department, Membership
from gridgov.access.roles import Role
from gridgov.geo.geometry import to_geojson, unit_fields
from gridgov.geo.index import bump_geometry_version
from gridgov.geo.models import Kind, Level, OrgUnit, path_for_code

PASSWORD = "Test-pass-2026"

# code -> (parent code, level, kind, name_zh, name_en, (min_lon, min_lat, max_lon, max_lat))
UNITS = {
    "150502": (
        None,
        Level.DISTRICT,
        Kind.DISTRICT,
        "科尔沁区",
        "Keerqin District",
        (122.0, 43.5, 122.4, 43.7),
    ),
    "150502001": (
        "150502",
        Level.STREET,
        Kind.SUBDISTRICT,
        "永清街道",
        "Yongqing Sub-district",
        (122.0, 43.5, 122.2, 43.7),
    ),
    "150502002": ("150502", Level.STREET, Kind.TOWN, "大林镇", "Dalin Town", (122.2, 43.5, 122.4, 43.7)),
    "150502001001": (
        "150502001",
        Level.COMMUNITY,
        Kind.COMMUNITY,
        "和平社区",
        "Heping Community",
        (122.0, 43.5, 122.2, 43.7),
    ),
    "150502002001": (
        "150502002",
        Level.COMMUNITY,
        Kind.GACHA,
        "巴彦塔拉嘎查",
        "Bayantala Gacha",
        (122.2, 43.5, 122.4, 43.7),
    ),
    "150502001001001": (
        "150502001001",
        Level.GRID,
        Kind.GRID,
        "和平社区第1网格",
        "Heping Grid 1",
        (122.0, 43.5, 122.1, 43.7),
    ),
    "150502001001002": (
        "150502001001",
        Level.GRID,
        Kind.GRID,
        "和平社区第2网格",
        "Heping Grid 2",
        (122.1, 43.5, 122.2, 43.7),
    ),
    "150502002001001": (
        "150502002001",
        Level.GRID,
        Kind.GRID,
        "巴彦塔拉嘎查第1网格",
        "Bayantala Grid 1",
        (122.2, 43.5, 122.4, 43.7),
    ),
    "150521": (
        None,
        Level.DISTRICT,
        Kind.DISTRICT,
        "科尔沁左翼中旗",
        "Horqin Left Middle Banner",
        (122.4, 43.5, 122.8, 43.7),
    ),
    "150521001": ("150521", Level.STREET, Kind.TOWN, "保康镇", "Baokang Town", (122.4, 43.5, 122.8, 43.7)),
    "150521001001": (
        "150521001",
        Level.COMMUNITY,
        Kind.VILLAGE,
        "胜利村",
        "Shengli Village",
        (122.4, 43.5, 122.8, 43.7),
    ),
    "150521001001001": (
        "150521001001",
        Level.GRID,
        Kind.GRID,
        "胜利村第1网格",
        "Shengli Grid 1",
        (122.4, 43.5, 122.8, 43.7),
    ),
}

# Where each role's persona sits, and a unit outside that persona's jurisdiction.
PERSONA_UNIT = {
    Role.DISTRICT_ADMIN: "150502",
    Role.DISPATCHER: "150502",
    Role.LEADER: "150502",
    Role.AUDITOR: "150502",
    Role.STREET_ADMIN: "150502001",
    Role.COMMUNITY_ADMIN: "150502001001",
    Role.GRID_CHIEF: "150502001001001",
    Role.GRID_WORKER: "150502001001001",
    Role.RESIDENT: "150502001001001",
    Role.DEPARTMENT_HANDLER: None,  # in the department, which serves district 150502
}
OUTSIDE_UNIT = {
    role: (
        "150521001"
        if unit in ("150502", None)
        else "150502002"
        if unit == "150502001"
        else "150502002001"
        if unit == "150502001001"
        else "150502001001002"
    )
    for role, unit in PERSONA_UNIT.items()
}


@dataclass
class World:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    users: dict[Role, object] = field(default_factory=dict)
    department: Department | None = None


def build_units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, (parent, level, kind, name_zh, name_en, bounds) in UNITS.items():
        geom = box(*bounds)
        units[code] = OrgUnit.objects.create(
            code=code,
            parent=units.get(parent),
            level=level,
            kind=kind,
            name_zh=name_zh,
            name_en=name_en,
            path=path_for_code(code),
            geometry=to_geojson(geom),
            **unit_fields(geom),
        )
    bump_geometry_version()
    return units


def make_user(
    username: str,
    role: Role | None = None,
    unit: OrgUnit | None = None,
    department: Department | None = None,
    **extra,
):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role is not None:
        Membership.objects.create(user=user, role=role, org_unit=unit, department=department)
    return user


def build_world() -> World:
    world = World(units=build_units())
    world.department = Department.objects.create(
        code="urban_mgmt",
        name_zh="城市管理综合执法局",
        name_en="Urban Management",
        org_unit=world.units["150502"],
    )
    for role, code in PERSONA_UNIT.items():
        if role == Role.DEPARTMENT_HANDLER:
            world.users[role] = make_user(role.value, role, department=world.department)
        else:
            world.users[role] = make_user(role.value, role, world.units[code])
    return world
