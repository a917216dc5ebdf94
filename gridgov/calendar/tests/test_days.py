from datetime import date

import pytest

from gridgov.calendar import days
from gridgov.calendar.days import Source, coverage_warnings, day_info, is_working_day
from gridgov.calendar.models import CalendarVersion, DayOverride
from gridgov.calendar.tests.builders import schedule_2027

pytestmark = pytest.mark.django_db


def test_spring_festival_2026_comes_from_the_library():
    assert is_working_day(date(2026, 2, 14))  # make-up Saturday
    assert not any(is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert is_working_day(date(2026, 2, 24))
    assert is_working_day(date(2026, 2, 28))  # make-up Saturday
    info = day_info(date(2026, 2, 16))
    assert (info.source, info.name) == (Source.LIBRARY, "Spring Festival")


def test_a_day_override_wins_over_the_library_and_clears_the_cache():
    assert is_working_day(date(2026, 2, 24))  # cached now
    DayOverride.objects.create(date=date(2026, 2, 24), is_working=False, name_zh="区级假日")
    DayOverride.objects.create(date=date(2026, 2, 21), is_working=True, name_en="Extra day")
    assert not is_working_day(date(2026, 2, 24))
    assert day_info(date(2026, 2, 24)).source == Source.OVERRIDE
    assert is_working_day(date(2026, 2, 21))
    DayOverride.objects.filter(date=date(2026, 2, 24)).get().delete()
    assert is_working_day(date(2026, 2, 24))


def test_2027_counts_weekends_only_and_says_so():
    assert is_working_day(date(2027, 1, 1))  # a Friday: New Year is unknown
    assert not is_working_day(date(2027, 1, 2))
    assert day_info(date(2027, 1, 1)).source == Source.WEEKDAYS
    warnings = coverage_warnings(date(2026, 11, 24))
    assert len(warnings) == 1
    assert "2027" in warnings[0] and "weekends only" in warnings[0]
    assert coverage_warnings(date(2025, 6, 1)) == []


def test_a_draft_schedule_is_not_used_but_changes_the_warning():
    schedule_2027(published=False)
    assert is_working_day(date(2027, 1, 1))
    [warning] = coverage_warnings(date(2026, 12, 1))
    assert "not published" in warning


def test_a_published_schedule_is_used_for_2027():
    schedule = schedule_2027(published=False)
    assert is_working_day(date(2027, 2, 8))
    schedule.published = True
    schedule.save()
    assert not is_working_day(date(2027, 1, 1))
    assert not is_working_day(date(2027, 2, 8))
    assert is_working_day(date(2027, 2, 14))  # make-up Sunday
    assert is_working_day(date(2027, 2, 15))  # plain Monday
    assert not is_working_day(date(2027, 2, 20))  # plain Saturday
    assert day_info(date(2027, 2, 8)).name == "春节"
    assert coverage_warnings(date(2026, 11, 24)) == []
    assert coverage_warnings(date(2027, 3, 1))[0].startswith("No holiday schedule for 2028")


def test_a_published_schedule_wins_over_the_library():
    from gridgov.calendar.models import DayKind, ScheduleDay, YearSchedule

    schedule = YearSchedule.objects.create(year=2026, published=True)
    ScheduleDay.objects.create(schedule=schedule, date=date(2026, 3, 2), kind=DayKind.HOLIDAY)
    assert not is_working_day(date(2026, 3, 2))
    # The schedule lists no Spring Festival: those weekdays are working days under it.
    assert is_working_day(date(2026, 2, 16))


def test_other_processes_notice_a_change_after_the_check_interval(settings):
    settings.CALENDAR_CHECK_SECONDS = 3600
    assert is_working_day(date(2026, 3, 3))
    # Another process's change: rows and version move on without this process's signals.
    DayOverride.objects.bulk_create([DayOverride(date=date(2026, 3, 3), is_working=False)])
    CalendarVersion.objects.update_or_create(pk=1, defaults={"version": 99})
    assert is_working_day(date(2026, 3, 3))  # still the cached answer
    settings.CALENDAR_CHECK_SECONDS = 0
    assert not is_working_day(date(2026, 3, 3))


def test_cached_lookups_make_no_queries(django_assert_num_queries):
    is_working_day(date(2026, 5, 1))
    with django_assert_num_queries(0):
        for day in range(1, 29):
            is_working_day(date(2026, 2, day))
            is_working_day(date(2026, 5, day))


def test_years_outside_the_library_do_not_crash():
    assert days.year_days(2003)[0].source == Source.WEEKDAYS
    assert len(days.year_days(2028)) == 366
