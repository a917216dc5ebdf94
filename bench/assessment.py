"""The monthly assessment of every grid worker against the equivalent raw GROUP BY on the base tables.

Run as `.venv/bin/python bench/assessment.py [--cases N] [--residents N] [--runs 5] [--scale district]`
(or through bench/run.py). It creates a throwaway PostgreSQL database on 127.0.0.1:5432, loads the
demo district (`--scale district`: ~1,300 grids; `small` for a quick look), gives every grid a
grid worker, and then, server-side (INSERT … SELECT over generate_series):

- N cases (default 5,000,000) over 400 days before 15 April 2026, 40 % reported by the grid's
  worker, with a timeline per case (report, register, dispatch, accept, handle, verify, close,
  and some returns, reworks, late stages and ratings), `details.stage_deadline` as the workflow
  writes it;
- R residents (default 1,000,000) in households of 2–3, household visits and registry edits
  (audit log) in the assessed month, and a campaign's progress per grid.

The facts are built with the fact layer's own code: `gridgov.analytics.bulk` (what
`manage.py rebuild_facts` runs on PostgreSQL: INSERT … SELECT per 500,000 case ids with the
definitions of `build_fact`, then the daily rows in one statement), as a bulk load (the secondary
indexes of CaseFact and DailyFact dropped during the load and rebuilt after it; the time includes
the rebuild).
Then, alternately, `--runs` times each:

- assessment: `gridgov.assessment.compute.indicators_for("worker", March 2026)` — every indicator
  of every grid worker (set-based: a GROUP BY reporter over CaseFact, GROUP BY grid over the
  registry, visits and campaign progress), with scores, grades and ranks;
- raw: the same figures as hand-written GROUP BY queries over cases_case and
  cases_timelineentry (the in-time and rework flags recomputed from the timeline) and the same
  registry/visit/campaign tables.

Prints RESULT lines: p50 of both, their ratio (target <= 2x), and the assessment with its
period-on-period and year-on-year comparisons. A check compares both answers first.
"""

# ruff: noqa: E501  (long lines are SQL text, kept whole for reading)
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import configure_django, throwaway_database  # noqa: E402

LOCAL = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 4, 15, 12, 0, tzinfo=LOCAL)
MONTH = date(2026, 3, 1)
HISTORY_MINUTES = 400 * 1440


def _insert(table: str, model, expressions: dict[str, str], source: str, params: dict) -> None:
    """INSERT INTO table SELECT <an expression or a typed default for every column> FROM source."""
    from django.db import connection, models

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in expressions:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in expressions:
            values.append(expressions[field.attname])
        elif field.null:
            values.append("NULL")
        elif isinstance(field, models.BooleanField):
            values.append("false")
        elif isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
            values.append("0")
        elif isinstance(field, models.JSONField):
            values.append("'{}'::jsonb")
        elif isinstance(field, models.DateTimeField):
            values.append("%(now)s")
        elif isinstance(field, models.DateField):
            values.append("%(now)s::date")
        else:
            values.append("''")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": NOW, **params})


