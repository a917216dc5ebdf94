"""Background tasks of the case workflow (django-tasks; run them with `manage.py db_worker`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from gridgov.cases.monitor import sweep_deadlines

DEFAULT_SWEEP_SECONDS = 60


def sweep_interval() -> int:
    return int(getattr(settings, "CASE_SWEEP_SECONDS", DEFAULT_SWEEP_SECONDS))


@task()
def sweep_task(repeat: bool = True) -> dict[str, int]:
    """Run the deadline sweep; with `repeat`, queue the next run CASE_SWEEP_SECONDS from now.

    The next run is queued before this one sweeps, so a failing sweep does not end the chain.
    Start the chain once (`manage.py sweep_deadlines --enqueue`); a second chain only sweeps
    twice as often, which the sweep tolerates.
    """
    if repeat:
        sweep_task.using(run_after=timezone.now() + timedelta(seconds=sweep_interval())).enqueue(repeat=True)
    result = sweep_deadlines()
    return {
        "warned": len(result.warned),
        "overdue": len(result.overdue),
        "escalated": len(result.escalated),
        "notifications": result.notifications,
    }
