"""Rebuild every CaseFact and DailyFact row set-based, in PostgreSQL (INSERT … SELECT).

`refresh_case_facts` (facts.py) builds facts case by case in Python: right for the live stream
of changes and the reference definition, but ~500 cases/s. A full rebuild (old data, a changed
definition, a benchmark) runs here instead, with the same definitions written in SQL:

- the facts, per range of `CHUNK` case ids (bounded memory, one transaction each): the case row,
  one GROUP BY over its timeline (the flags of `build_fact`), the street and community found by
  path prefix, the top category and the reporter's role from small temporary tables filled by
  the Python helpers of facts.py, and the H3 cells of every distinct (lon, lat) computed once by
  the h3 library and copied into a temporary table (h3 does not run in the database);
- then the daily rows in one statement: the GROUP BYs of `measures.MEASURES` (compiled from the
  same querysets as daily.py) per day field, and open_end carried forward with a running sum per
  (grid, department, top category, source), exactly as `aggregate_days` carries it day by day.

gridgov/analytics/tests/test_bulk.py checks that both builds give the same rows, column by column.
"""

# ruff: noqa: S608  (SQL text from model column names and our own constants; values are parameters)
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Value
from django.utils import timezone

from gridgov.analytics.daily import DIMENSIONS, MEASURES_BY_DAY_FIELD, ROW_KEY, aggregates_of
from gridgov.analytics.facts import STAGE_ENDING, WORKER_ROLES, h3_cell, top_categories
from gridgov.analytics.measures import MEASURES
from gridgov.analytics.models import AggregationMark, CaseFact, DailyFact
from gridgov.analytics.rollup import rebuild_rollup
from gridgov.cases.states import State

CHUNK = 500_000  # case ids per INSERT … SELECT: ~4 M timeline rows to sort, well inside work_mem below
WORK_MEM = "256MB"


class NotPostgreSQL(RuntimeError):
    """The set-based rebuild needs PostgreSQL (SQLite uses refresh_case_facts)."""


@dataclass
class Rebuilt:
    facts: int
    orphans: int
    daily_rows: int


def rebuild_all(*, chunk: int = CHUNK, progress: Callable[[int], None] | None = None) -> Rebuilt:
    """Replace every CaseFact and DailyFact row; clear the AggregationMarks.

    Raises NotPostgreSQL on any other database (as do the two steps below).
    """
    facts, orphans = rebuild_case_facts(chunk=chunk, progress=progress)
    return Rebuilt(facts=facts, orphans=orphans, daily_rows=rebuild_daily_facts())


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise NotPostgreSQL("The set-based fact rebuild runs on PostgreSQL only.")


def _session_settings(cursor) -> None:
    """For this transaction: room to sort and hash in memory, and no JIT (compiling these large
    statements costs seconds, more than it saves)."""
    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    cursor.execute("SET LOCAL jit = off")


# --- CaseFact ---------------------------------------------------------------------------------


def _q(values) -> str:
    """A SQL list of string literals (our own constants only: states, actions, roles)."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in sorted(values))


def _local(column: str) -> str:
    return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')::date"


# Per timeline entry: did this action end a stage after the deadline that applied before it?
_LATE = (
    f"(t.action IN ({_q(STAGE_ENDING)}) AND "
    "coalesce(t.at > nullif(t.details->>'stage_deadline', '')::timestamptz, false))"
)
_REGISTERS = (
    "(t.action = 'self_handle' OR "
    f"t.action IN ('register', 'escalate') AND t.from_state = '{State.REPORTED}')"
)
# "The first entry of a kind" by (at, id) as Python reads the timeline, and its in-time flag:
# min() over [microseconds, id, flag] arrays keeps it a plain (hashable) aggregate.
_FIRST = "min(ARRAY[(extract(epoch FROM t.at) * 1000000)::bigint, t.id, {flag}]) FILTER (WHERE {when})"
_FIRST_REGISTRATION = _FIRST.format(
    flag="CASE WHEN t.action = 'self_handle' OR NOT late THEN 1 ELSE 0 END", when=_REGISTERS
)
_FIRST_DISPATCH = _FIRST.format(flag="CASE WHEN late THEN 0 ELSE 1 END", when="t.action = 'dispatch'")

_TIMELINE = f"""
SELECT t.case_id,
  min(t.at) FILTER (WHERE {_REGISTERS}) AS registered_at,
  {_FIRST_REGISTRATION} AS first_registration,
  count(*) FILTER (WHERE t.action = 'dispatch') AS dispatches,
  count(*) FILTER (WHERE t.action = 'return') AS returns,
  min(t.at) FILTER (WHERE t.action = 'dispatch') AS first_dispatch,
  {_FIRST_DISPATCH} AS first_dispatch_row,
  max(t.at) FILTER (WHERE t.action IN ('handle', 'self_handle')) AS handled_at,
  bool_or(late) FILTER (WHERE t.action = 'handle') AS handle_late,
  bool_or(t.action = 'handle' AND late OR t.action = 'overdue' AND t.details->>'stage' = 'handle')
    AS handle_overdue,
  bool_or(late OR t.action = 'overdue') AS any_late,
  count(*) FILTER (WHERE t.action IN ('reopen', 'not_fixed')) AS reworks,
  bool_or(t.action = 'not_fixed') AS reopened
