"""Create the task items of the current period of every recurring task: for cron or the task worker."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gridgov.patrol.assignments import generate_items
from gridgov.patrol.tasks import generate_task_items


class Command(BaseCommand):
    help = "Create this period's items of the recurring patrol tasks (idempotent per period)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--day", help="Generate for the period containing this ISO date (default: today)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the background task for `manage.py db_worker` instead.",
        )

    def handle(self, *args, day: str | None = None, enqueue: bool = False, **options):
        try:
            when = date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError("--day must be an ISO date (YYYY-MM-DD).") from None
        if enqueue:
            result = generate_task_items.enqueue(day=when.isoformat() if when else "")
            self.stdout.write(f"Queued the task generation ({result.id}).")
            return
        self.stdout.write(f"Created {generate_items(when)} task items.")
