from datetime import time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from gridgov.calendar.config import day_length, parse_working_hours, validate_working_hours


def test_default_text_parses_to_two_periods_of_seven_and_a_half_hours():
    periods = parse_working_hours("08:30-12:00, 13:30-17:30")
    assert periods == [(time(8, 30), time(12)), (time(13, 30), time(17, 30))]
    assert day_length(periods) == timedelta(hours=7, minutes=30)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not HH:MM-HH:MM"),
        ("08:30-12:00,13:30", "period 2"),
        ("8h-12:00", "not a time"),
        ("08:30-25:00", "not a time"),
        ("12:00-08:30", "not before end"),
        ("09:00-09:00", "not before end"),
        ("08:30-12:00,11:00-17:00", "overlaps"),
        ("13:30-17:30,08:30-12:00", "in order"),
    ],
)
def test_bad_text_is_refused_loudly_with_the_reason(text, reason):
    with pytest.raises(ImproperlyConfigured, match=reason):
        parse_working_hours(text)


def test_validate_accepts_strings_and_times_and_refuses_nothing():
    assert validate_working_hours([("09:00", time(17))]) == [(time(9), time(17))]
    with pytest.raises(ImproperlyConfigured, match="at least one"):
        validate_working_hours([])
