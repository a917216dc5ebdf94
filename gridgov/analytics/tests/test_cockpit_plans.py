"""PostgreSQL answers the cockpit's big queries from their indexes alone (index-only scans).

The indexes hold every column those queries read; a change that reads one more column (say,
counting "id") would send each query back to the table, which costs seconds at millions of cases
(docs/cockpit.md, "Performance"). The tables are tiny here, so sequential and bitmap scans are
switched off to ask the planner which index can answer alone.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.access.roles import Role
from gridgov.analytics.cockpit import build_cockpit
from gridgov.analytics.tests.test_cockpit import build_history
from gridgov.analytics.tests.test_cockpit_wiring import WIRED

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="index-only scans are PostgreSQL plans"),
    pytest.mark.django_db(transaction=True),  # VACUUM (which marks pages all-visible) runs outside one
    pytest.mark.urls(WIRED),
]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")


def test_cockpit_queries_read_only_their_indexes(world, clock):
    build_history(world, clock)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE analytics_casefact, cases_case, analytics_dailycommunityfact")
    user = world.users[Role.LEADER]
    build_cockpit(user)  # memberships loaded
    with CaptureQueriesContext(connection) as captured:
        build_cockpit(user)
    statements = [q["sql"] for q in captured.captured_queries]
    today = next(s for s in statements if "analytics_casefact" in s)
    open_now = next(s for s in statements if 'FROM "cases_case"' in s)
    past = next(s for s in statements if "analytics_daily" in s)
    today_plan = plan(today)
    for index in ("casefact_reported_cat", "casefact_closed_cat", "casefact_rated_cat"):
        assert f"Index Only Scan using {index}" in today_plan, today_plan
    open_plan = plan(open_now)
    assert "Index Only Scan using cases_open_level_dept" in open_plan, open_plan
    assert "analytics_dailycommunityfact" in past and "analytics_dailyfact" not in past
