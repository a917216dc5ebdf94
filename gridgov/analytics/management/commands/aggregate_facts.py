"""Aggregate the daily rows: the days marked dirty, and every day since the last aggregated one."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gridgov.analytics.tasks import aggregate_task, run_aggregation


class Command(BaseCommand):
    help = "Refresh stale case facts and aggregate the dirty days up to today (for cron or the task worker)."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Also re-aggregate every day from this ISO date to today.")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Start the repeating background task for `manage.py db_worker`.",
        )

    def handle(self, *args, since: str | None = None, enqueue: bool = False, **options):
        try:
            start = date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError("--since must be an ISO date (YYYY-MM-DD).") from None
        if enqueue:
            result = aggregate_task.enqueue(repeat=True)
            self.stdout.write(f"Queued the aggregation ({result.id}).")
            return
        result = run_aggregation(start)
        self.stdout.write(f"Refreshed {result['refreshed']} stale facts; wrote {result['rows']} daily rows.")