def prepare_grids() -> int:
    """A grid worker in every grid (the demo staffs a few); a lookup table of the grids."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from gridgov.access.models import Membership
    from gridgov.access.roles import Role
    from gridgov.geo.models import Level, OrgUnit

    grids = list(OrgUnit.objects.filter(level=Level.GRID).order_by("code"))
    staffed = set(Membership.objects.filter(role=Role.GRID_WORKER).values_list("org_unit_id", flat=True))
    users = get_user_model()
    new = [users(username=f"bench_worker_{g.code}") for g in grids if g.pk not in staffed]
    users.objects.bulk_create(new, batch_size=1000)
    by_name = dict(users.objects.filter(username__startswith="bench_worker_").values_list("username", "pk"))
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=by_name[f"bench_worker_{g.code}"],
                role=Role.GRID_WORKER,
                org_unit=g,
                scope_path=g.path,
            )
            for g in grids
            if g.pk not in staffed
        ],
        batch_size=1000,
    )
    worker_of = {}
    for m in Membership.objects.filter(role=Role.GRID_WORKER, org_unit__level=Level.GRID).order_by("pk"):
        worker_of.setdefault(m.org_unit_id, m.user_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_grid (i int PRIMARY KEY, id bigint, path text, community bigint, worker bigint)"
        )
        communities = dict(OrgUnit.objects.filter(level=Level.COMMUNITY).values_list("path", "id"))
        cursor.executemany(
            "INSERT INTO bench_grid VALUES (%s, %s, %s, %s, %s)",
            [(i, g.pk, g.path, communities[g.path[:14]], worker_of[g.pk]) for i, g in enumerate(grids)],
        )
    return len(grids)


@contextmanager
def bulk_load(*tables: str) -> Iterator[None]:
    """Load `tables` without their secondary indexes and foreign keys, then rebuild them in one pass each."""
    from django.db import connection

    saved = []
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'f'",
                [table],
            )
            keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conindid "
                " WHERE k.conrelid = %s::regclass)",
                [table, table],
            )
            indexes = cursor.fetchall()
            for name, _definition in keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            saved.append((table, keys, indexes))
    yield
    with connection.cursor() as cursor:
        for table, keys, indexes in saved:
            for _name, definition in indexes:
                cursor.execute(definition)
            for name, definition in keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(f"ANALYZE {table}")


def insert_cases(count: int, grids: int) -> None:
    from gridgov.access.models import Department
    from gridgov.cases.models import Case, Category, TimelineEntry

    categories = list(
        Category.objects.filter(parent__isnull=False).order_by("code").values_list("id", flat=True)
    )
    department = Department.objects.order_by("id").values_list("id", flat=True).first()
    b = "mod(g * 7, 100)"
    reported = f"(%(now)s - (mod(g::bigint * 7919, {HISTORY_MINUTES}) + 1440) * interval '1 minute')"
    # b < 2: reported; < 3: rejected; < 4: merged; < 6: in progress; < 7: handled; else closed. As in
    # a district that keeps up, cases older than 30 days are finished: the open ones are closed.
    recent = f"{reported} > %(now)s - interval '30 days'"
    state = (
        f"CASE WHEN {b} < 2 AND {recent} THEN 'reported' WHEN {b} < 2 THEN 'rejected' "
        f"WHEN {b} < 3 THEN 'rejected' WHEN {b} < 4 THEN 'merged' "
        f"WHEN {b} < 6 AND {recent} THEN 'in_progress' WHEN {b} < 7 AND {recent} THEN 'handled' ELSE 'closed' END"
    )
    closed_at = f"({reported} + (122 + mod(g, 70)) * interval '1 hour')"
    _insert(
        "cases_case",
        Case,
        {
            "number": "'150502-AS-' || lpad(g::text, 9, '0')",
            "source": "CASE WHEN mod(g, 10) < 4 THEN 'patrol' ELSE 'hotline' END",
            "category_id": f"(ARRAY{categories}::bigint[])[1 + mod(g, {len(categories)})]",
            "urgency": "'normal'",
            "description": "'bench #' || g",
            "lon": "122.1",
            "lat": "43.6",
            "grid_id": "bg.id",
            "org_path": "bg.path",
            "level": "3",
            "responsible_unit_id": "bg.community",
            "state": state,
            "reporter_id": "CASE WHEN mod(g, 10) < 4 THEN bg.worker END",
            "self_handled": "mod(g, 50) = 7",
            "department_id": f"CASE WHEN {b} >= 4 THEN {department or 'NULL'} END",
            "reported_at": reported,
            "closed_at": f"CASE WHEN ({state}) IN ('rejected', 'merged') THEN {reported} + interval '1 hour' "
            f"WHEN ({state}) = 'closed' THEN {closed_at} END",
            "rating": f"CASE WHEN ({state}) = 'closed' AND mod(g, 3) = 0 THEN 1 + mod(g, 5) END",
            "rated_at": f"CASE WHEN ({state}) = 'closed' AND mod(g, 3) = 0 THEN {closed_at} + interval '1 hour' END",
            "updated_at": "%(now)s",
            "version": "6",
        },
        f"generate_series(1, %(count)s) AS g JOIN bench_grid bg ON bg.i = mod(g, {grids})",
        {"count": count},
    )
    # The timeline: one INSERT per step, each over the cases that took it.
    # (action, from, to, minutes after the report, deadline minutes after the report, which cases)
    late_register = "CASE WHEN mod(c.id, 17) = 0 THEN 200 ELSE 30 END"
    late_handle = "CASE WHEN mod(c.id, 23) = 0 THEN 6000 ELSE 600 END"
    past_dispatch = "c.state IN ('in_progress', 'handled', 'closed')"
    steps = [
        ("report", "", "reported", "0", None, "true"),
        ("reject", "reported", "rejected", "60", "120", "c.state = 'rejected'"),
        (
            "register",
            "reported",
            "registered",
            late_register,
            "120",
            "c.state NOT IN ('reported', 'rejected')",
        ),
        ("merge", "registered", "merged", "90", "240", "c.state = 'merged'"),
        ("dispatch", "registered", "dispatched", "240", "250", past_dispatch),
        ("return", "dispatched", "returned", "250", "4560", f"{past_dispatch} AND mod(c.id, 13) = 0"),
        ("dispatch", "returned", "dispatched", "260", "370", f"{past_dispatch} AND mod(c.id, 13) = 0"),
        ("accept", "dispatched", "in_progress", "300", "4560", past_dispatch),
        ("handle", "in_progress", "handled", late_handle, "4560", "c.state IN ('handled', 'closed')"),
        ("reopen", "handled", "in_progress", "6100", "7000", "c.state = 'closed' AND mod(c.id, 29) = 0"),
        ("handle", "in_progress", "handled", "6200", "10000", "c.state = 'closed' AND mod(c.id, 29) = 0"),
        ("verify", "handled", "verified", "6300", "7500", "c.state = 'closed'"),
        ("close", "verified", "closed", None, "12000", "c.state = 'closed'"),
        ("rate", "closed", "closed", None, None, "c.rating IS NOT NULL"),
    ]
    for action, from_state, to_state, minutes, deadline, which in steps:
        if action == "close":
            at = "c.closed_at"
        elif action == "rate":
            at = "c.rated_at"
        else:
            at = f"c.reported_at + ({minutes}) * interval '1 minute'"
        details = (
            f"jsonb_build_object('stage_deadline', to_char((c.reported_at + {deadline} * interval '1 minute') "
            "AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"'))"
            if deadline
            else "'{}'::jsonb"
        )
        _insert(
            "cases_timelineentry",
            TimelineEntry,
            {
                "case_id": "c.id",
                "at": at,
                "action": f"'{action}'",
                "from_state": f"'{from_state}'",
                "to_state": f"'{to_state}'",
                "details": details,
            },
            f"cases_case c WHERE c.number LIKE '150502-AS-%%' AND {which}",
            {},
        )


def insert_residents(count: int, grids: int) -> None:
    from gridgov.audit.models import AuditEntry
    from gridgov.campaigns.models import Campaign, GridProgress
    from gridgov.patrol.models import Visit
    from gridgov.people.models import Household, Person

    households = count * 2 // 5
    month_start = datetime(MONTH.year, MONTH.month, 1, tzinfo=LOCAL)
    _insert(
        "people_household",
        Household,
        {
            "number": "'BH-' || g",
            "grid_id": "bg.id",
            "org_path": "bg.path",
            "is_active": "true",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
        },
        f"generate_series(1, %(n)s) AS g JOIN bench_grid bg ON bg.i = mod(g, {grids})",
        {"n": households},
    )
    _insert(
        "people_person",
        Person,
        {
            "name": "'居民' || g",
            "grid_id": "h.grid_id",
            "org_path": "h.org_path",
            "household_id": "h.id",
            "status": "'active'",
            "residence_type": "'registered'",
            "version": "1",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
        },
        "generate_series(1, %(n)s) AS g JOIN people_household h ON h.number = 'BH-' || (1 + mod(g, %(h)s))",
        {"n": count, "h": households},
    )
    # Visits in the month: a fifth of the households, by their grid's worker.
    _insert(
        "patrol_visit",
        Visit,
        {
            "household_id": "h.id",
            "worker_id": "bg.worker",
            "visited_at": "%(start)s + mod(h.id, 28) * interval '1 day' + interval '10 hours'",
            "situation": "'normal'",
            "needs": "'[]'::jsonb",
            "grid_id": "h.grid_id",
            "org_path": "h.org_path",
        },
        "people_household h JOIN bench_grid bg ON bg.id = h.grid_id WHERE mod(h.id, 5) = 0",
        {"start": month_start},
    )
    # Registry edits in the month: one person in twenty (audit log rows, as people.services writes).
    _insert(
        "audit_auditentry",
        AuditEntry,
        {
            "at": "%(start)s + mod(p.id, 28) * interval '1 day'",
            "action": "'people.person.update'",
            "target_type": "'people.person'",
            "target_id": "p.id::text",
            "outcome": "'ok'",
            "details": "'{}'::jsonb",
        },
        "people_person p WHERE mod(p.id, 20) = 0",
        {"start": month_start},
    )
    from django.contrib.auth import get_user_model

    campaign = Campaign.objects.create(
        name="bench",
        kind="heating",
        status="active",
        org_path="150502",
        starts_at=month_start,
        ends_at=NOW,
        started_at=month_start,
        created_by=get_user_model().objects.order_by("pk").first(),
    )
    _insert(
        "campaigns_gridprogress",
        GridProgress,
        {
            "campaign_id": str(campaign.pk),
            "grid_id": "bg.id",
            "org_path": "bg.path",
            "total": "100",
            "done": "mod(bg.i, 101)",
            "updated_at": "%(now)s",
        },
        "bench_grid bg",
        {},
    )


RAW_SQL = """
WITH chosen AS (
  SELECT c.id, c.reporter_id, c.state, c.self_handled, c.rating, c.reported_at, c.closed_at, c.rated_at,
         c.overdue_count
  FROM cases_case c
  WHERE c.reporter_id = ANY(%(workers)s)
    AND (c.reported_at >= %(start)s AND c.reported_at < %(end)s
         OR c.closed_at >= %(start)s AND c.closed_at < %(end)s
         OR c.rated_at >= %(start)s AND c.rated_at < %(end)s
         OR c.reported_at >= %(start)s - interval '60 days' AND c.reported_at < %(end)s)
), tl AS (
  SELECT t.case_id,
    min(t.at) FILTER (WHERE t.action IN ('register', 'escalate', 'self_handle') AND t.from_state IN ('reported', ''))
      AS registered_at,
    bool_or(t.action IN ('register', 'escalate') AND t.from_state = 'reported'
            AND t.at > (t.details->>'stage_deadline')::timestamptz) AS register_late,
    min(t.at) FILTER (WHERE t.action = 'dispatch') AS first_dispatch,
    count(*) FILTER (WHERE t.action = 'dispatch') AS dispatches,
    count(*) FILTER (WHERE t.action = 'return') AS returns,
    max(t.at) FILTER (WHERE t.action IN ('handle', 'self_handle')) AS handled_at,
    bool_or(t.action = 'handle' AND t.at > (t.details->>'stage_deadline')::timestamptz) AS handle_late,
    bool_or(t.action IN ('register','escalate','dispatch','return','handle','verify','reopen','close')
            AND t.at > (t.details->>'stage_deadline')::timestamptz OR t.action = 'overdue') AS any_late,
    count(*) FILTER (WHERE t.action IN ('reopen', 'not_fixed')) AS reworks,
    bool_or(t.action = 'not_fixed') AS reopened
  FROM cases_timelineentry t JOIN chosen ON chosen.id = t.case_id
  GROUP BY t.case_id
), f AS (
  SELECT c.*, tl.registered_at, tl.register_late, tl.first_dispatch, tl.dispatches, tl.returns,
    tl.handled_at, tl.handle_late, tl.any_late OR c.overdue_count > 0 AS late, tl.reworks, tl.reopened,
    c.state NOT IN ('rejected', 'merged') AS valid,
    c.state IN ('handled', 'verified', 'closed') AND tl.handled_at IS NOT NULL AS handled
  FROM chosen c JOIN tl ON tl.case_id = c.id
)
SELECT reporter_id,
  count(*) FILTER (WHERE reported_at >= %(start)s AND reported_at < %(end)s) AS reported,
  count(*) FILTER (WHERE reported_at >= %(start)s AND reported_at < %(end)s AND valid) AS valid,
  count(*) FILTER (WHERE reported_at >= %(start)s AND reported_at < %(end)s AND valid AND registered_at IS NOT NULL)
    AS registered,
  count(*) FILTER (WHERE reported_at >= %(start)s AND reported_at < %(end)s AND valid AND registered_at IS NOT NULL
    AND NOT coalesce(register_late, false)) AS registered_in_time,
  count(*) FILTER (WHERE reported_at >= %(start)s AND reported_at < %(end)s AND self_handled) AS self_handled,
  count(*) FILTER (WHERE reported_at >= %(start)s AND reported_at < %(end)s AND valid AND state = 'closed') AS resolved,
  count(*) FILTER (WHERE first_dispatch >= %(start)s AND first_dispatch < %(end)s) AS dispatched,
  sum(dispatches) FILTER (WHERE first_dispatch >= %(start)s AND first_dispatch < %(end)s) AS dispatches,
  sum(returns) FILTER (WHERE first_dispatch >= %(start)s AND first_dispatch < %(end)s) AS returned,
  count(*) FILTER (WHERE first_dispatch >= %(start)s AND first_dispatch < %(end)s AND handled) AS handled,
  count(*) FILTER (WHERE first_dispatch >= %(start)s AND first_dispatch < %(end)s AND handled
    AND NOT coalesce(handle_late, false)) AS handled_in_time,
  sum(extract(epoch FROM handled_at - first_dispatch)) FILTER (WHERE first_dispatch >= %(start)s
    AND first_dispatch < %(end)s AND handled) AS handling_seconds,
  count(*) FILTER (WHERE state = 'closed' AND closed_at >= %(start)s AND closed_at < %(end)s) AS closed,
  count(*) FILTER (WHERE state = 'closed' AND closed_at >= %(start)s AND closed_at < %(end)s
    AND NOT coalesce(late, false) AND reworks = 0) AS closed_in_time,
  count(*) FILTER (WHERE state = 'closed' AND closed_at >= %(start)s AND closed_at < %(end)s AND reworks > 0)
    AS reworked,
  count(*) FILTER (WHERE rating IS NOT NULL AND rated_at >= %(start)s AND rated_at < %(end)s) AS rated,
  count(*) FILTER (WHERE rating >= 4 AND rated_at >= %(start)s AND rated_at < %(end)s) AS satisfied
