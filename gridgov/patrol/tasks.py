"""Background task of the patrol app (django-tasks; run with `manage.py db_worker`)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from gridgov.patrol.assignments import generate_items


@task()
def generate_task_items(day: str = "") -> int:
    """Create the current period's items of every recurring task (idempotent per period).

    Run it daily (cron, or enqueue from `manage.py generate_patrol_tasks --enqueue`); running it
    more often only finds nothing new. `day` (ISO date) overrides today, for back-filling.
    """
    return generate_items(date.fromisoformat(day) if day else None)