FROM (SELECT t.*, {_LATE} AS late FROM cases_timelineentry t
      WHERE t.case_id >= %(lo)s AND t.case_id < %(hi)s) t
GROUP BY t.case_id
"""

_FINISHED = _q([State.CLOSED, State.REJECTED, State.MERGED])
_OVERDUE = "(coalesce(tl.any_late, false) OR c.overdue_count > 0)"
_CLOSED = f"(c.state = '{State.CLOSED}')"
_HANDLED_AT = "tl.handled_at"
# Column -> expression over the case `c`, its timeline aggregate `tl`, units `cu`/`su`, `h` cells.
_EXPRESSIONS = {
    "case_id": "c.id",
    "grid_id": "c.grid_id",
    "community_id": "cu.id",
    "street_id": "su.id",
    "org_path": "c.org_path",
    "category_id": "c.category_id",
    "top_category_id": "coalesce(tc.top_id, c.category_id)",
    "source": "c.source",
    "urgency": "c.urgency",
    "reporter_id": "c.reporter_id",
    "reporter_is_worker": "(w.user_id IS NOT NULL)",
    "department_id": "c.department_id",
    "handling_unit_id": "c.handling_unit_id",
    "state": "c.state",
    "level": "c.level",
    "reported_at": "c.reported_at",
    "reported_on": _local("c.reported_at"),
    "valid": f"(c.state NOT IN ({_q([State.REJECTED, State.MERGED])}))",
    "rejected": f"(c.state = '{State.REJECTED}')",
    "merged": f"(c.state = '{State.MERGED}')",
    "registered_at": "tl.registered_at",
    "registered_in_time": "coalesce(tl.first_registration[3] = 1, false)",
    "self_handled": "c.self_handled",
    "dispatched_count": "coalesce(tl.dispatches, 0)",
    "returned_count": "coalesce(tl.returns, 0)",
    "first_dispatched_at": "tl.first_dispatch",
    "dispatched_on": _local("tl.first_dispatch"),
    "dispatched_in_time": "coalesce(tl.first_dispatch_row[3] = 1, false)",
    "handled_at": _HANDLED_AT,
    "handled_on": _local(_HANDLED_AT),
    "handled_in_time": f"({_HANDLED_AT} IS NOT NULL AND NOT coalesce(tl.handle_late, false))",
    "handle_overdue": "coalesce(tl.handle_overdue, false)",
    # int(timedelta.total_seconds()) truncates: floor of the exact (numeric) difference.
    "handling_seconds": (
        f"CASE WHEN {_HANDLED_AT} >= tl.first_dispatch THEN "
        f"floor(extract(epoch FROM {_HANDLED_AT}) - extract(epoch FROM tl.first_dispatch))::bigint END"
    ),
    "reworks": "coalesce(tl.reworks, 0)",
    "reopened_after_close": "coalesce(tl.reopened, false)",
    "closed": _CLOSED,
    "closed_at": f"CASE WHEN {_CLOSED} THEN c.closed_at END",
    "closed_on": f"CASE WHEN {_CLOSED} THEN {_local('c.closed_at')} END",
    "closed_in_time": f"({_CLOSED} AND NOT {_OVERDUE} AND coalesce(tl.reworks, 0) = 0)",
    "finished_on": f"CASE WHEN c.state IN ({_FINISHED}) THEN {_local('c.closed_at')} END",
    "rating": "c.rating",
    "rated_on": f"CASE WHEN c.rating IS NOT NULL THEN {_local('c.rated_at')} END",
    "satisfied": "(coalesce(c.rating, 0) >= 4)",
    "overdue": _OVERDUE,
    "lon": "c.lon",
    "lat": "c.lat",
    "h3_7": "h.h3_7",
    "h3_9": "h.h3_9",
    "refreshed_at": "now()",
}
_COLUMNS = [f.column for f in CaseFact._meta.concrete_fields]
assert set(_COLUMNS) == set(_EXPRESSIONS), "every CaseFact column needs its SQL expression"

_INSERT_FACTS = f"""
INSERT INTO analytics_casefact ({", ".join(_COLUMNS)})
SELECT {", ".join(_EXPRESSIONS[c] for c in _COLUMNS)}
FROM cases_case c
LEFT JOIN ({_TIMELINE}) tl ON tl.case_id = c.id
LEFT JOIN geo_orgunit cu ON cu.path = left(c.org_path, 14)
LEFT JOIN geo_orgunit su ON su.path = left(c.org_path, 10)
LEFT JOIN bulk_top tc ON tc.category_id = c.category_id
LEFT JOIN bulk_worker w ON w.user_id = c.reporter_id
JOIN bulk_cell h ON h.lon = c.lon AND h.lat = c.lat
WHERE c.id >= %(lo)s AND c.id < %(hi)s
"""


def rebuild_case_facts(
    *, chunk: int = CHUNK, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Replace every CaseFact row, per range of case ids. Returns (facts written, orphans removed)."""
    _require_postgresql()
    written = 0
    with connection.cursor() as cursor:
        _lookup_tables(cursor)
        cursor.execute(
            "SELECT least((SELECT min(id) FROM cases_case), (SELECT min(case_id) FROM analytics_casefact)), "
            "greatest((SELECT max(id) FROM cases_case), (SELECT max(case_id) FROM analytics_casefact)), "
            "(SELECT count(*) FROM analytics_casefact f WHERE NOT EXISTS "
            " (SELECT 1 FROM cases_case c WHERE c.id = f.case_id))"
        )
        lo, last, orphans = cursor.fetchone()
        hi_end = (last or 0) + 1
        lo = lo or hi_end
        while lo < hi_end:
            hi = lo + chunk
            bounds = {"lo": lo, "hi": hi}
            _add_cells(cursor, bounds)
            with transaction.atomic():
                _session_settings(cursor)
                cursor.execute(
                    "DELETE FROM analytics_casefact WHERE case_id >= %(lo)s AND case_id < %(hi)s", bounds
                )
                cursor.execute(_INSERT_FACTS, bounds)
                written += cursor.rowcount
            if progress is not None:
                progress(written)
            lo = hi
        for table in ("bulk_top", "bulk_worker", "bulk_cell"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return written, orphans


def _lookup_tables(cursor) -> None:
    """Temporary tables of the small lookups facts.py computes in Python (same helpers)."""
    for table in ("bulk_top", "bulk_worker", "bulk_cell"):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute("CREATE TEMP TABLE bulk_top (category_id bigint PRIMARY KEY, top_id bigint)")
    tops = top_categories()
    if tops:
        cursor.executemany("INSERT INTO bulk_top VALUES (%s, %s)", list(tops.items()))
    cursor.execute(
        "CREATE TEMP TABLE bulk_worker AS SELECT DISTINCT user_id FROM access_membership "
        f"WHERE role IN ({_q(WORKER_ROLES)})"
    )
    cursor.execute("ALTER TABLE bulk_worker ADD PRIMARY KEY (user_id)")
    cursor.execute(
        "CREATE TEMP TABLE bulk_cell (lon float8, lat float8, h3_7 text NOT NULL, h3_9 text NOT NULL, "
        "PRIMARY KEY (lon, lat))"
    )
    cursor.execute("ANALYZE bulk_top")
    cursor.execute("ANALYZE bulk_worker")


def _add_cells(cursor, bounds: dict) -> None:
    """H3 cells (resolutions 7 and 9) of the places of the cases in `bounds` not seen yet."""
    cursor.execute(
        "SELECT DISTINCT c.lon, c.lat FROM cases_case c WHERE c.id >= %(lo)s AND c.id < %(hi)s "
        "AND NOT EXISTS (SELECT 1 FROM bulk_cell h WHERE h.lon = c.lon AND h.lat = c.lat)",
        bounds,
    )
    places = cursor.fetchall()
    if not places:
        return
    with cursor.copy("COPY bulk_cell (lon, lat, h3_7, h3_9) FROM STDIN") as copy:
        for lon, lat in places:
            copy.write_row((lon, lat, h3_cell(lat, lon, 7), h3_cell(lat, lon, 9)))
    cursor.execute("ANALYZE bulk_cell")


# --- DailyFact --------------------------------------------------------------------------------


def _events_sql(first: date, today: date) -> tuple[str, list]:
    """One row per (day, dimensions) and day field: every measure's count (0 off its day field), and
    the cases finished that day — the GROUP BYs of `aggregate_days`, compiled from the same querysets."""
    names = list(MEASURES)
    parts, params = [], []
    groups = [(field, aggregates_of(measures)) for field, measures in MEASURES_BY_DAY_FIELD.items()]
    groups.append(("finished_on", {"m_ended": Count("case_id")}))
    for day_field, aggregates in groups:
        zero = {
            f"m_{name}": Value(0, output_field=IntegerField())
            for name in [*names, "ended"]
            if f"m_{name}" not in aggregates
        }
        qs = (
            CaseFact.objects.filter(**{f"{day_field}__gte": first, f"{day_field}__lte": today})
            .values(day_field, *DIMENSIONS)
            .order_by()
            .annotate(**aggregates)
            .annotate(**zero)
        )
        sql, part_params = qs.query.sql_with_params()
        columns = ", ".join(f"m_{name}" for name in [*names, "ended"])
        parts.append(f"SELECT {day_field} AS day, {', '.join(DIMENSIONS)}, {columns} FROM ({sql}) AS q")
        params.extend(part_params)
    return " UNION ALL ".join(parts), params


def rebuild_daily_facts(today: date | None = None) -> int:
    """Replace every DailyFact row, from the first reported day to `today` (default: local today),
    and the roll-up derived from them (rollup.py).

    The rows `catch_up(since=first reported day)` writes after deleting all: a row per day and
    (grid, department, top category, source) with an event that day, or cases open at its end.
    """
    _require_postgresql()
    today = today or timezone.localdate()
    first = CaseFact.objects.order_by("reported_on").values_list("reported_on", flat=True).first()
    with transaction.atomic(), connection.cursor() as cursor:
        _session_settings(cursor)
        DailyFact.objects.all().delete()
        AggregationMark.objects.all().delete()
        if first is None or first > today:
            rebuild_rollup()
            return 0
        events, params = _events_sql(first, today)
        key = ", ".join(ROW_KEY)
        meta = [d for d in DIMENSIONS if d not in ROW_KEY]
        measures = list(MEASURES)
        sums = ", ".join(f"sum(m_{name}) AS {name}" for name in measures)
        # A key's community, street and path: one value per key on every day (the first seen, in
        # daily.py; they agree whenever the grid's path does).
        meta_cols = ", ".join(f"min(min({d})) OVER (PARTITION BY {key}) AS {d}" for d in meta)
        columns = ["day", *ROW_KEY, *meta, *measures, "open_end"]
        zeros = ", ".join("0" for _ in measures)
        cursor.execute(
            f"""
            WITH day_rows AS (
              SELECT day, {key}, {meta_cols}, {sums}, sum(m_ended) AS ended
              FROM ({events}) AS e GROUP BY day, {key}
            ), carried AS (
              SELECT *,
                sum(reported - ended) OVER (PARTITION BY {key} ORDER BY day) AS open_end,
                lead(day) OVER (PARTITION BY {key} ORDER BY day) AS next_day
              FROM day_rows
            )
            INSERT INTO analytics_dailyfact ({", ".join(columns)})
            SELECT {", ".join(columns)} FROM carried
            UNION ALL
            SELECT g.day::date, {key}, {", ".join(meta)}, {zeros}, open_end
            FROM carried, generate_series(
              (day + 1)::timestamp, coalesce(next_day - 1, %s::date)::timestamp, interval '1 day'
            ) AS g(day)
            WHERE open_end <> 0
            """,
            [*params, today],
        )
        written = cursor.rowcount
        rebuild_rollup()  # the cockpit's per-community sums of the same rows, in the same transaction
        return written
