"""Small helpers for calendar tests."""

from __future__ import annotations

from datetime import date, datetime

from gridgov.calendar.models import DayKind, ScheduleDay, YearSchedule
from gridgov.calendar.working_time import local_zone


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware Asia/Shanghai datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=local_zone())


def schedule_2027(*, published: bool = True) -> YearSchedule:
    """A made-up 2027 arrangement (the real one is not published yet): New Year on Friday 1
    January, Spring Festival 6–12 February with Sunday 14 February worked."""
    schedule = YearSchedule.objects.create(year=2027, published=published, notice="test notice")
    ScheduleDay.objects.create(schedule=schedule, date=date(2027, 1, 1), kind=DayKind.HOLIDAY, name_zh="元旦")
    for day in range(6, 13):
        ScheduleDay.objects.create(
            schedule=schedule, date=date(2027, 2, day), kind=DayKind.HOLIDAY, name_zh="春节"
        )
    ScheduleDay.objects.create(
        schedule=schedule, date=date(2027, 2, 14), kind=DayKind.WORKDAY, name_zh="春节"
    )
    return schedule
