"""Flag cases near or past their deadline, notify, escalate: for cron, systemd or the task worker."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gridgov.cases.monitor import sweep_deadlines
from gridgov.cases.tasks import sweep_interval, sweep_task


class Command(BaseCommand):
    help = (
        "Run the deadline sweep once, in a loop (--loop), or start its repeating background task (--enqueue)."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--loop", action="store_true", help="Sweep every CASE_SWEEP_SECONDS until stopped.")
        mode.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the repeating sweep task for `manage.py db_worker` instead of sweeping here.",
        )

    def handle(self, *args, loop: bool = False, enqueue: bool = False, **options):
        if enqueue:
            # One chain is enough: a restart must not start a second one.
            waiting = DBTaskResult.objects.filter(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
                task_path=sweep_task.module_path,
            )
            if waiting.exists():
                self.stdout.write("The deadline sweep task is already queued.")
                return
            result = sweep_task.enqueue(repeat=True)
            self.stdout.write(f"Queued the deadline sweep task ({result.id}).")
            return
        interval = sweep_interval()
        if interval < 1:
            raise CommandError("CASE_SWEEP_SECONDS must be at least 1.")
        while True:
            started = time.monotonic()
            self.stdout.write(str(sweep_deadlines()))
            if not loop:
                return
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
