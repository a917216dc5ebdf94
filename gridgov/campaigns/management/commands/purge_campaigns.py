"""Purge the personal data of campaigns past their retention period: run daily from cron."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gridgov.campaigns import retention
from gridgov.campaigns.models import Campaign, CampaignStatus


class Command(BaseCommand):
    help = (
        "End active campaigns past their planned end, then purge the personal data of every ended "
        "campaign whose retention period is over (aggregates and audit entries stay)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this ISO date-time (tests, catching up).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would be ended and purged."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the background task for `manage.py db_worker` instead.",
        )

    def handle(self, *args, now: str | None = None, dry_run: bool = False, enqueue: bool = False, **options):
        when = self._parse(now) if now else timezone.now()
        if enqueue:
            result = retention.purge_campaigns_task.enqueue(now=when.isoformat() if now else "")
            self.stdout.write(f"Queued the purge ({result.id}).")
            return
        if dry_run:
            overdue = Campaign.objects.filter(status=CampaignStatus.ACTIVE, ends_at__lte=when).order_by("pk")
            for campaign in overdue:
                self.stdout.write(f"would end #{campaign.pk} {campaign.name}")
            # An overdue campaign is ended at its planned end, so it may fall due in the same run.
            ended_now = [c for c in overdue if (date := retention.purge_date(c)) and date <= when]
            for campaign in [*retention.due(when), *ended_now]:
                self.stdout.write(f"would purge #{campaign.pk} {campaign.name}")
            return
        purged = retention.purge_due(when)
        for item in purged:
            counts = ", ".join(f"{name} {n}" for name, n in item.counts.items())
            self.stdout.write(f"purged #{item.campaign.pk} {item.campaign.name}: {counts}")
        self.stdout.write(f"{len(purged)} campaign(s) purged.")

    @staticmethod
    def _parse(text: str) -> datetime:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError("--now must be an ISO date-time (YYYY-MM-DDTHH:MM[:SS][+08:00]).") from None
        return value if timezone.is_aware(value) else timezone.make_aware(value)
