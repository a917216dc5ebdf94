"""Raise the missed check-in alerts of a day and set its monitoring counts: for cron, after midnight."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gridgov.campaigns.monitoring import raise_missed_alerts


class Command(BaseCommand):
    help = "Raise a missed check-in alert for each monitored person without a check-in on the day."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="The ISO date to check (default: yesterday, the last whole day).")

    def handle(self, *args, day: str | None = None, **options):
        try:
            when = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
        except ValueError:
            raise CommandError("--day must be an ISO date (YYYY-MM-DD).") from None
        raised = raise_missed_alerts(when)
        self.stdout.write(f"{when.isoformat()}: raised {raised} missed check-in alerts.")
