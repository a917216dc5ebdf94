"""A partial index over the open cases for the cockpit's "open and overdue now" (docs/cockpit.md).

It holds every column that query reads (level, department, state, alert, deadline, org path), so
PostgreSQL answers it from the index alone, over the ~1 % of cases that are open. Plain SQL, the
same on SQLite and PostgreSQL, and outside the model state on purpose: this migration adds an
index and nothing else to the cases app. OPEN_STATES below is gridgov.cases.states.OPEN_STATES
when written (a test holds them equal); the planner uses the index only while the query's states
are among them.
"""

from django.db import migrations

OPEN_STATES = (
    "dispatched",
    "handled",
    "in_progress",
    "registered",
    "reported",
    "returned",
    "suspended",
    "verified",
)
INDEX = "cases_open_level_dept"


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_clock_hours"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON cases_case (level, department_id, state, alert, deadline, org_path) "
            f"WHERE state IN ({', '.join(repr(s) for s in OPEN_STATES)})",
            f"DROP INDEX {INDEX}",
        ),
    ]
