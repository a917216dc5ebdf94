"""Weighted scores and grades.

score = Σ weight × normalised value / Σ weights, over the indicators that have a value (a rate
with nothing to divide by leaves the sum, weight and all). Normalisation to 0–100:
- rates: the value × 100, or (1 − value) × 100 when lower is better (rework rate);
- counts and hours: relative to the entities assessed together — value ÷ best × 100 when higher
  is better; when lower is better, 100 × (1 − value ÷ worst) (0 overdue cases scores 100).
Grades: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E. An entity with no data at all in the period
(no count above zero, no rate with a denominator) is not graded: no score, grade or rank.
"""

from __future__ import annotations

from gridgov.assessment.indicators import BY_CODE, PERCENT
from gridgov.assessment.models import Kind, WeightSet

# Defaults after the practice of digital urban-management assessment (docs/assessment.md).
DEFAULTS: dict[str, dict[str, int]] = {
    Kind.DEPARTMENT: {
        "on_time_handling_rate": 30,
        "satisfaction_rate": 20,
        "rework_rate": 15,
        "on_time_closure_rate": 15,
        "accurate_dispatch_rate": 10,
        "overdue_handling": 10,
    },
    Kind.WORKER: {
        "visit_coverage": 25,
        "reports": 15,
        "valid_rate": 15,
        "info_update_rate": 15,
        "self_handled": 10,
        "campaign_completion": 10,
        "on_time_closure_rate": 10,
    },
    Kind.GRID: {
        "on_time_closure_rate": 20,
        "closure_rate": 15,
        "satisfaction_rate": 15,
        "visit_coverage": 15,
        "reports": 10,
        "rework_rate": 10,
        "info_update_rate": 10,
        "campaign_completion": 5,
    },
    Kind.COMMUNITY: {
        "on_time_closure_rate": 20,
        "timely_registration_rate": 15,
        "timely_dispatch_rate": 15,
        "closure_rate": 15,
        "satisfaction_rate": 15,
        "accurate_dispatch_rate": 10,
        "rework_rate": 10,
    },
}
DEFAULTS[Kind.STREET] = dict(DEFAULTS[Kind.COMMUNITY])

GRADES = (("A", 90), ("B", 75), ("C", 60), ("D", 40))


def weights_for(kind: str) -> dict[str, int]:
    """The weights set in the admin for `kind`, or the defaults when none are set."""
    stored = dict(WeightSet.objects.filter(kind=kind, weight__gt=0).values_list("indicator", "weight"))
    stored = {code: w for code, w in stored.items() if code in BY_CODE}
    return stored or dict(DEFAULTS.get(kind, {}))


def grade_of(score: float | None) -> str:
    if score is None:
        return ""
    for grade, floor in GRADES:
        if score >= floor - 1e-9:
            return grade
    return "E"


def normalised(code: str, value: float | None, values: list[float]) -> float | None:
    """`value` of indicator `code` on the 0–100 scale, among `values` of all entities assessed together."""
    if value is None:
        return None
    indicator = BY_CODE[code]
    if indicator.unit == PERCENT:
        share = min(max(value, 0.0), 1.0)
        return 100 * (share if indicator.higher_is_better else 1 - share)
    if indicator.higher_is_better:
        best = max(values, default=0)
        return 100 * value / best if best > 0 else 100.0
    worst = max(values, default=0)
    return 100 * (1 - value / worst) if worst > 0 else 100.0


def has_data(figures) -> bool:
    """Whether an entity has anything to assess in the period: some count above zero or some rate
    with something to divide by. Without, it is "not graded" rather than graded E on zeros."""
    return any(f.numerator or f.denominator for f in figures.values())


def score_rows(kind: str, rows, weights: dict[str, int]) -> None:
    """Set `score` and `rank` on rows (objects with `.figures` {code: Figure}) assessed together.

    A row with no data at all (has_data) gets no score and no rank, and does not take part in the
    normalisation of the others' counts.
    """
    graded = [r for r in rows if has_data(r.figures)]
    graded_ids = {id(r) for r in graded}
    columns = {
        code: [
            r.figures[code].value for r in graded if code in r.figures and r.figures[code].value is not None
        ]
        for code in weights
    }
    for row in rows:
        if id(row) not in graded_ids:
            row.score = None
            continue
        total = weight_sum = 0.0
        for code, weight in weights.items():
            figure = row.figures.get(code)
            n = normalised(code, figure.value if figure else None, columns[code])
            if n is None:
                continue
            total += weight * n
            weight_sum += weight
        row.score = round(total / weight_sum, 2) if weight_sum else None
    ranked = sorted((r for r in rows if r.score is not None), key=lambda r: -r.score)
    previous_score, previous_rank = None, 0
    for position, row in enumerate(ranked, start=1):
        row.rank = previous_rank if row.score == previous_score else position
        previous_score, previous_rank = row.score, row.rank
    for row in rows:
        if row.score is None:
            row.rank = None
