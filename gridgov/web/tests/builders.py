"""Small builders for web tests: org units laid out as tiles, users with memberships."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from shapely.geometry import box

from gridgov.access.models import Department, Membership
from gridgov.access.roles import Role
from gridgov.geo.geometry import to_geojson, unit_fields
from gridgov.geo.models import Kind, Level, OrgUnit, path_for_code

PASSWORD = "Grid-Test-2024!"
_KIND = {
    Level.DISTRICT: Kind.DISTRICT,
    Level.STREET: Kind.SUBDISTRICT,
    Level.COMMUNITY: Kind.COMMUNITY,
    Level.GRID: Kind.GRID,
}


def make_unit(
    code: str,
    name_zh: str,
    *,
    parent: OrgUnit | None = None,
    name_en: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    is_active: bool = True,
) -> OrgUnit:
    """One org unit; its level follows from the code length and its geometry from `bounds`."""
    level = {6: Level.DISTRICT, 9: Level.STREET, 12: Level.COMMUNITY, 15: Level.GRID}[len(code)]
    fields = {}
    if bounds is not None:
        shape = box(*bounds)
        fields = {"geometry": to_geojson(shape), **unit_fields(shape)}
    return OrgUnit.objects.create(
        code=code,
        parent=parent,
        level=level,
        kind=_KIND[level],
        name_zh=name_zh,
        name_en=name_en,
        path=path_for_code(code),
        is_active=is_active,
        **fields,
    )


def make_district(
    code: str = "150502",
    *,
    streets: int = 2,
    communities: int = 2,
    grids: int = 2,
    origin: tuple[float, float] = (122.20, 43.60),
    size: float = 0.08,
) -> OrgUnit:
    """A district tiled into streets (columns), communities (rows) and grids (columns again)."""
    lon0, lat0 = origin
    district = make_unit(
        code, "测试区", name_en="Test District", bounds=(lon0, lat0, lon0 + size, lat0 + size)
    )
    street_w = size / streets
    for s in range(streets):
        s_lon = lon0 + s * street_w
        street = make_unit(
            f"{code}{s + 1:03d}",
            f"第{s + 1}街道",
            parent=district,
            name_en=f"Street {s + 1}",
            bounds=(s_lon, lat0, s_lon + street_w, lat0 + size),
        )
        community_h = size / communities
        for c in range(communities):
            c_lat = lat0 + c * community_h
            community = make_unit(
                f"{street.code}{c + 1:03d}",
                f"{s + 1}街{c + 1}社区",
                parent=street,
                name_en=f"Community {s + 1}-{c + 1}",
                bounds=(s_lon, c_lat, s_lon + street_w, c_lat + community_h),
            )
            grid_w = street_w / grids
            for g in range(grids):
                g_lon = s_lon + g * grid_w
                make_unit(
                    f"{community.code}{g + 1:03d}",
                    f"{s + 1}-{c + 1}-{g + 1}网格",
                    parent=community,
                    name_en=f"Grid {s + 1}-{c + 1}-{g + 1}",
                    bounds=(g_lon, c_lat, g_lon + grid_w, c_lat + community_h),
                )
    return district


def make_user(
    username: str,
    *memberships: tuple[Role, OrgUnit | Department],
    is_staff: bool = False,
    first_name: str = "",
):
    """A user with the given (role, org unit or department) memberships."""
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=is_staff, first_name=first_name
    )
    for role, where in memberships:
        if isinstance(where, Department):
            Membership.objects.create(user=user, role=role, department=where)
        else:
            Membership.objects.create(user=user, role=role, org_unit=where)
    return user


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)
