"""Visit coverage of a community: which households were not visited in the last N days.

A visit that found nobody at home does not count: the household was not actually seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from gridgov.access.scope import path_filter, scoped
from gridgov.geo.models import OrgUnit
from gridgov.patrol.models import Visit
from gridgov.patrol.rights import VIEW
from gridgov.people.models import Household


@dataclass(frozen=True)
class GridCoverage:
    grid: OrgUnit
    households: int
    not_visited: int

    @property
    def visited_percent(self) -> int:
        if not self.households:
            return 100
        return round(100 * (self.households - self.not_visited) / self.households)


@dataclass(frozen=True)
class Coverage:
    area: OrgUnit
    days: int
    since: datetime
    grids: list[GridCoverage]

    @property
    def households(self) -> int:
        return sum(g.households for g in self.grids)

    @property
    def not_visited(self) -> int:
        return sum(g.not_visited for g in self.grids)


def households_in(user, area: OrgUnit) -> QuerySet[Household]:
    """The active households of `area` the user may see under patrol.view."""
    return scoped(user, Household.objects.filter(is_active=True), VIEW).filter(
        path_filter("org_path", [area.path])
    )


def not_visited(user, area: OrgUnit, days: int, *, now: datetime | None = None) -> QuerySet[Household]:
    """Households of `area` with no visit (somebody at home) in the last `days` days, each with
    `last_visit` (None: never visited), the longest unvisited first."""
    since = (now or timezone.now()) - timedelta(days=days)
    recent = Visit.objects.filter(visited_at__gte=since, nobody_home=False).filter(
        path_filter("org_path", [area.path])
    )
    return (
        households_in(user, area)
        .exclude(pk__in=recent.values("household_id"))
        .annotate(last_visit=Max("visits__visited_at", filter=Q(visits__nobody_home=False)))
        .select_related("grid", "house__building", "head")
        .order_by("org_path", "last_visit", "number")
    )


def coverage(user, area: OrgUnit, days: int, *, now: datetime | None = None) -> Coverage:
    now = now or timezone.now()
    totals = dict(
        households_in(user, area).order_by().values("grid").annotate(n=Count("pk")).values_list("grid", "n")
    )
    missing = dict(
        not_visited(user, area, days, now=now)
        .order_by()
        .values("grid")
        .annotate(n=Count("pk"))
        .values_list("grid", "n")
    )
    grids = OrgUnit.objects.filter(pk__in=totals).order_by("path")
    rows = [GridCoverage(grid, totals[grid.pk], missing.get(grid.pk, 0)) for grid in grids]
    return Coverage(area=area, days=days, since=now - timedelta(days=days), grids=rows)
