"""Background task of the analytics app (django-tasks; run with `manage.py db_worker`)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from gridgov.analytics.daily import catch_up
from gridgov.analytics.facts import refresh_case_facts, stale_case_ids


def aggregate_interval() -> int:
    return int(settings.AGGREGATE_SECONDS)


def run_aggregation(since: date | None = None) -> dict[str, int]:
    """Refresh the facts the monitor flagged without a signal, then aggregate the dirty days and today."""
    stale = stale_case_ids()
    refresh_case_facts(stale)
    return {"refreshed": len(stale), "rows": catch_up(since=since)}


@task()
def aggregate_task(repeat: bool = True) -> dict[str, int]:
    """Aggregate the days marked dirty (and today); with `repeat`, queue the next run first.

    Start the chain once with `manage.py aggregate_facts --enqueue`; GRIDGOV_AGGREGATE_SECONDS
    (default 300) apart. A second chain only aggregates twice as often.
    """
    if repeat:
        aggregate_task.using(run_after=timezone.now() + timedelta(seconds=aggregate_interval())).enqueue(
            repeat=True
        )
    return run_aggregation()
