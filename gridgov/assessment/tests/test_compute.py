"""Every indicator on the hand-built history of assessment.testing, answers worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from gridgov.access.roles import Role
from gridgov.analytics.measures import MEASURES
from gridgov.assessment.compute import cases_behind, indicators_for
from gridgov.assessment.indicators import BY_CODE, INDICATORS
from gridgov.assessment.models import Kind
from gridgov.assessment.periods import Period
from gridgov.patrol.testing import GRID_A

pytestmark = pytest.mark.django_db

MARCH = Period("month", date(2026, 3, 1))

# Grid A, March 2026 (see the history's docstring for the derivation of each figure).
GRID_A_MARCH = {
    "reports": (5.0, 5, None),
    "valid_rate": (0.8, 4, 5),
    "registered": (4.0, 4, None),
    "registration_rate": (1.0, 4, 4),
    "timely_registration_rate": (0.75, 3, 4),  # c2 registered late
    "dispatches": (4.0, 4, None),  # c1, c2, and c5 twice
    "timely_dispatch_rate": (1.0, 3, 3),
    "accurate_dispatch_rate": (0.75, 1, 4),  # one return in four dispatches
    "handling_rate": (2 / 3, 2, 3),  # c5 is still in progress
    "on_time_handling_rate": (1.0, 2, 2),
    "overdue_handling": (1.0, 1, None),  # c5, flagged by the monitor
    "rework_rate": (0.5, 1, 2),  # c2
    "closure_rate": (0.5, 2, 4),
    "on_time_closure_rate": (0.5, 1, 2),  # c2 ran late and was reworked
    "avg_handling_hours": (10.5, 75600, 2),  # (1 h + 20 h) / 2
    "satisfaction_rate": (0.5, 1, 2),
    "self_handled": (1.0, 1, None),
    "visit_coverage": (1.0, 1, 1),
    "info_update_rate": (1.0, 2, 2),
    "campaign_completion": (0.4, 4, 10),
}


def rows_by_key(kind, period=MARCH, area=None):
    return {r.key: r for r in indicators_for(kind, period, area=area)}


def figure(row, code):
    f = row.figures[code]
    return (pytest.approx(f.value) if f.value is not None else None, f.numerator, f.denominator)


def test_every_indicator_of_grid_a(history):
    row = rows_by_key(Kind.GRID)[str(history.units[GRID_A].pk)]
    assert set(row.figures) == {i.code for i in INDICATORS}
    for code, (value, numerator, denominator) in GRID_A_MARCH.items():
        assert figure(row, code) == (pytest.approx(value), numerator, denominator), code


def test_period_on_period_and_year_on_year(history):
    row = rows_by_key(Kind.GRID)[str(history.units[GRID_A].pk)]
    # February 2026: one report, rejected; no visits; persons unchanged; no campaign running.
    assert row.previous["reports"] == 1 and row.previous["valid_rate"] == 0.0
    assert row.previous["visit_coverage"] == 0.0 and row.previous["info_update_rate"] == 0.0
    assert row.previous["campaign_completion"] is None
    # March 2025: one report, closed on time.
    assert row.year_ago["reports"] == 1 and row.year_ago["valid_rate"] == 1.0
    assert row.year_ago["on_time_closure_rate"] == 1.0 and row.year_ago["rework_rate"] == 0.0
    assert row.year_ago["satisfaction_rate"] is None  # nothing rated


def test_community_rolls_up_its_grids(history):
    row = rows_by_key(Kind.COMMUNITY)[str(history.units["150502001001"].pk)]
    assert figure(row, "reports") == (5.0, 5, None)
    assert figure(row, "visit_coverage") == (0.5, 1, 2)  # a101 visited, b201 not
    assert figure(row, "info_update_rate") == (1.0, 3, 3)
    assert figure(row, "campaign_completion") == (pytest.approx(0.625), 10, 16)
    other = rows_by_key(Kind.COMMUNITY)[str(history.units["150502002001"].pk)]
    assert figure(other, "reports") == (0.0, 0, None) and other.figures["valid_rate"].value is None


def test_department_figures_and_score(history):
    (row,) = indicators_for(Kind.DEPARTMENT, MARCH)
    assert figure(row, "reports") == (3.0, 3, None)  # c1, c2, c5 are with the department now
    assert figure(row, "on_time_handling_rate") == (1.0, 2, 2)
    assert figure(row, "on_time_closure_rate") == (0.5, 1, 2)
    assert "visit_coverage" not in row.figures
    # 30·100 + 20·50 (satisfaction) + 15·50 (rework) + 15·50 (on-time closure) + 10·75 (accuracy)
    # + 10·0 (the one department has the most overdue handling) = 6250 / 100.
    assert row.score == 62.5 and row.grade == "C" and row.rank == 1


def test_grid_worker(history):
    worker = history.users[Role.GRID_WORKER]
    rows = rows_by_key(Kind.WORKER)
    row = rows[str(worker.pk)]
    assert figure(row, "reports") == (1.0, 1, None)  # c4, handled on the spot
    assert figure(row, "self_handled") == (1.0, 1, None)
    assert figure(row, "valid_rate") == (1.0, 1, 1)
    assert figure(row, "visit_coverage") == (1.0, 1, 1)
    assert figure(row, "info_update_rate") == (1.0, 2, 2)
    assert figure(row, "campaign_completion") == (pytest.approx(0.4), 4, 10)
    assert row.figures["on_time_closure_rate"].value is None
    worker_b = rows[str(history.users["worker_b"].pk)]
    assert figure(worker_b, "campaign_completion") == (1.0, 6, 6)
    assert figure(worker_b, "reports") == (0.0, 0, None)


def test_area_limits_the_entities(history):
    street = history.units["150502002"]
    assert set(rows_by_key(Kind.GRID, area=street)) == {str(history.units["150502002001001"].pk)}


def test_drill_down_matches_every_case_figure(history):
    grid = str(history.units[GRID_A].pk)
    row = rows_by_key(Kind.GRID)[grid]
    c = {name: case.pk for name, case in history.cases.items()}

    def ids(code, part):
        return sorted(
            cases_behind(BY_CODE[code], part, Kind.GRID, grid, MARCH).values_list("case_id", flat=True)
        )

    assert ids("valid_rate", "denominator") == sorted([c["c1"], c["c2"], c["c3"], c["c4"], c["c5"]])
    assert ids("valid_rate", "numerator") == sorted([c["c1"], c["c2"], c["c4"], c["c5"]])
    assert ids("on_time_closure_rate", "numerator") == [c["c1"]]
    assert ids("rework_rate", "numerator") == [c["c2"]]
    assert ids("accurate_dispatch_rate", "numerator") == [c["c5"]]
    assert ids("overdue_handling", "numerator") == [c["c5"]]
    for indicator in INDICATORS:
        if indicator.source != "cases":
            assert not cases_behind(indicator, "numerator", Kind.GRID, grid, MARCH).exists()
            continue
        for part in ("numerator", "denominator"):
            name = indicator.numerator if part == "numerator" else indicator.denominator
            if name is None:
                continue
            facts = cases_behind(indicator, part, Kind.GRID, grid, MARCH)
            figure_value = getattr(row.figures[indicator.code], part)
            sum_field = MEASURES[name].sum_field
            listed = sum(getattr(f, sum_field) for f in facts) if sum_field else facts.count()
            assert listed == figure_value, (indicator.code, part)


def test_periods():
    p = Period.parse("quarter:2026-05-17")
    assert (p.start, p.end, p.previous().start, p.year_ago().start) == (
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 1, 1),
        date(2025, 4, 1),
    )
    w = Period.parse("week:2026-03-12")
    assert (w.start, w.end, w.previous().start) == (date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 2))
    assert Period.parse("year:2026-06-01").end == date(2027, 1, 1)
    assert Period.parse("day:2026-02-28").next().start == date(2026, 3, 1)
    with pytest.raises(ValueError):
        Period.parse("month:2026-13-01")
    with pytest.raises(ValueError):
        Period.parse("decade:2026-01-01")
