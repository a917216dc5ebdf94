"""Who a notice or a consultation is for: a resident's home unit and community, and the
residents and households of a unit. The home unit and the household follow the residents app's
rule (residents.accounts): the bound person's grid, else the unit of the resident membership."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.access.roles import Role
from gridgov.access.scope import path_filter
from gridgov.geo.models import Level, OrgUnit
from gridgov.people.models import Household
from gridgov.residents.models import ResidentProfile


def unit_and_ancestor_paths(unit: OrgUnit) -> list[str]:
    return [*unit.ancestor_paths(), unit.path]


def community_of(unit: OrgUnit | None) -> OrgUnit | None:
    """The community (or village) that is `unit` or contains it; None above community level."""
    if unit is None:
        return None
    if unit.level == Level.COMMUNITY:
        return unit
    return OrgUnit.objects.filter(path__in=unit.ancestor_paths(), level=Level.COMMUNITY).first()


def residents_of(path: str) -> QuerySet[ResidentProfile]:
    """Resident accounts living in the unit at `path` or under it (by the home-unit rule)."""
    bound = Q(person__isnull=False) & path_filter("person__org_path", [path])
    unbound = (
        Q(person__isnull=True)
        & Q(user__memberships__role=Role.RESIDENT)
        & path_filter("user__memberships__scope_path", [path])
    )
    return ResidentProfile.objects.filter(bound | unbound).distinct()


def households_of(path: str) -> QuerySet[Household]:
    """The active registry households of the unit at `path` and under it."""
    return Household.objects.filter(path_filter("org_path", [path]), is_active=True)
