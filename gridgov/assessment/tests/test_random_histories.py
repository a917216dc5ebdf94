"""Property: over random workflow histories, every figure equals the cases listed behind it,
daily rows equal CaseFact recounts, and incremental aggregation equals a full rebuild."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.access.roles import Role
from gridgov.analytics.daily import aggregate_days, catch_up
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.measures import MEASURES, facts_on, open_at_end_of
from gridgov.analytics.models import CaseFact, DailyFact
from gridgov.assessment.compute import cases_behind, indicators_for
from gridgov.assessment.indicators import CASES, indicators_of
from gridgov.assessment.models import Kind
from gridgov.assessment.periods import Period
from gridgov.assessment.testing import at
from gridgov.cases.errors import WorkflowError
from gridgov.cases.models import Case, Source
from gridgov.cases.monitor import sweep_deadlines
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT, build_case_world
from gridgov.cases.workflow import NewCase, perform, report_case

pytestmark = pytest.mark.django_db

C, H, W, CH, R = (
    Role.COMMUNITY_ADMIN,
    Role.DEPARTMENT_HANDLER,
    Role.GRID_WORKER,
    Role.GRID_CHIEF,
    Role.RESIDENT,
)
ACTIONS = {
    "register": (C, {}),
    "reject": (C, {"reason": "no"}),
    "dispatch": (C, {"department": "urban_mgmt"}),
    "accept": (H, {}),
    "return": (H, {"reason": "not ours"}),
    "handle": (H, {"result": "done"}),
    "verify": (CH, {}),
    "reopen": (CH, {"reason": "again"}),
    "close": (C, {}),
    "rate": (R, {"rating": 4}),
    "rate_low": (R, {"rating": 2}),
    "not_fixed": (R, {"reason": "still"}),
    "escalate": (C, {"reason": "too big"}),
    "sweep": (None, {}),
}
step = st.tuples(st.integers(0, 5), st.sampled_from(sorted(ACTIONS)), st.integers(0, 26 * 60))


def _report(world, index: int):
    if index % 3 == 2:
        data = NewCase(
            category="0201",
            description="d",
            lon=HOME_POINT[0],
            lat=HOME_POINT[1],
            self_handled=True,
            result="done",
        )
        return report_case(data, actor=world.users[W])[0]
    point = OTHER_STREET_POINT if index % 4 == 3 else HOME_POINT
    data = NewCase(category="0201", description="d", lon=point[0], lat=point[1], source=Source.RESIDENT)
    return report_case(data, actor=world.users[R])[0]


def _check_figures(period: Period) -> None:
    for kind in (Kind.GRID, Kind.STREET, Kind.DEPARTMENT, Kind.WORKER):
        for row in indicators_for(kind, period, compare=False):
            for indicator in indicators_of(kind):
                if indicator.source != CASES:
                    continue
                for part in ("numerator", "denominator"):
                    name = getattr(indicator, part)
                    if not name:
                        continue
                    facts = cases_behind(indicator, part, kind, row.key, period)
                    field = MEASURES[name].sum_field
                    listed = (facts.aggregate(n=Sum(field))["n"] or 0) if field else facts.count()
                    assert listed == getattr(row.figures[indicator.code], part), (kind, indicator.code, part)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=4, max_size=25), reports=st.integers(2, 6))
def test_figures_match_cases_over_random_histories(time_machine, steps, reports):
    start = at(2026, 3, 2, 9, 0)
    time_machine.move_to(start, tick=False)
    with transaction.atomic():
        world = build_case_world()
        cases = [_report(world, i) for i in range(reports)]
        refresh_case_facts([c.pk for c in cases])
        now = start
        for index, action, minutes in steps:
            now += timedelta(minutes=minutes)
            time_machine.move_to(now, tick=False)
            case = cases[index % len(cases)]
            role, params = ACTIONS[action]
            if action == "sweep":
                sweep_deadlines()
                touched = list(Case.objects.values_list("pk", flat=True))
            else:
                with contextlib.suppress(WorkflowError):  # most random actions do not apply: fine
                    perform(case.pk, action.removesuffix("_low"), actor=world.users[role], **params)
                touched = [case.pk]
            refresh_case_facts(touched)  # incremental: facts and dirty days, as the signal does
            catch_up()  # as the periodic task does
        first, last = start.date(), now.date()
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        incremental = Counter(DailyFact.objects.values_list(*_columns()))
        # Daily rows equal the CaseFact recounts, day by day.
        for day in days:
            for name, m in MEASURES.items():
                facts = CaseFact.objects.filter(facts_on(m, day, day + timedelta(days=1)))
                expected = (facts.aggregate(n=Sum(m.sum_field))["n"] or 0) if m.sum_field else facts.count()
                got = DailyFact.objects.filter(day=day).aggregate(n=Sum(name))["n"] or 0
                assert got == expected, (day, name)
            open_end = DailyFact.objects.filter(day=day).aggregate(n=Sum("open_end"))["n"] or 0
            assert open_end == CaseFact.objects.filter(open_at_end_of(day)).count(), day
        # A full rebuild gives the same rows.
        DailyFact.objects.all().delete()
        aggregate_days(days)
        assert Counter(DailyFact.objects.values_list(*_columns())) == incremental
        for period in {Period.containing("month", d) for d in (first, last)}:
            _check_figures(period)
        transaction.set_rollback(True)


def _columns() -> list[str]:
    return [f.attname for f in DailyFact._meta.concrete_fields if f.attname != "id"]
