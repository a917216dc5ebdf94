"""Rebuild every case fact and every daily row: after a migration of old data, or for the benchmark."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection

from gridgov.analytics import bulk
from gridgov.analytics.daily import aggregate_days, catch_up
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.models import AggregationMark, CaseFact, DailyCommunityFact, DailyFact
from gridgov.cases.models import Case


class Command(BaseCommand):
    help = (
        "Rebuild CaseFact for all cases, then DailyFact for every day: set-based SQL on PostgreSQL, "
        "batched refresh_case_facts elsewhere (or with --python)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=20000, help="Cases per batch (default 20000).")
        parser.add_argument("--facts-only", action="store_true", help="Do not aggregate the days.")
        parser.add_argument(
            "--python",
            action="store_true",
            help="Use the per-case Python refresh even on PostgreSQL (the reference; ~500 cases/s).",
        )

    def handle(self, *args, batch: int = 20000, facts_only: bool = False, python: bool = False, **options):
        if connection.vendor == "postgresql" and not python:
            self._set_based(facts_only)
        else:
            self._per_case(batch, facts_only)

    def _progress(self, done: int) -> None:
        self.stdout.write(f"{done} cases", ending="\r")
        self.stdout.flush()

    def _set_based(self, facts_only: bool) -> None:
        done, orphans = bulk.rebuild_case_facts(progress=self._progress)
        self.stdout.write(f"Rebuilt the facts of {done} cases ({orphans} orphans removed).")
        if not facts_only:
            self.stdout.write(f"Aggregated {bulk.rebuild_daily_facts()} daily rows.")

    def _per_case(self, batch: int, facts_only: bool) -> None:
        last = 0
        done = 0
        while True:
            ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            refresh_case_facts(ids, mark=False)
            last, done = ids[-1], done + len(ids)
            self._progress(done)
        orphans = CaseFact.objects.exclude(case_id__in=Case.objects.values("pk")).delete()[0]
        self.stdout.write(f"Rebuilt the facts of {done} cases ({orphans} orphans removed).")
        if facts_only:
            return
        DailyFact.objects.all().delete()
        DailyCommunityFact.objects.all().delete()  # the roll-up of the days aggregated below
        AggregationMark.objects.all().delete()
        first = CaseFact.objects.order_by("reported_on").values_list("reported_on", flat=True).first()
        rows = catch_up(since=first) if first else aggregate_days([])
        self.stdout.write(f"Aggregated {rows} daily rows.")
