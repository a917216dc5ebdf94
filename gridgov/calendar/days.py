"""Which dates are working days, with a per-year in-process cache.

Precedence for a date: a DayOverride row; else the year's published YearSchedule; else the
chinesecalendar library (2004–2026 in 1.11); else Monday to Friday (with a coverage warning).

Each process caches one table per year, tagged with CalendarVersion.version. Saving or
deleting any calendar row bumps the version and clears this process's cache at once; other
processes ask the database for the version at most every CALENDAR_CHECK_SECONDS (default
60) and rebuild when it moved on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import chinese_calendar
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.calendar.models import CalendarVersion, DayKind, DayOverride, ScheduleDay, YearSchedule

_VERSION_PK = 1
DEFAULT_CHECK_SECONDS = 60


class Source(StrEnum):
    OVERRIDE = "override"  # a DayOverride row
    SCHEDULE = "schedule"  # the year's published YearSchedule
    LIBRARY = "library"  # chinesecalendar
    WEEKDAYS = "weekdays"  # plain Monday to Friday: nothing better is known


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_working: bool
    source: Source
    name: str = ""

    @property
    def differs_from_weekdays(self) -> bool:
        return self.is_working != (self.date.weekday() < 5)


@dataclass
class _YearTable:
    first_ordinal: int
    days: tuple[DayInfo, ...]


@lru_cache(maxsize=256)
def library_covers(year: int) -> bool:
    """Whether the installed chinesecalendar knows the holidays of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _library_day(day: date) -> DayInfo:
    is_working = chinese_calendar.is_workday(day)
    _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return DayInfo(day, is_working, Source.LIBRARY, name or "")


def _build_year(year: int) -> _YearTable:
    overrides = {
        row.date: row
        for row in DayOverride.objects.filter(date__year=year).only(
            "date", "is_working", "name_zh", "name_en"
        )
    }
    schedule = YearSchedule.objects.filter(year=year, published=True).first()
    schedule_days = (
        {row.date: row for row in ScheduleDay.objects.filter(schedule=schedule)} if schedule else None
    )
    covered = library_covers(year)
    first = date(year, 1, 1)
    days: list[DayInfo] = []
    day = first
    while day.year == year:
        override = overrides.get(day)
        if override is not None:
            info = DayInfo(day, override.is_working, Source.OVERRIDE, override.name_zh or override.name_en)
        elif schedule_days is not None:
            entry = schedule_days.get(day)
            if entry is None:
                info = DayInfo(day, day.weekday() < 5, Source.SCHEDULE)
            else:
                info = DayInfo(
                    day, entry.kind == DayKind.WORKDAY, Source.SCHEDULE, entry.name_zh or entry.name_en
                )
        elif covered:
            info = _library_day(day)
        else:
            info = DayInfo(day, day.weekday() < 5, Source.WEEKDAYS)
        days.append(info)
        day += timedelta(days=1)
    return _YearTable(first.toordinal(), tuple(days))


_tables: dict[int, _YearTable] = {}
_version: int | None = None
_checked_at = float("-inf")
_lock = threading.Lock()


def current_version() -> int:
    """The calendar version in the database (0 before any change)."""
    return CalendarVersion.objects.filter(pk=_VERSION_PK).values_list("version", flat=True).first() or 0


def _check_seconds() -> float:
    return float(getattr(settings, "CALENDAR_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


def _table(year: int) -> _YearTable:
    global _version, _checked_at
    now = time.monotonic()
    if now - _checked_at >= _check_seconds():
        with _lock:
            version = current_version()
            if version != _version:
                _tables.clear()
                _version = version
            _checked_at = time.monotonic()
    table = _tables.get(year)
    if table is None:
        with _lock:
            table = _tables.get(year)
            if table is None:
                table = _tables[year] = _build_year(year)
    return table


def day_info(day: date) -> DayInfo:
    """How `day` counts and why (source and holiday name)."""
    table = _table(day.year)
    return table.days[day.toordinal() - table.first_ordinal]


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day (see the module docstring for precedence)."""
    return day_info(day).is_working


def year_days(year: int) -> tuple[DayInfo, ...]:
    """Every day of `year` with its decision."""
    return _table(year).days


def invalidate() -> None:
    """Drop this process's tables; the next lookup re-reads the database."""
    global _version, _checked_at
    with _lock:
        _tables.clear()
        _version = None
        _checked_at = float("-inf")


def bump_calendar_version() -> None:
    """Record that calendar data changed: this process re-reads at once (and again on commit),
    other processes within CALENDAR_CHECK_SECONDS of the commit."""
    updated = CalendarVersion.objects.filter(pk=_VERSION_PK).update(version=F("version") + 1)
    if not updated:
        CalendarVersion.objects.get_or_create(pk=_VERSION_PK, defaults={"version": 0})
        CalendarVersion.objects.filter(pk=_VERSION_PK).update(version=F("version") + 1)
    invalidate()
    transaction.on_commit(invalidate)


def year_warning(year: int) -> str | None:
    """Why deadlines in `year` count weekends only, or None when its holidays are known."""
    if library_covers(year) or YearSchedule.objects.filter(year=year, published=True).exists():
        return None
    if YearSchedule.objects.filter(year=year, published=False).exists():
        return _(
            "The holiday schedule for %(year)s is entered but not published: deadlines in "
            "%(year)s count weekends only. Check it and mark it published in the admin."
        ) % {"year": year}
    return _(
        "No holiday schedule for %(year)s: deadlines in %(year)s count weekends only. "
        "Enter the State Council's schedule in the admin."
    ) % {"year": year}


def coverage_warnings(today: date | None = None) -> list[str]:
    """Warnings for the current and the next year when neither the library nor a published
    schedule knows their holidays, so deadlines there count weekends only. Never raises for
    a year the library does not know."""
    today = today or timezone.localdate()
    return [warning for year in (today.year, today.year + 1) if (warning := year_warning(year))]
