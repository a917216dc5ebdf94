"""The overdue sweep over 1,000,000 open cases against the equivalent raw SQL UPDATE.

Run as `.venv/bin/python bench/cases_sweep.py [--cases N]` (or through bench/run.py). It
creates a throwaway PostgreSQL database on 127.0.0.1:5432, loads the small demo, inserts N open
cases in one server-side INSERT … SELECT (all open states but suspended, spread over the demo
grids), with deadlines placed so that a known share is overdue and another share only past its
warning time at the sweep's `now`, then times, alternately and on the same data:

- raw: the two UPDATEs a hand-written sweep would send (red, then yellow), in one transaction;
- gridgov.cases.monitor.sweep_deadlines(now): the whole sweep (flags, timeline entries, inbox
  notifications, e-mail); within it, the flagging alone is the time of its UPDATEs on
  cases_case, taken from the statements it sends.

Between runs the flags are put back as they were and the sweep's timeline and inbox rows are
deleted, then the table is vacuumed, so each run starts from the same rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import configure_django, throwaway_database  # noqa: E402

# A Wednesday morning in an ordinary working week: the sweep's clock.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def insert_cases(count: int, overdue_percent: int, warning_percent: int) -> dict[str, int]:
    """Insert `count` open cases server-side; returns how many the sweep should turn red and yellow.

    Row g is overdue when mod(g, 100) < overdue_percent (half of those already yellow, as after an
    earlier sweep), warned when the next warning_percent, in time otherwise. Every column of
    the case gets a value of its type, so the rows are as wide as real ones.
    """
    from django.db import connection, models

    from gridgov.access.models import Membership
    from gridgov.access.roles import Role
    from gridgov.access.testing import make_user
    from gridgov.cases.models import Case, Category
    from gridgov.cases.monitor import SWEPT_STATES
    from gridgov.cases.states import State
    from gridgov.geo.models import Level, OrgUnit

    grids = list(OrgUnit.objects.filter(level=Level.GRID).order_by("code").values_list("id", "path"))
    by_path = dict(OrgUnit.objects.filter(level=Level.COMMUNITY).values_list("path", "id"))
    categories = list(
        Category.objects.filter(is_active=True, parent__isnull=False, auto_escalate=False)
        .order_by("code")
        .values_list("id", flat=True)
    )
    # The department the demo's handler works in; and someone to tell in every community, as in a
    # staffed district (the demo staffs one community only).
    department = Membership.objects.filter(user__username="dept_handler").values_list(
        "department_id", flat=True
    )[0]
    for community in OrgUnit.objects.filter(level=Level.COMMUNITY).order_by("code"):
        make_user(f"bench_admin_{community.code}", Role.COMMUNITY_ADMIN, community, email="admin@example.org")
    addressed = [State.DISPATCHED, State.IN_PROGRESS]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_grid (i int PRIMARY KEY, id bigint, path text, community bigint)"
        )
        cursor.executemany(
            "INSERT INTO bench_grid VALUES (%s, %s, %s, %s)",
            [(i, gid, path, by_path[".".join(path.split(".")[:3])]) for i, (gid, path) in enumerate(grids)],
        )
    bucket = "mod(g, 100)"
    overdue = f"{bucket} < {overdue_percent}"
    warned = f"{bucket} >= {overdue_percent} AND {bucket} < {overdue_percent + warning_percent}"
    expressions = {
        "number": "'150502-BENCH-' || lpad(g::text, 8, '0')",
        "source": "'patrol'",
        "category_id": f"(ARRAY{categories}::bigint[])[1 + mod(g, {len(categories)})]",
        "urgency": "'normal'",
        "description": "'楼后空地暴露垃圾堆积，气味较大，请尽快清理 #' || g",
        "address": "'和平路' || mod(g, 300) || '号'",
        "lon": "122.25 + mod(g, 1000) / 10000.0",
        "lat": "43.62 + mod(g, 997) / 10000.0",
        "grid_id": "bg.id",
        "org_path": "bg.path",
        "level": str(Level.COMMUNITY),
        "responsible_unit_id": "bg.community",
        "state": f"(ARRAY{[str(s) for s in SWEPT_STATES]})[1 + mod(g, {len(SWEPT_STATES)})]",
        "department_id": (
            f"CASE WHEN (ARRAY{[str(s) for s in SWEPT_STATES]})[1 + mod(g, {len(SWEPT_STATES)})] "
            f"IN ({', '.join(repr(str(s)) for s in addressed)}) THEN {department} END"
        ),
        "stage": "'handle'",
        "stage_started_at": "%(now)s - interval '3 days'",
        # Overdue: deadline minutes to days ago. Warned: warning passed, deadline ahead. Else both ahead.
        "deadline": (
            f"CASE WHEN {overdue} THEN %(now)s - (1 + mod(g, 4000)) * interval '1 minute' "
            "ELSE %(now)s + (1 + mod(g, 4000)) * interval '1 minute' END"
        ),
        "warn_at": (
            f"CASE WHEN {overdue} OR ({warned}) THEN %(now)s - (1 + mod(g, 600)) * interval '1 second' "
            "ELSE %(now)s + (1 + mod(g, 600)) * interval '1 second' END"
        ),
        "alert": f"CASE WHEN {overdue} AND mod(g, 2) = 0 THEN 'yellow' ELSE 'none' END",
        "reported_at": "%(now)s - mod(g, 30) * interval '1 day'",
        "updated_at": "%(now)s",
        "version": "3",
    }
    columns, values = [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in expressions or field.attname in expressions:
            values.append(expressions.get(field.attname) or expressions[field.name])
        elif field.null:
            values.append("NULL")
        elif isinstance(field, models.BooleanField):
            values.append("false")
        elif isinstance(field, models.IntegerField | models.FloatField):
            values.append("0")
        else:
            values.append("''")
    # Column names come from the model and values from the expressions above: no outside input.
    sql = (
        f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608
        f"FROM generate_series(1, %(count)s) AS g JOIN bench_grid bg ON bg.i = mod(g, {len(grids)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": NOW, "count": count})
        cursor.execute("ANALYZE cases_case")
        cursor.execute(
            "SELECT count(*) FILTER (WHERE deadline <= %(now)s AND alert IN ('none', 'yellow')), "
            "count(*) FILTER (WHERE warn_at <= %(now)s AND deadline > %(now)s AND alert = 'none') "
            "FROM cases_case WHERE state = ANY(%(states)s)",
            {"now": NOW, "states": [str(s) for s in SWEPT_STATES]},
        )
        red, yellow = cursor.fetchone()
        cursor.execute("CREATE TABLE bench_flags AS SELECT id, alert, overdue_count FROM cases_case")
        cursor.execute("ALTER TABLE bench_flags ADD PRIMARY KEY (id)")
    return {"red": red, "yellow": yellow}


def restore() -> None:
    """Put every flag back as inserted, drop what a sweep wrote, and vacuum: the next run starts alike."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case c SET alert = f.alert, overdue_count = f.overdue_count FROM bench_flags f "
            "WHERE f.id = c.id AND (c.alert <> f.alert OR c.overdue_count <> f.overdue_count)"
        )
        cursor.execute("DELETE FROM cases_timelineentry WHERE action IN ('overdue', 'warning')")
        cursor.execute("DELETE FROM inbox_notification WHERE kind IN ('overdue', 'warning')")
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("VACUUM ANALYZE cases_timelineentry")
        cursor.execute("VACUUM ANALYZE inbox_notification")


