"""DailyFact: each count on its event's day, sums equal CaseFact recounts, open_end carries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Sum

from gridgov.access.roles import Role
from gridgov.analytics.daily import aggregate_days, catch_up, today_counts
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.measures import MEASURES, facts_on, open_at_end_of
from gridgov.analytics.models import AggregationMark, CaseFact, DailyFact
from gridgov.analytics.testing import act, at, resident_case, worker_case
from gridgov.cases.models import Case

pytestmark = pytest.mark.django_db

C = Role.COMMUNITY_ADMIN
H = Role.DEPARTMENT_HANDLER
W = Role.GRID_WORKER
D11, D12, D13 = date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13)


def day_sum(day: date, column: str) -> int:
    return DailyFact.objects.filter(day=day).aggregate(n=Sum(column))["n"] or 0


@pytest.fixture
def history(world, clock):
    """Wed 11: two reports (one closed on Thu 12), one rejected on the 11th. Thu 12: a self-handled report."""
    a = resident_case(world)
    act(world, a, "register", C)
    act(world, a, "dispatch", C, department="urban_mgmt")
    act(world, a, "accept", H)
    b = resident_case(world)
    r = resident_case(world)
    act(world, r, "reject", C, reason="no")
    clock.move_to(at(2026, 3, 12, 10, 0), tick=False)
    act(world, a, "handle", H, result="done")
    act(world, a, "verify", W)
    act(world, a, "close", C)
    s = worker_case(world, self_handled=True, result="swept")
    clock.move_to(at(2026, 3, 13, 10, 0), tick=False)
    act(world, a, "rate", Role.RESIDENT, rating=2)
    refresh_case_facts(Case.objects.values_list("pk", flat=True))
    aggregate_days([D11, D12, D13])
    return {"a": a, "b": b, "r": r, "s": s}


def test_counts_land_on_their_event_days(history):
    assert (day_sum(D11, "reported"), day_sum(D11, "valid"), day_sum(D11, "registered")) == (3, 2, 1)
    assert (day_sum(D12, "reported"), day_sum(D12, "self_handled"), day_sum(D12, "registered")) == (1, 1, 1)
    assert day_sum(D11, "dispatched") == 1 and day_sum(D11, "handled") == 1
    assert day_sum(D11, "handling_seconds_sum") == 25 * 3600  # Wed 09:00 -> Thu 10:00
    assert (day_sum(D11, "closed"), day_sum(D12, "closed"), day_sum(D12, "closed_in_time")) == (0, 1, 1)
    assert (day_sum(D13, "rated"), day_sum(D13, "satisfied")) == (1, 0)
    assert day_sum(D11, "resolved") == 1


def test_open_at_day_end(history):
    # End of Wed: a and b open (r rejected). End of Thu: b and the self-handled s. Fri: the same.
    assert [day_sum(d, "open_end") for d in (D11, D12, D13)] == [2, 2, 2]
    for d in (D11, D12, D13):
        assert day_sum(d, "open_end") == CaseFact.objects.filter(open_at_end_of(d)).count()


def test_every_daily_column_equals_the_casefact_recount(history):
    for name, measure in MEASURES.items():
        for d in (D11, D12, D13):
            facts = CaseFact.objects.filter(facts_on(measure, d, d.replace(day=d.day + 1)))
            expected = (
                facts.aggregate(n=Sum(measure.sum_field))["n"] or 0 if measure.sum_field else facts.count()
            )
            assert day_sum(d, name) == expected, (name, d)


def test_reaggregating_a_dirty_day_after_a_change(history, world, clock):
    clock.move_to(at(2026, 3, 13, 11, 0), tick=False)
    act(world, history["b"], "reject", C, reason="dup")
    days = refresh_case_facts([history["b"].pk])
    assert days == {D11, D13}
    assert set(AggregationMark.objects.values_list("day", flat=True)) == {D11, D13}
    aggregate_days(days)
    assert day_sum(D11, "valid") == 1 and day_sum(D13, "open_end") == 1
    assert not AggregationMark.objects.exists()


def test_catch_up_aggregates_marked_days_and_today(history, world, clock):
    DailyFact.objects.filter(day=D13).delete()
    catch_up()
    assert day_sum(D13, "open_end") == 2 and day_sum(D13, "rated") == 1


def test_today_counts_come_from_the_facts(history):
    counts = today_counts()
    assert counts["rated"] == 1 and counts["open_end"] == 2 and counts["reported"] == 0
