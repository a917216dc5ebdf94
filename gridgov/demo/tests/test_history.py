"""The demo's year of history: its span and variety, timelines as the workflow writes them, the
facts and daily rows built from them, field work, the published assessment and determinism."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from gridgov.analytics.models import CaseFact, DailyFact
from gridgov.assessment.models import AssessmentRun, Kind, RunState
from gridgov.cases import deadlines
from gridgov.cases.models import Alert, Case, Category, Source, Stage, State
from gridgov.demo.accounts import DemoError, anchor_units
from gridgov.demo.history import _grids, draw_reports
from gridgov.demo.history_plan import CATEGORY_SEASONS
from gridgov.demo.services import load_demo
from gridgov.geo.models import Level, OrgUnit
from gridgov.patrol.models import Visit

MONITOR = ("warning", "overdue")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo with its year of history (registry only in the demo accounts' grids),
    loaded once in a transaction rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            load_demo(registry_grids=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_history_spans_a_year_with_every_source_and_many_states(demo):
    today = timezone.localdate()
    span = CaseFact.objects.aggregate(first=Min("reported_on"), last=Max("reported_on"))
    assert today - timedelta(days=366) <= span["first"] <= today - timedelta(days=360)
    assert span["last"] == today
    assert 2500 < Case.objects.count() < 6000  # 8–15 a day
    assert set(Case.objects.values_list("source", flat=True).distinct()) == set(Source.values)
    states = set(Case.objects.values_list("state", flat=True).distinct())
    assert {State.CLOSED, State.REJECTED, State.MERGED, State.IN_PROGRESS, State.HANDLED} <= states
    open_now = Case.objects.exclude(state__in=[State.CLOSED, State.REJECTED, State.MERGED])
    assert open_now.count() >= 20
    assert open_now.filter(alert=Alert.RED).count() >= 5  # overdue now
    assert Case.objects.filter(self_handled=True, state=State.CLOSED).count() > 100
    assert Case.objects.filter(rework_count__gt=0).count() > 50
    closed = Case.objects.filter(state=State.CLOSED)
    assert closed.filter(rating__isnull=False).count() > 0.4 * closed.count()
    # Winter brings the heating complaints, summer the drainage ones.
    heating = Case.objects.filter(category__code="1603")
    assert (
        heating.filter(reported_at__month__in=[12, 1]).count()
        > 5 * heating.filter(reported_at__month__in=[6, 7]).count()
    )
    drainage = Case.objects.filter(category__code="0204")
    assert (
        drainage.filter(reported_at__month__in=[7, 8]).count()
        > 3 * drainage.filter(reported_at__month__in=[12, 1]).count()
    )


@pytest.mark.django_db
def test_timelines_are_the_workflows(demo):
    for case in Case.objects.prefetch_related("timeline").order_by("pk")[:400]:
        steps = [e for e in case.timeline.all() if e.action not in MONITOR]
        assert steps[0].action == "report"
        assert steps[-1].to_state == case.state, case.number
        for entry in steps[1:]:
            if entry.action not in ("self_handle",):
                assert "stage_deadline" in entry.details, (case.number, entry.action)
        assert [e.at for e in case.timeline.all()] == sorted(e.at for e in case.timeline.all())
    # A dispatch's deadline is the one the deadline helpers give on the working calendar.
    dispatch = Case.objects.get(pk=Case.objects.filter(timeline__action="dispatch").order_by("pk")[0].pk)
    entry = dispatch.timeline.filter(action="dispatch").order_by("at")[0]
    probe = Case(category=dispatch.category, urgency=dispatch.urgency)
    deadlines.start_stage(probe, Stage.HANDLE, entry.at)
    assert parse_datetime(entry.details["deadline"]) == probe.deadline


@pytest.mark.django_db
def test_every_case_has_its_fact_and_the_daily_rows_match(demo):
    assert CaseFact.objects.count() == Case.objects.count()
    daily = DailyFact.objects.aggregate(
        reported=Sum("reported"), closed=Sum("closed"), rated=Sum("rated"), dispatched=Sum("dispatched")
    )
    assert daily["reported"] == CaseFact.objects.count()
    assert daily["closed"] == CaseFact.objects.filter(closed=True).count()
    assert daily["rated"] == CaseFact.objects.filter(rating__isnull=False).count()
    assert daily["dispatched"] == CaseFact.objects.filter(dispatched_on__isnull=False).count()
    today = timezone.localdate()
    open_end = DailyFact.objects.filter(day=today).aggregate(n=Sum("open_end"))["n"]
    assert open_end == CaseFact.objects.filter(finished_on__isnull=True).count()
    assert CaseFact.objects.filter(overdue=True).count() > 100


@pytest.mark.django_db
def test_field_work_and_the_published_assessment(demo):
    units = anchor_units()
    month_start = timezone.localdate().replace(day=1)
    last_month = (month_start - timedelta(days=1)).replace(day=1)
    assert Visit.objects.filter(grid=units["grid"], visited_at__date__gte=last_month).exists()
    run = AssessmentRun.objects.get(kind=Kind.STREET, month=last_month)
    assert run.state == RunState.PUBLISHED
    streets = OrgUnit.objects.filter(level=Level.STREET).count()
    assert run.rows.count() == streets
    reports = sum(len(row.case_ids["valid_rate"]["denominator"]) for row in run.rows.all())
    assert reports > 150
    grid_street = run.rows.get(path=units["street"].path)
    assert grid_street.values["visit_coverage"]["value"] > 0
    assert grid_street.values["info_update_rate"]["value"] > 0
    assert len({row.grade for row in run.rows.all()}) >= 2


@pytest.mark.django_db
def test_the_reports_are_the_same_for_a_seed(demo):
    grids = _grids(anchor_units())
    categories = {c.code: c for c in Category.objects.filter(code__in=list(CATEGORY_SEASONS))}
    now = timezone.now()
    first = draw_reports(grids, categories, 7, days=30, now=now)
    again = draw_reports(grids, categories, 7, days=30, now=now)
    other = draw_reports(grids, categories, 8, days=30, now=now)
    key = [(d.reported_at, d.grid.pk, d.category.code, d.source, d.lon) for d in first]
    assert key == [(d.reported_at, d.grid.pk, d.category.code, d.source, d.lon) for d in again]
    assert key != [(d.reported_at, d.grid.pk, d.category.code, d.source, d.lon) for d in other]


@pytest.mark.django_db
def test_refuses_a_history_longer_than_two_years_and_writes_nothing(demo):
    before = (OrgUnit.objects.count(), Case.objects.count())
    with translation.override("en"), pytest.raises(DemoError, match="history days"):
        load_demo(history_days=800)
    assert (OrgUnit.objects.count(), Case.objects.count()) == before