FROM f GROUP BY reporter_id
"""

RAW_FIELD_SQL = """
SELECT m.user_id,
  (SELECT count(*) FROM people_household h WHERE h.grid_id = ANY(array_agg(m.org_unit_id)) AND h.is_active)
    AS households,
  (SELECT count(DISTINCT v.household_id) FROM patrol_visit v WHERE v.worker_id = m.user_id
    AND v.visited_at >= %(start)s AND v.visited_at < %(end)s) AS visited,
  (SELECT count(*) FROM people_person p WHERE p.grid_id = ANY(array_agg(m.org_unit_id)) AND p.status = 'active')
    AS persons,
  (SELECT count(*) FROM people_person p WHERE p.grid_id = ANY(array_agg(m.org_unit_id)) AND p.status = 'active'
    AND p.id IN (SELECT a.target_id::bigint FROM audit_auditentry a WHERE a.target_type = 'people.person'
      AND a.action IN ('people.person.create', 'people.person.update', 'people.person.status')
      AND a.outcome = 'ok' AND a.at >= %(start)s AND a.at < %(end)s)) AS updated,
  (SELECT sum(gp.done) FROM campaigns_gridprogress gp JOIN campaigns_campaign cc ON cc.id = gp.campaign_id
    WHERE gp.grid_id = ANY(array_agg(m.org_unit_id)) AND cc.started_at < %(end)s
    AND (cc.ended_at IS NULL OR cc.ended_at >= %(start)s)) AS done
