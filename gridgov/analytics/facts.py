"""Derive CaseFact rows from cases and their timelines, set-based.

`refresh_case_facts(ids)` reads the cases, their timeline entries, the reporters' roles and the
units of their grids in a fixed number of queries per batch, replaces the facts and marks the
days whose daily rows changed (AggregationMark) for `daily.aggregate_days`.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import h3
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.analytics.measures import DAY_FIELDS
from gridgov.analytics.models import AggregationMark, CaseFact
from gridgov.cases.models import Case, Category, TimelineEntry
from gridgov.cases.states import State
from gridgov.geo.models import OrgUnit

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000
WORKER_ROLES = (Role.GRID_WORKER, Role.GRID_CHIEF)
# Actions that end a timed stage: done after the stage deadline, the case ran late.
STAGE_ENDING = frozenset(
    {"register", "escalate", "dispatch", "return", "handle", "verify", "reopen", "close"}
)
_CASE_FIELDS = (
    "id",
    "grid_id",
    "org_path",
    "category_id",
    "source",
    "urgency",
    "reporter_id",
    "department_id",
    "handling_unit_id",
    "state",
    "level",
    "reported_at",
    "closed_at",
    "self_handled",
    "overdue_count",
    "rating",
    "rated_at",
    "lon",
    "lat",
)
_COMPARED = [f.attname for f in CaseFact._meta.concrete_fields if f.attname not in ("refreshed_at",)]


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _late(at: datetime, details: dict) -> bool:
    deadline = details.get("stage_deadline") if isinstance(details, dict) else None
    if not deadline:
        return False
    parsed = parse_datetime(deadline)
    return parsed is not None and at > parsed


def top_categories() -> dict[int, int]:
    parents = dict(Category.objects.values_list("id", "parent_id"))

    def top(cid: int) -> int:
        seen = 0
        while parents.get(cid) and seen < 10:
            cid, seen = parents[cid], seen + 1
        return cid

    return {cid: top(cid) for cid in parents}


def _units_by_path(paths: set[str]) -> dict[str, int]:
    prefixes = {p[:10] for p in paths} | {p[:14] for p in paths}
    return dict(OrgUnit.objects.filter(path__in=prefixes).values_list("path", "id"))


def build_fact(case: dict, entries: list[tuple], *, top: dict, units: dict, workers: set) -> CaseFact:
    """The fact of one case from its row (`_CASE_FIELDS`) and timeline (at, action, from, to, details)."""
    registered_at = None
    registered_in_time = False
    dispatches = returns = reworks = 0
    first_dispatch = None
    dispatched_in_time = False
    handled_at = None
    handled_in_time = True
    handle_overdue = False
    any_late = False
    reopened = False
    for at, action, from_state, _to_state, details in entries:
        late = action in STAGE_ENDING and _late(at, details)
        any_late = any_late or late
        if action == "self_handle":
            if registered_at is None:  # handled on the spot: registered at once, in time
                registered_at, registered_in_time = at, True
            handled_at = at
        elif action in ("register", "escalate") and from_state == State.REPORTED and registered_at is None:
            registered_at, registered_in_time = at, not late
        elif action == "dispatch":
            dispatches += 1
            if first_dispatch is None:
                first_dispatch, dispatched_in_time = at, not late
        elif action == "return":
            returns += 1
        elif action == "handle":
            handled_at = at
            handled_in_time = handled_in_time and not late
            handle_overdue = handle_overdue or late
        elif action == "reopen":
            reworks += 1
        elif action == "not_fixed":
            reworks += 1
            reopened = True
        elif action == "overdue":
            any_late = True
            if isinstance(details, dict) and details.get("stage") == "handle":
                handle_overdue = True
    state = case["state"]
    closed = state == State.CLOSED
    finished_at = case["closed_at"] if state in (State.CLOSED, State.REJECTED, State.MERGED) else None
    overdue = any_late or case["overdue_count"] > 0
    handling_seconds = None
    if handled_at is not None and first_dispatch is not None and handled_at >= first_dispatch:
        handling_seconds = int((handled_at - first_dispatch).total_seconds())
    path = case["org_path"]
    lat, lon = case["lat"], case["lon"]
    return CaseFact(
        case_id=case["id"],
        grid_id=case["grid_id"],
        community_id=units.get(path[:14]),
        street_id=units.get(path[:10]),
        org_path=path,
        category_id=case["category_id"],
        top_category_id=top.get(case["category_id"], case["category_id"]),
        source=case["source"],
        urgency=case["urgency"],
        reporter_id=case["reporter_id"],
        reporter_is_worker=case["reporter_id"] in workers,
        department_id=case["department_id"],
        handling_unit_id=case["handling_unit_id"],
        state=state,
        level=case["level"],
        reported_at=case["reported_at"],
        reported_on=timezone.localtime(case["reported_at"]).date(),
        valid=state not in (State.REJECTED, State.MERGED),
        rejected=state == State.REJECTED,
        merged=state == State.MERGED,
        registered_at=registered_at,
        registered_in_time=registered_in_time and registered_at is not None,
        self_handled=case["self_handled"],
        dispatched_count=dispatches,
        returned_count=returns,
        first_dispatched_at=first_dispatch,
        dispatched_on=local_day(first_dispatch),
        dispatched_in_time=dispatched_in_time,
        handled_at=handled_at,
        handled_on=local_day(handled_at),
        handled_in_time=handled_at is not None and handled_in_time,
        handle_overdue=handle_overdue,
        handling_seconds=handling_seconds,
        reworks=reworks,
        reopened_after_close=reopened,
        closed=closed,
        closed_at=case["closed_at"] if closed else None,
        closed_on=local_day(case["closed_at"]) if closed else None,
        # Anti-gaming: a closing counts as on time only if no stage ran late, nothing was sent
        # back by the verifier and the resident did not say "not fixed".
        closed_in_time=closed and not overdue and reworks == 0,
        finished_on=local_day(finished_at),
        rating=case["rating"],
        rated_on=local_day(case["rated_at"]) if case["rating"] is not None else None,
        satisfied=(case["rating"] or 0) >= 4,
        overdue=overdue,
        lon=lon,
        lat=lat,
        h3_7=h3_cell(lat, lon, 7),
        h3_9=h3_cell(lat, lon, 9),
    )


def h3_cell(lat: float, lon: float, resolution: int) -> str:
    try:
        return h3.latlng_to_cell(lat, lon, resolution)
    except (ValueError, h3.H3BaseException):
        return ""


def _days_of(fact: CaseFact | None, today: date) -> set[date]:
    if fact is None:
        return set()
    return {d for d in (getattr(fact, name) for name in DAY_FIELDS) if d is not None}


def _open_span(fact: CaseFact | None, today: date) -> tuple[date, date] | None:
    """The days at whose end the case is open: [reported_on, finished_on - 1], up to today."""
    if fact is None:
        return None
    last = fact.finished_on - timedelta(days=1) if fact.finished_on else today
    last = min(last, today)
    return (fact.reported_on, last) if last >= fact.reported_on else None


def _open_days(old: CaseFact | None, new: CaseFact | None, today: date) -> set[date]:
    """Days whose open-at-end count changed: the symmetric difference of the two open spans."""
    a, b = _open_span(old, today), _open_span(new, today)
    if a == b:
        return set()
    if a is None:
        return _range(*b) if b is not None else set()
    if b is None:
        return _range(*a)
    if a[1] < b[0] or b[1] < a[0]:  # disjoint
        return _range(*a) | _range(*b)
    out: set[date] = set()
    if a[0] != b[0]:
        out |= _range(min(a[0], b[0]), max(a[0], b[0]) - timedelta(days=1))
    if a[1] != b[1]:
        out |= _range(min(a[1], b[1]) + timedelta(days=1), max(a[1], b[1]))
    return out


def _range(start: date, end: date) -> set[date]:
    return {start + timedelta(days=i) for i in range((end - start).days + 1)} if end >= start else set()


# The DailyFact dimensions a fact is counted under.
_DIMENSIONS = ("grid_id", "department_id", "top_category_id", "source")


def _moved(a: CaseFact, b: CaseFact) -> bool:
    return any(getattr(a, name) != getattr(b, name) for name in _DIMENSIONS)


def _same(a: CaseFact, b: CaseFact) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in _COMPARED)


def refresh_case_facts(case_ids: Iterable[int], *, mark: bool = True) -> set[date]:
    """Rebuild the facts of `case_ids` (deleting those of cases that no longer exist).

    Returns the local days whose daily rows changed; with `mark` they are also recorded in
    AggregationMark for the next `aggregate_days`.
    """
    ids = sorted(set(case_ids))
    dirty: set[date] = set()
    top = top_categories() if ids else {}
    for start in range(0, len(ids), BATCH_SIZE):
        dirty |= _refresh_batch(ids[start : start + BATCH_SIZE], top)
    if mark and dirty:
        mark_days(dirty)
    return dirty


def _refresh_batch(ids: list[int], top: dict) -> set[date]:
    today = timezone.localdate()
    cases = list(Case.objects.filter(pk__in=ids).values(*_CASE_FIELDS))
    timelines: dict[int, list[tuple]] = defaultdict(list)
    for case_id, *row in (
        TimelineEntry.objects.filter(case_id__in=ids)
        .order_by("case_id", "at", "id")
        .values_list("case_id", "at", "action", "from_state", "to_state", "details")
    ):
        timelines[case_id].append(tuple(row))
    reporters = {c["reporter_id"] for c in cases if c["reporter_id"]}
    workers = set(
        Membership.objects.filter(user_id__in=reporters, role__in=WORKER_ROLES).values_list(
            "user_id", flat=True
        )
    )
    units = _units_by_path({c["org_path"] for c in cases})
    new = {
        c["id"]: build_fact(c, timelines.get(c["id"], []), top=top, units=units, workers=workers)
        for c in cases
    }
    old = {f.case_id: f for f in CaseFact.objects.filter(case_id__in=ids)}
    changed = [i for i in ids if not (i in new and i in old and _same(new[i], old[i]))]
    if not changed:
        return set()
    dirty: set[date] = set()
    for i in changed:
        before, after = old.get(i), new.get(i)
        dirty |= _days_of(before, today) | _days_of(after, today)
        if before is not None and after is not None and _moved(before, after):
            # Its open-at-end count moves to other daily rows on every day it was open.
            dirty |= _range(*(_open_span(before, today) or (today, before.reported_on)))
            dirty |= _range(*(_open_span(after, today) or (today, after.reported_on)))
        else:
            dirty |= _open_days(before, after, today)
    with transaction.atomic():
        CaseFact.objects.filter(case_id__in=changed).delete()
        CaseFact.objects.bulk_create([new[i] for i in changed if i in new], batch_size=1000)
    return dirty


def mark_days(days: Iterable[date]) -> None:
    AggregationMark.objects.bulk_create(
        [AggregationMark(day=d) for d in sorted(set(days))], ignore_conflicts=True, batch_size=1000
    )


# --- Keeping facts current after each workflow action -----------------------------------------

_pending = threading.local()


def schedule_refresh(case_id: int) -> None:
    """Refresh `case_id` once after the current transaction commits (many entries, one refresh)."""
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    ids.add(case_id)
    transaction.on_commit(_flush)


def _flush() -> None:
    ids = getattr(_pending, "ids", None)
    if not ids:
        return
    _pending.ids = set()
    try:
        refresh_case_facts(ids)
    except Exception:  # the action itself committed; the periodic task or rebuild_facts catches up
        logger.exception("Refreshing the facts of cases %s failed", sorted(ids))


def stale_case_ids(limit: int = 100_000) -> list[int]:
    """Cases whose fact is missing or misses a flag the deadline monitor set without a signal."""
    missing = Case.objects.filter(fact__isnull=True).values_list("id", flat=True)[:limit]
    flagged = Case.objects.filter(overdue_count__gt=0, fact__overdue=False).values_list("id", flat=True)[
        :limit
    ]
    handle = Case.objects.filter(alert="red", stage="handle", fact__handle_overdue=False).values_list(
        "id", flat=True
    )[:limit]
    return sorted(set(missing) | set(flagged) | set(handle))
