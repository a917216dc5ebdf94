"""Progress and coverage of a campaign per street, community and grid, read from GridProgress only.

Words used on the pages and in the daily report:
- reached = done + refused + moved: the household needs no further visit (a refusal and a
  household that moved away are settled answers too). "Not at home" is a pending revisit.
- coverage % = reached / total; done rate % = done / total. A unit with no target has neither.

The counts of an area's children come from ONE GROUP BY over the campaign's GridProgress rows,
grouped by the prefix of their org path as long as a child's path (every level adds a fixed-width
segment, so all children of a unit have paths of the same length). Only the rows the user sees
under campaigns.view are summed, so a community admin's street shows their community only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr

from gridgov.access.scope import jurisdiction_paths, path_filter, scoped
from gridgov.campaigns.models import Campaign, GridProgress
from gridgov.campaigns.rights import VIEW
from gridgov.geo.models import Level, OrgUnit

COUNTS = ("total", "done", "not_home", "refused", "moved", "exceptions")


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class Counts:
    total: int = 0
    done: int = 0
    not_home: int = 0
    refused: int = 0
    moved: int = 0
    exceptions: int = 0

    @property
    def pending(self) -> int:
        """Not visited yet (not-at-home households are counted apart, as revisits)."""
        return self.total - self.done - self.not_home - self.refused - self.moved

    @property
    def reached(self) -> int:
        return self.done + self.refused + self.moved

    @property
    def coverage_percent(self) -> int | None:
        return _percent(self.reached, self.total)

    @property
    def done_percent(self) -> int | None:
        return _percent(self.done, self.total)

    def add(self, other: Counts) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        counts: dict[str, Any] = {name: getattr(self, name) for name in COUNTS}
        counts.update(
            pending=self.pending,
            reached=self.reached,
            coverage_percent=self.coverage_percent,
            done_percent=self.done_percent,
        )
        return counts


@dataclass
class Row(Counts):
    """The counts of one child unit of the area shown."""

    unit: OrgUnit = field(default=None)  # type: ignore[assignment]


def visible_campaigns(user) -> QuerySet[Campaign]:
    """Campaigns `user` may follow under campaigns.view: those whose unit lies in the user's
    jurisdiction, and those covering part of it (a community admin follows a district-wide
    screening for their community; the counts they get are scoped per grid)."""
    paths = jurisdiction_paths(user, VIEW)
    if not paths:
        return Campaign.objects.none()
    above = {ancestor for path in paths for ancestor in _ancestors(path)}
    covering = Q(units__path__in=sorted(above)) | path_filter("units__path", paths)
    return Campaign.objects.filter(
        Q(pk__in=scoped(user, Campaign.objects.all(), VIEW).values("pk"))
        | Q(pk__in=Campaign.objects.filter(covering).values("pk"))
    )


def _ancestors(path: str) -> list[str]:
    """`path` itself and every unit above it."""
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _visible_progress(user, campaign: Campaign) -> QuerySet[GridProgress]:
    return scoped(user, GridProgress.objects.filter(campaign=campaign), VIEW)


def default_area(user, campaign: Campaign) -> OrgUnit | None:
    """Where the campaign's page opens for `user`: the campaign's own unit when the user sees
    all of it, else the top of the user's part of it. None: the user sees no part of it."""
    paths = jurisdiction_paths(user, VIEW)
    top = campaign.org_path
    if any(top == p or top.startswith(p + ".") for p in paths):
        return OrgUnit.objects.filter(path=top).first()
    inside = [p for p in paths if p.startswith(top + ".")]
    if not inside:
        return None
    return OrgUnit.objects.filter(path=inside[0]).first()


def area_allowed(user, campaign: Campaign, area: OrgUnit) -> bool:
    """An area may be shown when it lies in the campaign's unit and in the user's jurisdiction
    (a community admin cannot climb to the street above their community)."""
    top = campaign.org_path
    if not (area.path == top or area.path.startswith(top + ".")):
        return False
    return any(area.path == p or area.path.startswith(p + ".") for p in jurisdiction_paths(user, VIEW))


def progress(user, campaign: Campaign, area: OrgUnit | None = None) -> list[Row]:
    """The counts of each child unit of `area` (default: default_area) that holds targets the
    user sees, in path order; for a grid, the grid itself. Two queries whatever the size."""
    area = area or default_area(user, campaign)
    if area is None or not area_allowed(user, campaign, area):
        return []
    length = len(area.path) if area.level == Level.GRID else len(area.path) + 4
    sums = {name: Sum(name) for name in COUNTS}
    grouped = (
        _visible_progress(user, campaign)
        .filter(path_filter("org_path", [area.path]))
        .annotate(prefix=Substr("org_path", 1, length))
        .order_by()
        .values("prefix")
        .annotate(**sums)
    )
    counts = {row["prefix"]: row for row in grouped}
    units = OrgUnit.objects.filter(path__in=list(counts)).order_by("path")
    return [Row(unit=unit, **{name: counts[unit.path][name] or 0 for name in COUNTS}) for unit in units]


def totals(rows: list[Row]) -> Counts:
    summed = Counts()
    for row in rows:
        summed.add(row)
    return summed


def grid_counts(user, campaign: Campaign, area: OrgUnit) -> list[dict[str, Any]]:
    """Each grid of `area` with its counts (no geometry): what the map recolours on every poll."""
    if not area_allowed(user, campaign, area):
        return []
    rows = (
        _visible_progress(user, campaign)
        .filter(path_filter("org_path", [area.path]))
        .order_by("org_path")
        .values("grid_id", *COUNTS)
    )
    return [
        {"id": row["grid_id"], **Counts(**{name: row[name] for name in COUNTS}).as_dict()} for row in rows
    ]


def map_features(user, campaign: Campaign, area: OrgUnit, language: str | None = None) -> dict[str, Any]:
    """GeoJSON of the grids of `area` the user sees, with their counts as properties."""
    if not area_allowed(user, campaign, area):
        return {"type": "FeatureCollection", "features": []}
    rows = (
        _visible_progress(user, campaign)
        .filter(path_filter("org_path", [area.path]))
        .select_related("grid")
        .only("grid__code", "grid__name_zh", "grid__name_en", "grid__geometry", *COUNTS, "org_path")
        .order_by("org_path")
    )
    features = []
    for row in rows:
        if not row.grid.geometry:
            continue
        counts = Counts(**{name: getattr(row, name) for name in COUNTS})
        features.append(
            {
                "type": "Feature",
                "geometry": row.grid.geometry,
                "properties": {
                    "id": row.grid_id,
                    "code": row.grid.code,
                    "name": row.grid.name_for(language),
                    **counts.as_dict(),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def breadcrumb(user, campaign: Campaign, area: OrgUnit) -> list[OrgUnit]:
    """The units from the top the user may open down to `area` (included), in order."""
    paths = [p for p in _ancestors(area.path) if p != area.path]
    above = [
        unit
        for unit in OrgUnit.objects.filter(path__in=paths).order_by("path")
        if area_allowed(user, campaign, unit)
    ]
    return [*above, area]
