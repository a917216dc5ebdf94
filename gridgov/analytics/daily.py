"""Rebuild DailyFact rows for given local days from CaseFact (set-based: GROUP BY per day field).

Each measure of `measures.MEASURES` is counted on its own day field; `open_end` (cases open at
the end of the day) carries forward: open_end(d) = open_end(d - 1) + reported(d) - finished(d),
per (grid, department, top category, source), so a day costs a few indexed GROUP BYs however
old the open cases are. Without the previous day's rows it is counted from scratch once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from gridgov.analytics.measures import MEASURES, open_at_end_of
from gridgov.analytics.models import AggregationMark, CaseFact, DailyFact
from gridgov.analytics.rollup import rollup_days

DIMENSIONS = (
    "grid_id",
    "community_id",
    "street_id",
    "org_path",
    "department_id",
    "top_category_id",
    "source",
)
# The dimensions that identify a daily row besides its day (the set-based rebuild uses them too).
ROW_KEY = ("grid_id", "department_id", "top_category_id", "source")
# The measures grouped by the CaseFact day they count on (reported_on, closed_on, ...).
MEASURES_BY_DAY_FIELD: dict[str, list] = defaultdict(list)
for _m in MEASURES.values():
    MEASURES_BY_DAY_FIELD[_m.day_field].append(_m)


def aggregates_of(measures) -> dict:
    """The ORM aggregates of `measures`, named m_<measure>."""
    out: dict[str, Any] = {}
    for m in measures:
        if m.sum_field:
            out[f"m_{m.name}"] = Sum(m.sum_field, filter=m.condition, default=0)
        else:
            out[f"m_{m.name}"] = Count("case_id", filter=m.condition) if m.condition else Count("case_id")
    return out


def _dims(row: dict) -> tuple:
    return tuple(row[k] for k in ROW_KEY)


def _grouped(qs, day_field: str | None, aggregates: dict) -> list[dict]:
    fields = (day_field, *DIMENSIONS) if day_field else DIMENSIONS
    return list(qs.values(*fields).order_by().annotate(**aggregates))


def aggregate_days(days: Iterable[date]) -> int:
    """Recompute the DailyFact rows of `days` (ascending, so open_end carries) and their roll-up.

    Returns the DailyFact rows written.
    """
    todo = sorted(set(days))
    if not todo:
        return 0
    written = 0
    rows: dict[date, dict[tuple, dict]] = defaultdict(dict)  # day -> dims -> counts
    meta: dict[tuple, dict] = {}  # dims -> the DailyFact dimension fields
    for day_field, measures in MEASURES_BY_DAY_FIELD.items():
        qs = CaseFact.objects.filter(**{f"{day_field}__in": todo})
        for row in _grouped(qs, day_field, aggregates_of(measures)):
            dims = _dims(row)
            meta.setdefault(dims, {k: row[k] for k in DIMENSIONS})
            target = rows[row[day_field]].setdefault(dims, {})
            for m in measures:
                target[m.name] = target.get(m.name, 0) + (row[f"m_{m.name}"] or 0)
    finished: dict[date, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))
    for row in _grouped(
        CaseFact.objects.filter(finished_on__in=todo), "finished_on", {"n": Count("case_id")}
    ):
        meta.setdefault(_dims(row), {k: row[k] for k in DIMENSIONS})
        finished[row["finished_on"]][_dims(row)] += row["n"]
    carried: dict[tuple, int] = {}
    carried_day: date | None = None
    with transaction.atomic():
        # One DELETE for all the days (one per day would scan a table that grows as it is filled).
        DailyFact.objects.filter(day__in=todo).delete()
        for day in todo:
            previous = day - timedelta(days=1)
            if carried_day != previous:
                carried = _open_at(previous, meta)
            counts, ended = rows.get(day, {}), finished.get(day, {})
            dims_today = set(counts) | set(ended)
            open_now: dict[tuple, int] = {}
            for dims in set(carried) | dims_today:
                value = carried.get(dims, 0) + counts.get(dims, {}).get("reported", 0) - ended.get(dims, 0)
                if value:
                    open_now[dims] = value
            objects = [
                DailyFact(day=day, **meta[dims], **counts.get(dims, {}), open_end=open_now.get(dims, 0))
                for dims in dims_today | set(open_now)
            ]
            DailyFact.objects.bulk_create(objects, batch_size=1000)
            written += len(objects)
            carried, carried_day = open_now, day
        rollup_days(todo)
        AggregationMark.objects.filter(day__in=todo).delete()
    return written


def _open_at(day: date, meta: dict) -> dict[tuple, int]:
    """Open cases at the end of `day` per dimensions: from the day's rows if there are any, else counted."""
    out: dict[tuple, int] = {}
    stored = list(DailyFact.objects.filter(day=day).values(*DIMENSIONS, "open_end"))
    if stored:
        for row in stored:
            meta.setdefault(_dims(row), {k: row[k] for k in DIMENSIONS})
            if row["open_end"]:
                out[_dims(row)] = row["open_end"]
        return out
    for row in _grouped(CaseFact.objects.filter(open_at_end_of(day)), None, {"n": Count("case_id")}):
        meta.setdefault(_dims(row), {k: row[k] for k in DIMENSIONS})
        out[_dims(row)] = row["n"]
    return out


def dirty_days() -> list[date]:
    return list(AggregationMark.objects.order_by("day").values_list("day", flat=True))


def catch_up(*, since: date | None = None) -> int:
    """Aggregate the marked days, and every day from the last aggregated one (or `since`) to today."""
    today = timezone.localdate()
    last = DailyFact.objects.filter(day__lte=today).order_by("-day").values_list("day", flat=True).first()
    start = since or (last if last else _first_day())
    days = set(dirty_days())
    if start is not None:
        days |= {start + timedelta(days=i) for i in range((today - start).days + 1)}
    return aggregate_days(days)


def _first_day() -> date | None:
    return CaseFact.objects.order_by("reported_on").values_list("reported_on", flat=True).first()


def today_counts(**filters) -> dict[str, int]:
    """Today's figures straight from CaseFact (the daily rows may lag by one task interval)."""
    today = timezone.localdate()
    aggregates = {}
    for m in MEASURES.values():
        cond = Q(**{m.day_field: today}) & m.condition
        aggregates[f"m_{m.name}"] = (
            Sum(m.sum_field, filter=cond, default=0) if m.sum_field else Count("case_id", filter=cond)
        )
    aggregates["m_open_end"] = Count("case_id", filter=open_at_end_of(today))
    counts = CaseFact.objects.filter(**filters).aggregate(**aggregates)
    return {name[2:]: value or 0 for name, value in counts.items()}
