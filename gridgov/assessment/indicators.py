"""The one table of assessment indicators.

Case indicators name their numerator and denominator as measures of
`gridgov.analytics.measures.MEASURES` (counted over DailyFact for areas and departments, over
CaseFact for grid workers, and listed from CaseFact by the drill-down with the same filters).
The three field-work indicators read their own sources (`source`): patrol visits, the registry's
change history (the audit log of person records) and campaign progress. docs/assessment.md
repeats every definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.assessment.models import Kind

PERCENT, COUNT, HOURS = "%", "count", "hours"
CASES, VISITS, REGISTRY, CAMPAIGNS = "cases", "visits", "registry", "campaigns"
AREA_KINDS = frozenset({Kind.WORKER, Kind.GRID, Kind.COMMUNITY, Kind.STREET})
ALL_KINDS = frozenset(Kind)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    definition: str | Promise
    numerator: str  # a measure name (cases) or the source's numerator
    denominator: str | None  # None: a plain count
    higher_is_better: bool
    unit: str
    complement: bool = False  # value = 1 - numerator / denominator
    source: str = CASES
    kinds: frozenset = ALL_KINDS

    def value(self, numerator: float, denominator: float | None) -> float | None:
        """The indicator's value from its parts (None when a rate has nothing to divide by)."""
        if self.denominator is None:
            return float(numerator)
        if not denominator:
            return None
        ratio = numerator / denominator
        if self.complement:
            ratio = 1 - ratio
        if self.unit == HOURS:
            return ratio / 3600
        return ratio


def _i(code, label, definition, numerator, denominator, higher, unit, **extra) -> Indicator:
    return Indicator(code, label, definition, numerator, denominator, higher, unit, **extra)


INDICATORS: tuple[Indicator, ...] = (
    _i(
        "reports",
        _("Reports"),
        _("Cases reported in the period (by their report date)."),
        "reported",
        None,
        True,
        COUNT,
    ),
    _i(
        "valid_rate",
        _("Valid-report rate"),
        _("Reports of the period neither rejected nor merged as duplicates, divided by all its reports."),
        "valid",
        "reported",
        True,
        PERCENT,
    ),
    _i(
        "registered",
        _("Registered cases"),
        _("Valid reports of the period accepted as cases (registered, or handled on the spot)."),
        "registered",
        None,
        True,
        COUNT,
    ),
    _i(
        "registration_rate",
        _("Registration rate"),
        _("Registered cases divided by the valid reports of the period."),
        "registered",
        "valid",
        True,
        PERCENT,
    ),
    _i(
        "timely_registration_rate",
        _("Timely registration rate"),
        _("Registered cases registered within the registration time limit, divided by registered cases."),
        "registered_in_time",
        "registered",
        True,
        PERCENT,
    ),
    _i(
        "dispatches",
        _("Dispatches"),
        _(
            "Dispatch actions of the cases first dispatched in the period (re-dispatches after a"
            " return count)."
        ),
        "dispatches",
        None,
        True,
        COUNT,
    ),
    _i(
        "timely_dispatch_rate",
        _("Timely dispatch rate"),
        _("Cases first dispatched in the period within the dispatch time limit, divided by those cases."),
        "dispatched_in_time",
        "dispatched",
        True,
        PERCENT,
    ),
    _i(
        "accurate_dispatch_rate",
        _("Accurate dispatch rate"),
        _("1 − returns ÷ dispatches, over the cases first dispatched in the period."),
        "returned",
        "dispatches",
        True,
        PERCENT,
        complement=True,
    ),
    _i(
        "handling_rate",
        _("Handling rate"),
        _(
            "Cases first dispatched in the period whose result stands (handled, verified or "
            "closed), divided by those cases."
        ),
        "handled",
        "dispatched",
        True,
        PERCENT,
    ),
    _i(
        "on_time_handling_rate",
        _("On-time handling rate"),
        _(
            "Handled cases (of those first dispatched in the period) whose every result came "
            "within the handling deadline, divided by handled cases."
        ),
        "handled_in_time",
        "handled",
        True,
        PERCENT,
    ),
    _i(
        "overdue_handling",
        _("Overdue handling"),
        _("Cases first dispatched in the period whose handling ran over its deadline at least once."),
        "handle_overdue",
        None,
        False,
        COUNT,
    ),
    _i(
        "rework_rate",
        _("Rework rate"),
        _(
            "Cases closed in the period that were reworked (sent back at verification, or "
            "reopened by the resident), divided by cases closed."
        ),
        "reworked",
        "closed",
        False,
        PERCENT,
    ),
    _i(
        "closure_rate",
        _("Closure rate"),
        _("Registered cases of the period's reports that are closed now, divided by registered cases."),
        "resolved",
        "registered",
        True,
        PERCENT,
    ),
    _i(
        "on_time_closure_rate",
        _("On-time closure rate"),
        _(
            "Cases closed in the period with no stage ever over its deadline and no rework or "
            "resident reopening, divided by cases closed. A closure the resident reopens leaves "
            "its month's count."
        ),
        "closed_in_time",
        "closed",
        True,
        PERCENT,
    ),
    _i(
        "avg_handling_hours",
        _("Average handling time"),
        _(
            "Hours from the first dispatch to the last result, averaged over the handled cases "
            "first dispatched in the period."
        ),
        "handling_seconds_sum",
        "handled",
        False,
        HOURS,
    ),
    _i(
        "satisfaction_rate",
        _("Satisfaction rate"),
        _("Ratings of 4 or 5 given in the period, divided by all ratings given in the period."),
        "satisfied",
        "rated",
        True,
        PERCENT,
    ),
    _i(
        "self_handled",
        _("Handled on the spot"),
        _("Reports of the period handled on the spot by grid staff (and not reopened)."),
        "self_handled",
        None,
        True,
        COUNT,
    ),
    _i(
        "visit_coverage",
        _("Visit coverage"),
        _(
            "Households visited at least once in the period (by the worker, or in the area), "
            "divided by the active households of the area (of the worker's grids)."
        ),
        "visited_households",
        "households",
        True,
        PERCENT,
        source=VISITS,
        kinds=AREA_KINDS,
    ),
    _i(
        "info_update_rate",
        _("Information-update rate"),
        _(
            "Registered persons created, edited or given a new status in the period (registry "
            "change log), divided by the persons of the area."
        ),
        "updated_persons",
        "persons",
        True,
        PERCENT,
        source=REGISTRY,
        kinds=AREA_KINDS,
    ),
    _i(
        "campaign_completion",
        _("Campaign completion"),
        _(
            "Targets done divided by all targets of the campaigns active in the period (campaign"
            " progress per grid)."
        ),
        "targets_done",
        "targets",
        True,
        PERCENT,
        source=CAMPAIGNS,
        kinds=AREA_KINDS,
    ),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def indicators_of(kind: str) -> list[Indicator]:
    return [i for i in INDICATORS if kind in i.kinds]
