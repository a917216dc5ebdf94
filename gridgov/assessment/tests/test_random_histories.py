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


# --- Field work: visits, registry changes and campaign progress ------------------------------------

field_step = st.tuples(
    st.sampled_from(["visit", "visit_nobody", "edit", "deactivate"]),
    st.integers(0, 5),
    st.integers(0, 3 * 24 * 60),
)
window = st.tuples(st.integers(0, 45), st.one_of(st.none(), st.integers(0, 45)))


def _check_field_figures(period: Period, area) -> None:
    from gridgov.assessment.compute import entities
    from gridgov.assessment.drilldown import frozen_ids, frozen_records, records_behind

    for kind in (Kind.WORKER, Kind.GRID, Kind.COMMUNITY, Kind.STREET):
        ents = entities(kind, area)
        frozen = frozen_ids(kind, period, ents, area)
        by_key = {e.key: e for e in ents}
        for row in indicators_for(kind, period, area=area, compare=False):
            for indicator in indicators_of(kind):
                if indicator.source == CASES:
                    continue
                for part in ("numerator", "denominator"):
                    expected = getattr(row.figures[indicator.code], part)
                    live = records_behind(indicator, part, kind, by_key[row.key], period, area=area)
                    assert live.figure() == expected, (kind, row.label, indicator.code, part, "live")
                    kept = frozen_records(indicator.source, part, frozen[row.key][indicator.code])
                    assert kept.figure() == expected, (kind, row.label, indicator.code, part, "frozen")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(field_step, min_size=3, max_size=14), campaigns=st.lists(window, min_size=1, max_size=3)
)
def test_field_work_figures_match_their_records_over_random_histories(time_machine, steps, campaigns):
    from gridgov.campaigns.models import Campaign, GridProgress
    from gridgov.patrol.errors import PatrolError
    from gridgov.patrol.testing import build_patrol_world, visit
    from gridgov.people import services

    start = at(2026, 2, 20, 9, 0)
    time_machine.move_to(start, tick=False)
    with transaction.atomic():
        reg = build_patrol_world()
        admin = reg.users[Role.DISTRICT_ADMIN]
        visitors = [reg.users[W], reg.users["worker_b"], reg.users[CH]]
        grids = [u for code, u in reg.units.items() if len(code) == 15 and code.startswith("150502")]
        for number, (begins, lasts) in enumerate(campaigns):
            began = start + timedelta(days=begins)
            campaign = Campaign.objects.create(
                name=f"c{number}",
                kind="heating",
                status="active",
                org_path="150502",
                starts_at=began,
                ends_at=began + timedelta(days=60),
                started_at=began,
                ended_at=None if lasts is None else began + timedelta(days=lasts),
                created_by=admin,
            )
            for index, grid in enumerate(grids):
                GridProgress.objects.create(
                    campaign=campaign,
                    grid=grid,
                    org_path=grid.path,
                    total=3 + index + number,
                    done=index + number,
                )
        now = start
        for action, index, minutes in steps:
            now += timedelta(minutes=minutes)
            time_machine.move_to(now, tick=False)
            household = ("a101", "b201")[index % 2]
            if action.startswith("visit"):
                with contextlib.suppress(PatrolError):
                    visit(
                        reg,
                        household,
                        by=visitors[index % 3],
                        visited_at=now,
                        nobody_home=action == "visit_nobody",
                    )
            elif action == "edit":
                person = reg.persons[("head", "spouse", "other_grid")[index % 3]]
                person.refresh_from_db()
                person.note = f"checked {now:%m-%d %H:%M}"
                services.save_person(person, actor=admin)
            else:
                target = reg.households[household]
                target.refresh_from_db()
                target.is_active = not target.is_active
                services.save_household(target, actor=admin)
        district = reg.units["150502"]
        for day in {start.date(), now.date()}:
            for period in (Period.containing("month", day), Period.containing("week", day)):
                _check_field_figures(period, district)
                _check_field_figures(period, None)
        transaction.set_rollback(True)
