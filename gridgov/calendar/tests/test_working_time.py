import time
from datetime import UTC, datetime, timedelta

import pytest

from gridgov.calendar.models import DayOverride
from gridgov.calendar.tests.builders import at, schedule_2027
from gridgov.calendar.working_time import (
    add_working_days,
    add_working_time,
    working_day_length,
    working_time_between,
)

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
M = timedelta(minutes=1)


# --- Working-hour boundaries (Monday 2 March 2026 is an ordinary working day).
def test_lunch_break_does_not_count():
    assert add_working_time(at(2026, 3, 2, 11), 2 * H) == at(2026, 3, 2, 14, 30)


def test_evening_and_night_do_not_count():
    assert add_working_time(at(2026, 3, 2, 17), H) == at(2026, 3, 3, 9)


def test_an_exact_end_at_a_period_end_is_that_end():
    assert add_working_time(at(2026, 3, 2, 10, 30), 90 * M) == at(2026, 3, 2, 12)
    assert add_working_time(at(2026, 3, 2, 8, 30), 7 * H + 30 * M) == at(2026, 3, 2, 17, 30)


def test_counting_starts_at_the_next_working_period():
    assert add_working_time(at(2026, 3, 2, 7), H) == at(2026, 3, 2, 9, 30)
    assert add_working_time(at(2026, 3, 2, 12, 30), 30 * M) == at(2026, 3, 2, 14)
    assert add_working_time(at(2026, 3, 7, 10), H) == at(2026, 3, 9, 9, 30)  # Saturday -> Monday


def test_zero_duration_is_the_start_itself():
    assert add_working_time(at(2026, 3, 7, 10), timedelta()) == at(2026, 3, 7, 10)


def test_a_working_day_is_seven_and_a_half_hours_of_working_time():
    assert working_day_length() == 7 * H + 30 * M
    assert add_working_days(at(2026, 3, 2, 10), 1) == at(2026, 3, 3, 10)
    assert add_working_days(at(2026, 3, 6, 15), 2) == at(2026, 3, 10, 15)  # Friday -> Tuesday


def test_working_hours_follow_the_setting(settings):
    settings.WORKING_HOURS = [("09:00", "17:00")]
    assert working_day_length() == 8 * H
    assert add_working_time(at(2026, 3, 2, 16), 2 * H) == at(2026, 3, 3, 10)


def test_results_are_local_whatever_the_input_zone():
    start = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    result = add_working_time(start, 2 * H)
    assert result == at(2026, 3, 2, 14, 30)
    assert result.utcoffset() == 8 * H


# --- The 2026 Spring Festival: 15–23 February off, Saturdays 14 and 28 February worked.
def test_a_deadline_runs_through_the_make_up_saturday_and_over_the_holiday():
    assert add_working_time(at(2026, 2, 13, 16, 30), 2 * H) == at(2026, 2, 14, 9, 30)
    assert add_working_days(at(2026, 2, 13, 17, 30), 2) == at(2026, 2, 24, 17, 30)
    assert working_time_between(at(2026, 2, 13, 8, 30), at(2026, 2, 25, 8, 30)) == 3 * working_day_length()


def test_the_second_make_up_saturday_counts():
    assert add_working_days(at(2026, 2, 27, 17, 30), 1) == at(2026, 2, 28, 17, 30)


def test_a_day_override_moves_a_deadline():
    DayOverride.objects.create(date=at(2026, 3, 3).date(), is_working=False, name_zh="区级假日")
    assert add_working_days(at(2026, 3, 2, 10), 1) == at(2026, 3, 4, 10)


# --- Suspensions.
def test_paused_time_does_not_count():
    start = at(2026, 3, 2, 8, 30)
    pauses = [(at(2026, 3, 3, 8, 30), at(2026, 3, 4, 12))]
    deadline = add_working_days(start, 3, pauses=pauses)
    assert deadline == at(2026, 3, 6, 12)
    assert working_time_between(start, deadline, pauses=pauses) == 3 * working_day_length()
    assert working_time_between(start, deadline) == 3 * working_day_length() + 11 * H


def test_overlapping_and_out_of_order_pauses_are_merged():
    pauses = [(at(2026, 3, 2, 10), at(2026, 3, 2, 11)), (at(2026, 3, 2, 9), at(2026, 3, 2, 10, 30))]
    assert working_time_between(at(2026, 3, 2, 8, 30), at(2026, 3, 2, 12), pauses=pauses) == 90 * M


def test_a_deadline_ending_where_a_pause_starts_is_that_moment():
    pauses = [(at(2026, 3, 2, 9, 30), at(2026, 3, 2, 14))]
    assert add_working_time(at(2026, 3, 2, 8, 30), H, pauses=pauses) == at(2026, 3, 2, 9, 30)
    assert add_working_time(at(2026, 3, 2, 8, 30), 61 * M, pauses=pauses) == at(2026, 3, 2, 14, 1)


# --- Into 2027, which the library does not know.
def test_2027_counts_weekends_only_until_a_schedule_is_published():
    start = at(2026, 12, 31, 16, 30)
    assert add_working_days(start, 1) == at(2027, 1, 1, 16, 30)
    schedule_2027()
    assert add_working_days(start, 1) == at(2027, 1, 4, 16, 30)
    assert add_working_days(at(2027, 2, 5, 17, 30), 1) == at(2027, 2, 14, 17, 30)


# --- Bad input and long spans.
def test_naive_datetimes_and_negative_durations_are_refused():
    naive = datetime(2026, 3, 2, 10)
    with pytest.raises(ValueError, match="start must be an aware"):
        add_working_time(naive, H)
    with pytest.raises(ValueError, match="b must be an aware"):
        working_time_between(at(2026, 3, 2), naive)
    with pytest.raises(ValueError, match="negative"):
        add_working_time(at(2026, 3, 2), -H)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(at(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="pause 1 ends"):
        working_time_between(at(2026, 3, 2), at(2026, 3, 3), pauses=[(at(2026, 3, 2, 10), at(2026, 3, 2, 9))])


def test_between_is_zero_when_b_is_not_after_a():
    assert working_time_between(at(2026, 3, 2, 11), at(2026, 3, 2, 10)) == timedelta()


def test_sixty_working_days_is_fast():
    start = at(2026, 1, 5, 9)
    add_working_days(start, 60)  # builds the year's table
    began = time.perf_counter()
    for _ in range(100):
        deadline = add_working_days(start, 60)
        working_time_between(start, deadline)
    per_call = (time.perf_counter() - began) / 200
    assert working_time_between(start, deadline) == 60 * working_day_length()
    assert per_call < 0.005, f"{per_call * 1000:.2f} ms per call"
