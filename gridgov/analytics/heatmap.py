"""Case counts on a map: per H3 cell (resolution 7 or 9, from CaseFact) and per grid.

Both count the cases reported in a period (local days, inclusive), optionally of one top
category, inside the cockpit's scope; every feature carries the drill-down URL of its cases,
so a hexagon's count and its list cannot differ. H3 cells are hexagons of about 5 km² (res 7)
and 0.1 km² (res 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import h3
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import get_language

from gridgov.analytics.cockpit import Drill, scope_paths, scope_q
from gridgov.analytics.models import CaseFact, DailyFact
from gridgov.geo.models import OrgUnit

RESOLUTIONS = (7, 9)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    category: int | None = None  # top category id

    @classmethod
    def default(cls, today: date | None = None, days: int = 30) -> Period:
        today = today or timezone.localdate()
        return cls(today - timedelta(days=days - 1), today)


def cell_polygon(cell: str) -> dict:
    """The GeoJSON polygon of an H3 cell (h3 gives (lat, lng) pairs; GeoJSON wants lng, lat)."""
    ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def cell_counts(user, period: Period, *, resolution: int = 9, area: str = "") -> dict[str, int]:
    field = f"h3_{resolution if resolution in RESOLUTIONS else 9}"
    facts = CaseFact.objects.filter(
        scope_q(scope_paths(user, area)), reported_on__gte=period.start, reported_on__lte=period.end
    )
    if period.category is not None:
        facts = facts.filter(top_category_id=period.category)
    rows = facts.values(field).order_by().annotate(n=Count("case_id"))
    return {row[field]: row["n"] for row in rows}


def hexagons(user, period: Period, *, resolution: int = 9, area: str = "") -> dict:
    """A FeatureCollection of the cells with cases: properties cell, count, url."""
    features = []
    for cell, n in sorted(cell_counts(user, period, resolution=resolution, area=area).items()):
        if not cell:
            continue  # a case outside H3's domain (never in the district): no hexagon
        drill = Drill(
            m="reported", start=period.start, end=period.end, cat=period.category, cell=cell, area=area
        )
        features.append(
            {
                "type": "Feature",
                "geometry": cell_polygon(cell),
                "properties": {"cell": cell, "count": n, "url": drill.url()},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def grid_counts(user, period: Period, *, area: str = "", today: date | None = None) -> dict[int, int]:
    """Reported cases per grid: past days from DailyFact, today from CaseFact."""
    today = today or timezone.localdate()
    paths = scope_paths(user, area)
    counts: dict[int, int] = {}
    daily = DailyFact.objects.filter(
        scope_q(paths), day__gte=period.start, day__lte=min(period.end, today - timedelta(days=1))
    )
    facts = CaseFact.objects.filter(scope_q(paths), reported_on=today)
    if period.category is not None:
        daily = daily.filter(top_category_id=period.category)
        facts = facts.filter(top_category_id=period.category)
    for row in daily.values("grid_id").order_by().annotate(n=Sum("reported")):
        counts[row["grid_id"]] = counts.get(row["grid_id"], 0) + (row["n"] or 0)
    if period.start <= today <= period.end:
        for row in facts.values("grid_id").order_by().annotate(n=Count("case_id")):
            counts[row["grid_id"]] = counts.get(row["grid_id"], 0) + row["n"]
    return {k: v for k, v in counts.items() if v}


def grid_choropleth(user, period: Period, *, area: str = "") -> dict:
    """A FeatureCollection of the grids with cases (their OrgUnit geometry): code, name, count, url."""
    counts = grid_counts(user, period, area=area)
    language = get_language()
    features = []
    for unit in OrgUnit.objects.filter(pk__in=list(counts)).only(
        "id", "code", "name_zh", "name_en", "geometry"
    ):
        drill = Drill(
            m="reported", start=period.start, end=period.end, cat=period.category, grid=unit.pk, area=area
        )
        features.append(
            {
                "type": "Feature",
                "geometry": unit.geometry,
                "properties": {
                    "code": unit.code,
                    "name": unit.name_for(language),
                    "count": counts[unit.pk],
                    "url": drill.url(),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
