"""Read-side queries for org units, always through access.scope (pages and API share them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.access.scope import jurisdiction_paths, scoped
from gridgov.geo.models import Level, OrgUnit

VIEW_UNITS = "geo.view_units"
# Every path segment below the district is a dot and three digits.
_SEGMENT = 4


@dataclass(frozen=True)
class JurisdictionSummary:
    streets: int
    communities: int
    grids: int
    area_m2: float | None


def visible_units(user) -> QuerySet[OrgUnit]:
    """Active org units the user may see."""
    return scoped(user, OrgUnit.objects.active(), VIEW_UNITS)


def jurisdiction_roots(user) -> QuerySet[OrgUnit]:
    """The top units of the user's jurisdiction (where their memberships sit)."""
    return visible_units(user).filter(path__in=jurisdiction_paths(user, VIEW_UNITS)).order_by("path")


def summarize(user) -> JurisdictionSummary:
    """Counts of streets, communities and grids, and the area of the jurisdiction, in one query."""
    roots = jurisdiction_paths(user, VIEW_UNITS)
    totals = visible_units(user).aggregate(
        streets=Count("pk", filter=Q(level=Level.STREET)),
        communities=Count("pk", filter=Q(level=Level.COMMUNITY)),
        grids=Count("pk", filter=Q(level=Level.GRID)),
        area=Sum("area_m2", filter=Q(path__in=roots)),
    )
    return JurisdictionSummary(totals["streets"], totals["communities"], totals["grids"], totals["area"])


def in_scope_ancestors(user, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors the user may see, top first (a street admin does not see the district)."""
    return list(visible_units(user).filter(path__in=unit.ancestor_paths()).order_by("level"))


def grid_counts_below(user, parent: OrgUnit | None, children: list[OrgUnit]) -> dict[str, int]:
    """Number of active grids under each child (a grid counts itself), keyed by child path."""
    if not children:
        return {}
    counts = {child.path: 1 if child.is_grid else 0 for child in children}
    non_grids = [child for child in children if not child.is_grid]
    by_length: dict[int, list[str]] = {}
    for child in non_grids:
        by_length.setdefault(len(child.path), []).append(child.path)
    for length, paths in by_length.items():
        # Group the grids by the prefix that is their child's path: one query per path length.
        rows = (
            visible_units(user)
            .filter(level=Level.GRID)
            .annotate(prefix=Substr("path", 1, length))
            .filter(prefix__in=paths)
            .values("prefix")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[row["prefix"]] = row["n"]
    return counts


def children_of(user, unit: OrgUnit) -> list[OrgUnit]:
    return list(visible_units(user).filter(parent=unit).order_by("path"))


def staff_of(unit: OrgUnit, limit: int = 500) -> list[Membership]:
    """Staff memberships held at this unit or below it (the caller checks geo.view_staff).

    Residents are members too but not staff: they are left out.
    """
    return list(
        Membership.objects.filter(Q(org_unit__path=unit.path) | Q(org_unit__path__startswith=unit.path + "."))
        .exclude(role=Role.RESIDENT)
        .select_related("user", "org_unit")
        .order_by("org_unit__path", "role", "user__username")[:limit]
    )