FROM access_membership m JOIN geo_orgunit u ON u.id = m.org_unit_id
WHERE m.role = 'grid_worker' AND u.level = 4
GROUP BY m.user_id
"""


def build_facts() -> tuple[int, float]:
    """CaseFact and DailyFact through gridgov.analytics.bulk; prints the time of each part."""
    from django.db import connection

    from gridgov.analytics.bulk import rebuild_case_facts, rebuild_daily_facts

    started = time.perf_counter()
    with bulk_load("analytics_casefact"):
        facts, _orphans = rebuild_case_facts()
        loaded = time.perf_counter() - started
    indexed = time.perf_counter() - started
    with bulk_load("analytics_dailyfact"):
        rows = rebuild_daily_facts()
    build = time.perf_counter() - started
    print(
        f"facts of {facts:,} cases in {indexed:.1f} s (INSERT … SELECT {loaded:.1f} s, indexes "
        f"{indexed - loaded:.1f} s), {rows:,} daily rows in {build - indexed:.1f} s: "
        f"{build:.1f} s, {facts / build:,.0f} cases/s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return facts, build


def raw_assessment(workers: list[int]) -> dict[int, dict]:
    from django.db import connection

    start = datetime(MONTH.year, MONTH.month, 1, tzinfo=LOCAL)
    end = datetime(MONTH.year, MONTH.month + 1, 1, tzinfo=LOCAL)
    out: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"workers": workers, "start": start, "end": end})
        names = [c.name for c in cursor.description]
        for row in cursor.fetchall():
            out[row[0]] = dict(zip(names, row, strict=True))
        cursor.execute(RAW_FIELD_SQL, {"start": start, "end": end})
        names = [c.name for c in cursor.description]
        for row in cursor.fetchall():
            out.setdefault(row[0], {}).update(dict(zip(names, row, strict=True)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5_000_000)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", choices=["small", "district"], default="district")
    args = parser.parse_args(argv)

    with (
        tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir,
        throwaway_database("assessment") as url,
    ):
        configure_django(url, data_dir)
        from django.core.management import call_command
        from django.db import connection, connections

        from gridgov.assessment.compute import indicators_for
        from gridgov.assessment.models import Kind
        from gridgov.assessment.periods import Period

        try:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            demo = ["--scale", "district", "--registry-grids", "0"] if args.scale == "district" else []
            call_command("demo", *demo, stdout=open("/dev/null", "w"))  # noqa: SIM115
            grids = prepare_grids()
            print(f"migrate and demo ({grids} grids) in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            with bulk_load("cases_case", "cases_timelineentry"):
                insert_cases(args.cases, grids)
            print(f"{args.cases:,} cases with their timelines in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            insert_residents(args.residents, grids)
            print(f"{args.residents:,} residents, visits, edits in {time.perf_counter() - started:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            facts, build = build_facts()
            period = Period("month", MONTH)
            rows = indicators_for(Kind.WORKER, period, compare=False)
            workers = [int(r.key) for r in rows]
            raw = raw_assessment(workers)
            mismatches = 0
            for r in rows:
                mine = r.figures
                theirs = raw.get(int(r.key), {})
                pairs = [
                    (mine["reports"].numerator, theirs.get("reported") or 0),
                    (mine["on_time_closure_rate"].numerator, theirs.get("closed_in_time") or 0),
                    (mine["on_time_closure_rate"].denominator, theirs.get("closed") or 0),
                    (mine["accurate_dispatch_rate"].numerator, theirs.get("returned") or 0),
                    (mine["visit_coverage"].numerator, theirs.get("visited") or 0),
                    (mine["info_update_rate"].numerator, theirs.get("updated") or 0),
                ]
                mismatches += sum(1 for a, b in pairs if a != b)
            print(f"{len(rows)} grid workers assessed; {mismatches} figures differ from the raw queries")
            times: dict[str, list[float]] = {"assessment": [], "raw": [], "full": []}
            for run in range(args.runs + 1):  # the first run warms the caches and is not counted
                for kind in ("assessment", "raw", "full") if run % 2 == 0 else ("raw", "assessment", "full"):
                    t0 = time.perf_counter()
                    if kind == "assessment":
                        indicators_for(Kind.WORKER, period, compare=False)
                    elif kind == "full":
                        indicators_for(Kind.WORKER, period)
                    else:
                        raw_assessment(workers)
                    if run:
                        times[kind].append(time.perf_counter() - t0)
        finally:
            connections.close_all()
    mine, raw_p50, full = (median(times[k]) * 1000 for k in ("assessment", "raw", "full"))
    print(
        f"RESULT assessment of {len(rows)} grid workers, one month, {args.cases:,} cases: p50 {mine:.0f} ms"
    )
    print(f"RESULT raw GROUP BY on cases + timeline (+ registry, visits, campaigns): p50 {raw_p50:.0f} ms")
    print(f"RESULT assessment / raw GROUP BY: {mine / raw_p50:.2f}x (target <= 2x)")
    print(f"RESULT assessment with period-on-period and year-on-year: p50 {full:.0f} ms")
    print(
        f"RESULT fact build (gridgov.analytics.bulk, CaseFact + DailyFact): {build:.1f} s, {facts / build:,.0f} cases/s"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
