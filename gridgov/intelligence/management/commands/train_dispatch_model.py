"""Train the dispatch-suggestion model on the closed cases and print its held-out figures."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gridgov.intelligence.classifier import IntelligenceError, describe, train
from gridgov.intelligence.tasks import train_task


class Command(BaseCommand):
    help = "Train the category/department suggestion model now, or queue its weekly task (--enqueue)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the repeating training task for `manage.py db_worker` instead of training here.",
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            waiting = DBTaskResult.objects.filter(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
                task_path=train_task.module_path,
            )
            if waiting.exists():
                self.stdout.write("The training task is already queued.")
                return
            result = train_task.enqueue(repeat=True)
            self.stdout.write(f"Queued the training task ({result.id}).")
            return
        try:
            info = train()
        except IntelligenceError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(describe(info))
