"""Rebuild every case fact and every daily row: after a migration of old data, or for the benchmark."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gridgov.analytics.daily import aggregate_days, catch_up
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.models import AggregationMark, CaseFact, DailyFact
from gridgov.cases.models import Case


class Command(BaseCommand):
    help = "Rebuild CaseFact for all cases (batched), then DailyFact for every day."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=20000, help="Cases per batch (default 20000).")
        parser.add_argument("--facts-only", action="store_true", help="Do not aggregate the days.")

    def handle(self, *args, batch: int = 20000, facts_only: bool = False, **options):
        last = 0
        done = 0
        while True:
            ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            refresh_case_facts(ids, mark=False)
            last, done = ids[-1], done + len(ids)
            self.stdout.write(f"{done} cases", ending="\r")
            self.stdout.flush()
        orphans = CaseFact.objects.exclude(case_id__in=Case.objects.values("pk")).delete()[0]
        self.stdout.write(f"Rebuilt the facts of {done} cases ({orphans} orphans removed).")
        if facts_only:
            return
        DailyFact.objects.all().delete()
        AggregationMark.objects.all().delete()
        first = CaseFact.objects.order_by("reported_on").values_list("reported_on", flat=True).first()
        rows = catch_up(since=first) if first else aggregate_days([])
        self.stdout.write(f"Aggregated {rows} daily rows.")