def raw_sweep() -> tuple[float, int, int]:
    """The hand-written equivalent of the flagging: two UPDATEs with the same conditions, one transaction."""
    from django.db import connection, transaction

    from gridgov.cases.monitor import SWEPT_STATES

    params = {"now": NOW, "states": [str(s) for s in SWEPT_STATES]}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET alert = 'red', overdue_count = overdue_count + 1 "
            "WHERE state = ANY(%(states)s) AND deadline <= %(now)s AND alert IN ('none', 'yellow')",
            params,
        )
        red = cursor.rowcount
        cursor.execute(
            "UPDATE cases_case SET alert = 'yellow' "
            "WHERE state = ANY(%(states)s) AND warn_at <= %(now)s AND alert = 'none'",
            params,
        )
        yellow = cursor.rowcount
    return time.perf_counter() - started, red, yellow


def monitor_sweep():
    """sweep_deadlines(NOW), timed whole, with the time of its UPDATEs of cases_case on the side."""
    from django.db import connection

    from gridgov.cases.monitor import sweep_deadlines

    flagging = [0.0]

    def timed_updates(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith('UPDATE "CASES_CASE"'):
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            flagging[0] += time.perf_counter() - started

    started = time.perf_counter()
    with connection.execute_wrapper(timed_updates):
        result = sweep_deadlines(NOW)
    return time.perf_counter() - started, flagging[0], result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--overdue-percent", type=int, default=2)
    parser.add_argument("--warning-percent", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, alternating (default 2)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir, throwaway_database("sweep") as url:
        configure_django(url, data_dir)
        from django.core.management import call_command
        from django.db import connections

        try:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            expected = insert_cases(args.cases, args.overdue_percent, args.warning_percent)
            print(
                f"inserted {args.cases:,} open cases in {time.perf_counter() - started:.1f} s "
                f"(with migrate and the demo); at the sweep's clock {expected['red']:,} are due to turn red, "
                f"{expected['yellow']:,} yellow; no category escalates automatically"
            )
            raw_times, sweep_times, flag_times = [], [], []
            for round_number in range(args.rounds):
                for kind in ("raw", "sweep") if round_number % 2 == 0 else ("sweep", "raw"):
                    restore()
                    if kind == "raw":
                        seconds, red, yellow = raw_sweep()
                        raw_times.append(seconds)
                        print(f"raw UPDATE:        {seconds:6.2f} s ({red:,} red, {yellow:,} yellow)")
                    else:
                        seconds, flagging, result = monitor_sweep()
                        red, yellow = len(result.overdue), len(result.warned)
                        sweep_times.append(seconds)
                        flag_times.append(flagging)
                        print(
                            f"sweep_deadlines(): {seconds:6.2f} s, of which its UPDATEs {flagging:.2f} s "
                            f"({red:,} red, {yellow:,} yellow, {result.notifications:,} inbox rows)"
                        )
                    if (red, yellow) != (expected["red"], expected["yellow"]):
                        print(
                            f"RESULT sweep: FAILED, flagged {red:,}/{yellow:,}, expected "
                            f"{expected['red']:,}/{expected['yellow']:,}"
                        )
                        return 1
        finally:
            connections.close_all()
    raw, sweep, flag = median(raw_times), median(sweep_times), median(flag_times)
    print(f"raw UPDATE (median of {len(raw_times)}): {raw:.2f} s")
    print(f"sweep flagging (its UPDATE … RETURNING, median): {flag:.2f} s")
    print(f"sweep_deadlines() whole (median): {sweep:.2f} s")
    print(f"RESULT sweep flagging / raw UPDATE over {args.cases:,} cases: {flag / raw:.2f}x (target <= 1.5x)")
    print(f"RESULT whole sweep (with timeline, inbox, e-mail) / raw UPDATE: {sweep / raw:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
