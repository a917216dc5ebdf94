"""The one definition of every daily count: which CaseFact rows it counts and on which day.

DailyFact columns, the assessment's indicators and the drill-down lists all use this table, so
a figure and the cases behind it cannot disagree. A measure either counts cases (`sum_field`
None) or sums a CaseFact field over them (`sum_field`); the cases behind a summed measure are
the rows that contribute to the sum.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Measure:
    name: str
    day_field: str  # the CaseFact date the count is taken on
    condition: Q  # which facts count (besides having that date)
    sum_field: str | None = None  # None: count the cases; else the sum of this field


_HANDLED = Q(handled_at__isnull=False, state__in=["handled", "verified", "closed"])

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        # Intake cohort: on the reported day.
        Measure("reported", "reported_on", Q()),
        Measure("valid", "reported_on", Q(valid=True)),
        Measure("registered", "reported_on", Q(valid=True, registered_at__isnull=False)),
        Measure(
            "registered_in_time",
            "reported_on",
            Q(valid=True, registered_at__isnull=False, registered_in_time=True),
        ),
        Measure("self_handled", "reported_on", Q(self_handled=True)),
        Measure("resolved", "reported_on", Q(valid=True, closed=True)),
        Measure("reopened", "reported_on", Q(reopened_after_close=True)),
        Measure("overdue", "reported_on", Q(overdue=True)),
        # Dispatch cohort: on the day of the first dispatch.
        Measure("dispatched", "dispatched_on", Q()),
        Measure("dispatched_in_time", "dispatched_on", Q(dispatched_in_time=True)),
        Measure("dispatches", "dispatched_on", Q(dispatched_count__gt=0), "dispatched_count"),
        Measure("returned", "dispatched_on", Q(returned_count__gt=0), "returned_count"),
        Measure("handled", "dispatched_on", _HANDLED),
        Measure("handled_in_time", "dispatched_on", _HANDLED & Q(handled_in_time=True)),
        Measure("handle_overdue", "dispatched_on", Q(handle_overdue=True)),
        Measure(
            "handling_seconds_sum",
            "dispatched_on",
            _HANDLED & Q(handling_seconds__isnull=False),
            "handling_seconds",
        ),
        # Closing: on the day of the (last) closing.
        Measure("closed", "closed_on", Q(closed=True)),
        Measure("closed_in_time", "closed_on", Q(closed=True, closed_in_time=True)),
        Measure("reworked", "closed_on", Q(closed=True, reworks__gt=0)),
        Measure("reworks", "closed_on", Q(closed=True, reworks__gt=0), "reworks"),
        # Rating: on the day of the rating.
        Measure("rated", "rated_on", Q(rating__isnull=False)),
        Measure("satisfied", "rated_on", Q(rating__isnull=False, satisfied=True)),
    )
}

# Every day field a fact can be counted on (the days a refresh of the fact makes dirty).
DAY_FIELDS = ("reported_on", "dispatched_on", "closed_on", "rated_on")


def facts_on(measure: Measure, start, end) -> Q:
    """The facts `measure` counts for the local days start <= day < end."""
    return Q(**{f"{measure.day_field}__gte": start, f"{measure.day_field}__lt": end}) & measure.condition


def open_at_end_of(day) -> Q:
    """Facts open at the end of `day`: reported by then and not finished by then."""
    return Q(reported_on__lte=day) & (Q(finished_on__isnull=True) | Q(finished_on__gt=day))
