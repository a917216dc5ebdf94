"""Delete old sign-in codes (run daily, e.g. from cron; docs/residents.md)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from gridgov.residents.codes import purge_old_codes


class Command(BaseCommand):
    help = "Delete resident sign-in codes older than --days (default 2): the limits never look that far back."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args, days: int, **options):
        deleted = purge_old_codes(older_than=timedelta(days=max(days, 1)))
        self.stdout.write(f"deleted: {deleted}")
