"""Hotspots: places where the same problem keeps coming back.

Rule: at least HOTSPOT_MIN_CASES valid cases of the same category reported within the
last HOTSPOT_DAYS days inside one H3 resolution-9 cell and its ring-1 neighbours
(a disk of about 500 m across). Counted with one GROUP BY (category, cell) and summed over the
disks in Python; overlapping disks of one category are merged greedily (largest first), so a
cluster is listed once. Ranked by count, then by the most recent report. Each hotspot lists
its cases; the drill-down link opens exactly those.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import h3
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import get_language

from gridgov.analytics.cockpit import Drill, scope_paths, scope_q
from gridgov.analytics.models import CaseFact
from gridgov.cases.models import Category


def min_cases() -> int:
    return int(settings.HOTSPOT_MIN_CASES)


def window_days() -> int:
    return int(settings.HOTSPOT_DAYS)


@dataclass
class Hotspot:
    category_id: int
    category: str
    cell: str  # the centre cell
    cells: list[str]
    count: int
    last_reported: datetime | None
    case_ids: list[int] = field(default_factory=list)
    lat: float = 0.0
    lon: float = 0.0
    url: str = ""


def find_hotspots(
    user,
    *,
    area: str = "",
    today: date | None = None,
    minimum: int | None = None,
    days: int | None = None,
    limit: int = 50,
) -> list[Hotspot]:
    today = today or timezone.localdate()
    minimum = minimum or min_cases()
    days = days or window_days()
    start = today - timedelta(days=days - 1)
    facts = CaseFact.objects.filter(
        scope_q(scope_paths(user, area)), valid=True, reported_on__gte=start, reported_on__lte=today
    ).exclude(h3_9="")
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    latest: dict[tuple[int, str], datetime] = {}
    for row in (
        facts.values("category_id", "h3_9").order_by().annotate(n=Count("case_id"), last=Max("reported_at"))
    ):
        counts[row["category_id"]][row["h3_9"]] = row["n"]
        latest[(row["category_id"], row["h3_9"])] = row["last"]
    found: list[Hotspot] = []
    for category_id, cells in counts.items():
        if sum(cells.values()) < minimum:
            continue
        disks = {}
        for cell in cells:  # centres: only cells with cases (a disk around an empty cell adds nothing new)
            disk = [c for c in h3.grid_disk(cell, 1) if c in cells]
            total = sum(cells[c] for c in disk)
            if total >= minimum:
                disks[cell] = (total, disk)
        used: set[str] = set()
        for cell, (_total, disk) in sorted(disks.items(), key=lambda kv: (-kv[1][0], kv[0])):
            free = [c for c in disk if c not in used]
            total = sum(cells[c] for c in free)
            if total < minimum:
                continue
            used.update(free)
            lat, lon = h3.cell_to_latlng(cell)
            found.append(
                Hotspot(
                    category_id=category_id,
                    category="",
                    cell=cell,
                    cells=sorted(free),
                    count=total,
                    last_reported=max(latest[(category_id, c)] for c in free),
                    lat=lat,
                    lon=lon,
                )
            )
    found.sort(key=lambda h: (-h.count, -(h.last_reported.timestamp() if h.last_reported else 0), h.cell))
    found = found[:limit]
    if not found:
        return []
    # The cases of the hotspots kept (one query), and the category names (one query).
    wanted = {(h.category_id, c) for h in found for c in h.cells}
    by_key: dict[tuple[int, str], list[int]] = defaultdict(list)
    rows = facts.filter(category_id__in={h.category_id for h in found}, h3_9__in={c for _k, c in wanted})
    for case_id, category_id, cell in rows.values_list("case_id", "category_id", "h3_9").order_by("case_id"):
        if (category_id, cell) in wanted:
            by_key[(category_id, cell)].append(case_id)
    language = get_language()
    names = {
        c.pk: c.name_for(language) for c in Category.objects.filter(pk__in={h.category_id for h in found})
    }
    for spot in found:
        spot.category = names.get(spot.category_id, str(spot.category_id))
        spot.case_ids = sorted(i for c in spot.cells for i in by_key[(spot.category_id, c)])
        spot.url = Drill(ids=tuple(spot.case_ids), area=area).url()
    return found
