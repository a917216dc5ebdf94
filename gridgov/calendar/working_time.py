"""Working-time arithmetic for deadlines.

Working time is the time inside the working hours (settings.WORKING_HOURS, local time in
settings.TIME_ZONE) of working days (gridgov.calendar.days). Every function takes and
returns aware datetimes and raises ValueError for naive ones. Pauses (suspensions) are
closed intervals [p0, p1) of wall-clock time that do not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings

from gridgov.calendar.config import (
    DEFAULT_WORKING_HOURS_TEXT,
    WorkingHours,
    day_length,
    parse_working_hours,
    validate_working_hours,
)
from gridgov.calendar.days import is_working_day

Pause = tuple[datetime, datetime]
# add_working_time gives up when this many calendar days hold too little working time.
MAX_SEARCH_DAYS = 366 * 20
_ZERO = timedelta()


@lru_cache(maxsize=8)
def _normalized_hours(raw: tuple | str | None) -> WorkingHours:
    if raw is None:
        return parse_working_hours(DEFAULT_WORKING_HOURS_TEXT)
    if isinstance(raw, str):
        return parse_working_hours(raw)
    return validate_working_hours(raw)


def working_hours() -> WorkingHours:
    """The validated working periods of a working day (default 08:30–12:00 and 13:30–17:30)."""
    raw = getattr(settings, "WORKING_HOURS", None)
    if isinstance(raw, list):
        raw = tuple(tuple(period) for period in raw)
    return _normalized_hours(raw)


def working_day_length() -> timedelta:
    """The working time in one working day: 7.5 hours with the default hours."""
    return day_length(working_hours())


@lru_cache(maxsize=4)
def _zone(name: str) -> tzinfo:
    return ZoneInfo(name)


def local_zone() -> tzinfo:
    return _zone(settings.TIME_ZONE)


def _local(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {moment.isoformat()}")
    return moment.astimezone(local_zone())


def _normalize_pauses(pauses: Iterable[Pause] | None) -> list[Pause]:
    """Pauses in local time, sorted, overlapping ones merged, empty ones dropped."""
    if not pauses:
        return []
    cleaned: list[Pause] = []
    for number, (start, end) in enumerate(pauses, start=1):
        start = _local(start, f"pause {number} start")
        end = _local(end, f"pause {number} end")
        if end < start:
            raise ValueError(
                f"pause {number} ends ({end.isoformat()}) before it starts ({start.isoformat()})"
            )
        if end > start:
            cleaned.append((start, end))
    cleaned.sort()
    merged: list[Pause] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def working_periods(day: date) -> list[tuple[datetime, datetime]]:
    """The working periods of `day` as aware local datetimes; none on a day off."""
    if not is_working_day(day):
        return []
    zone = local_zone()
    return [
        (datetime.combine(day, start, zone), datetime.combine(day, end, zone))
        for start, end in working_hours()
    ]


def _intervals(start: datetime, end: datetime | None) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals from `start` (to `end` if given), day by day, clipped, in order."""
    zone = local_zone()
    hours: list[tuple[time, time]] = working_hours()
    day = start.date()
    last = end.date() if end is not None else day + timedelta(days=MAX_SEARCH_DAYS)
    while day <= last:
        if is_working_day(day):
            for period_start, period_end in hours:
                begin = max(datetime.combine(day, period_start, zone), start)
                finish = datetime.combine(day, period_end, zone)
                if end is not None and finish > end:
                    finish = end
                if begin < finish:
                    yield begin, finish
        day += timedelta(days=1)
    if end is None:
        raise ValueError(f"no working time found within {MAX_SEARCH_DAYS} days after {start.isoformat()}")


def _without_pauses(
    intervals: Iterable[tuple[datetime, datetime]], pauses: Sequence[Pause]
) -> Iterator[tuple[datetime, datetime]]:
    """The parts of `intervals` outside `pauses` (both sorted, pauses merged)."""
    first = 0
    for start, end in intervals:
        while first < len(pauses) and pauses[first][1] <= start:
            first += 1
        cursor = start
        index = first
        while index < len(pauses) and pauses[index][0] < end:
            pause_start, pause_end = pauses[index]
            if pause_start > cursor:
                yield cursor, pause_start
            cursor = max(cursor, pause_end)
            if cursor >= end:
                break
            index += 1
        if cursor < end:
            yield cursor, end


def add_working_time(start: datetime, duration: timedelta, pauses: Iterable[Pause] | None = None) -> datetime:
    """The moment when `duration` of working time has elapsed after `start`.

    Counting begins at `start`, or at the next working period if `start` is outside one; an
    end exactly at the end of a period is that end, not the next period's start. A zero
    duration returns `start`. Time inside `pauses` does not count. The result is in local time.
    Raises ValueError for naive datetimes, a negative duration or a pause that ends before it starts.
    """
    local_start = _local(start, "start")
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")
    if duration == _ZERO:
        return local_start
    remaining = duration
    for begin, finish in _without_pauses(_intervals(local_start, None), _normalize_pauses(pauses)):
        length = finish - begin
        if remaining <= length:
            return begin + remaining
        remaining -= length
    raise AssertionError("unreachable: _intervals raises when it runs out")  # pragma: no cover


def add_working_days(start: datetime, days: int, pauses: Iterable[Pause] | None = None) -> datetime:
    """`add_working_time(start, days × working_day_length())`.

    A working day is a length of working time (7.5 h with the default hours), so limits in
    days and in hours are on one scale: from Monday 10:00, one working day ends Tuesday 10:00.
    Raises ValueError for a negative count or naive datetimes.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    return add_working_time(start, working_day_length() * days, pauses)


def working_time_between(a: datetime, b: datetime, pauses: Iterable[Pause] | None = None) -> timedelta:
    """The working time from `a` to `b` outside `pauses`; zero if `b` is not after `a`.

    Raises ValueError for naive datetimes or a pause that ends before it starts.
    """
    local_a = _local(a, "a")
    local_b = _local(b, "b")
    normalized = _normalize_pauses(pauses)
    if local_b <= local_a:
        return _ZERO
    total = _ZERO
    for begin, finish in _without_pauses(_intervals(local_a, local_b), normalized):
        total += finish - begin
    return total
