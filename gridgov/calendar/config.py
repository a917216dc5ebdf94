"""Working hours: parsing and validating the WORKING_HOURS setting.

Imported by settings.py, so this module touches neither models nor django.conf at import time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ImproperlyConfigured

WorkingHours = list[tuple[time, time]]

DEFAULT_WORKING_HOURS_TEXT = "08:30-12:00,13:30-17:30"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _parse_time(text: str, where: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise ImproperlyConfigured(f"working hours {where}: {text.strip()!r} is not a time HH:MM")
    return time(int(match.group(1)), int(match.group(2)))


def validate_working_hours(periods: Iterable[tuple[time | str, time | str]]) -> WorkingHours:
    """Normalize periods given as times or "HH:MM" strings; raise ImproperlyConfigured unless
    there is at least one, each starts before it ends, and they are in order without overlap."""
    result: WorkingHours = []
    for number, period in enumerate(periods, start=1):
        where = f"period {number}"
        try:
            start, end = period
        except (TypeError, ValueError):
            raise ImproperlyConfigured(
                f"working hours {where}: expected (start, end), got {period!r}"
            ) from None
        start_time = start if isinstance(start, time) else _parse_time(str(start), where)
        end_time = end if isinstance(end, time) else _parse_time(str(end), where)
        if start_time.tzinfo is not None or end_time.tzinfo is not None:
            raise ImproperlyConfigured(f"working hours {where}: give local times without a time zone")
        if start_time >= end_time:
            raise ImproperlyConfigured(
                f"working hours {where}: start {start_time:%H:%M} is not before end {end_time:%H:%M}"
            )
        if result and start_time < result[-1][1]:
            raise ImproperlyConfigured(
                f"working hours {where}: {start_time:%H:%M}-{end_time:%H:%M} overlaps or comes before "
                f"the previous period {result[-1][0]:%H:%M}-{result[-1][1]:%H:%M}; list periods in order"
            )
        result.append((start_time, end_time))
    if not result:
        raise ImproperlyConfigured("working hours: at least one period is required")
    return result


def parse_working_hours(text: str) -> WorkingHours:
    """Parse "08:30-12:00,13:30-17:30" (GRIDGOV_WORKING_HOURS) into [(time, time), ...].

    Raises ImproperlyConfigured naming the period and the reason: malformed, empty,
    start not before end, overlapping or out of order.
    """
    pairs: list[tuple[str, str]] = []
    for number, chunk in enumerate(text.split(","), start=1):
        chunk = chunk.strip()
        parts = chunk.split("-")
        if len(parts) != 2:
            raise ImproperlyConfigured(f"working hours period {number}: {chunk!r} is not HH:MM-HH:MM")
        pairs.append((parts[0], parts[1]))
    return validate_working_hours(pairs)


def day_length(periods: WorkingHours) -> timedelta:
    """Working time in one working day: the sum of the periods (7.5 h for the default hours)."""
    return sum(
        (datetime.combine(date.min, end) - datetime.combine(date.min, start) for start, end in periods),
        timedelta(),
    )
