"""The demo departments and one account per role (plus an outsider), with their memberships."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from gridgov.access.models import Department, Membership
from gridgov.access.roles import Role
from gridgov.geo.models import Level, OrgUnit

# Public on purpose: the demo prints it, and the demo refuses to load into a database with data.
DEFAULT_PASSWORD = "Keerqin-2026"  # noqa: S105


@dataclass(frozen=True)
class Persona:
    username: str
    role: Role
    last_name: str  # a Chinese family name and given name, for the UI
    first_name: str
    # Where the membership is held: "district", "street", "community", "grid", "grid2",
    # "other_grid" (first grid of another street) or a department code.
    where: str


PERSONAS = [
    Persona("district_admin", Role.DISTRICT_ADMIN, "包", "国庆", "district"),
    Persona("dispatcher", Role.DISPATCHER, "刘", "丽娜", "district"),
    Persona("leader", Role.LEADER, "赵", "建华", "district"),
    Persona("auditor", Role.AUDITOR, "孙", "静", "district"),
    Persona("street_admin", Role.STREET_ADMIN, "白", "玉梅", "street"),
    Persona("community_admin", Role.COMMUNITY_ADMIN, "李", "春燕", "community"),
    Persona("grid_chief", Role.GRID_CHIEF, "王", "志刚", "grid"),
    Persona("grid_worker", Role.GRID_WORKER, "其其格", "", "grid"),
    Persona("dept_handler", Role.DEPARTMENT_HANDLER, "张", "伟", "urban_mgmt"),
    Persona("resident", Role.RESIDENT, "陈", "秀英", "grid"),
    Persona("outsider", Role.GRID_WORKER, "巴特尔", "", "other_grid"),
]
# The grid worker also serves the community's second grid.
SECOND_GRID_USERNAME = "grid_worker"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    where: str
    password: str


class DemoError(Exception):
    """The demo cannot be loaded as asked; nothing was written."""


def _first_child(unit: OrgUnit, *, urban: bool = False) -> OrgUnit:
    children = unit.children.order_by("code")
    if urban:
        children = children.filter(kind="subdistrict")
    child = children.first()
    if child is None:
        raise DemoError(_("The demo unit %(code)s has no children.") % {"code": unit.code})
    return child


def anchor_units() -> dict[str, OrgUnit]:
    """The org units the personas sit in: the district, its first urban sub-district and so on."""
    district = OrgUnit.objects.get(level=Level.DISTRICT, code="150502")
    street = _first_child(district, urban=True)
    community = _first_child(street)
    grids = list(community.children.order_by("code")[:2])
    other_street = district.children.filter(kind="subdistrict").exclude(pk=street.pk).order_by("code").first()
    if other_street is None:
        raise DemoError(_("The demo district needs at least two sub-districts."))
    other_grid = _first_child(_first_child(other_street))
    return {
        "district": district,
        "street": street,
        "community": community,
        "grid": grids[0],
        "grid2": grids[-1],
        "other_grid": other_grid,
    }


def check_usernames_free() -> None:
    """Raise DemoError when a demo username is already taken (so nothing gets half-written)."""
    taken = sorted(
        get_user_model()
        .objects.filter(username__in=[p.username for p in PERSONAS])
        .values_list("username", flat=True)
    )
    if taken:
        raise DemoError(_("These demo usernames already exist: %(names)s.") % {"names": ", ".join(taken)})


def create_accounts(
    password: str, units: dict[str, OrgUnit], departments: dict[str, Department]
) -> list[Login]:
    """One user per persona with its membership(s); returns the logins to print."""
    user_model = get_user_model()
    for persona in PERSONAS:
        user = user_model(
            username=persona.username,
            first_name=persona.first_name,
            last_name=persona.last_name,
            # Django admin for the district administrator, but never a superuser: the policy applies.
            is_staff=persona.role == Role.DISTRICT_ADMIN,
        )
        user.set_password(password)
        user.save()
        places = [persona.where]
        if persona.username == SECOND_GRID_USERNAME and units["grid2"].pk != units["grid"].pk:
            places.append("grid2")
        for place in places:
            membership = Membership(user=user, role=persona.role)
            if place in departments:
                membership.department = departments[place]
            else:
                membership.org_unit = units[place]
            membership.clean()
            membership.save()
    return logins_for(password)


def logins_for(password: str) -> list[Login]:
    """The logins as they stand in the database (for a run that loaded nothing)."""
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=[p.username for p in PERSONAS])
        .prefetch_related("memberships__org_unit", "memberships__department")
    }
    streets = {
        u.code: u.name_zh
        for u in OrgUnit.objects.filter(
            code__in={
                m.org_unit.code[:9]
                for u in users.values()
                for m in u.memberships.all()
                if m.org_unit is not None
            }
        )
    }
    logins = []
    for persona in PERSONAS:
        user = users.get(persona.username)
        if user is None:
            continue
        places = []
        for m in sorted(user.memberships.all(), key=lambda m: m.scope_path):
            if m.department is not None:
                places.append(m.department.name_zh)
                continue
            unit = m.org_unit
            if unit is None:
                # Membership.clean() forbids this; a hand-edited row could still have it.
                raise DemoError(
                    _("The membership %(id)s of %(username)s has neither a department nor an org unit.")
                    % {"id": m.pk, "username": persona.username}
                )
            if unit.level > Level.STREET and not places:
                places.append(f"{streets[unit.code[:9]]} {unit.name_zh}")
            else:
                places.append(unit.name_zh)
        logins.append(Login(persona.username, persona.role, " + ".join(places), password))
    return logins
