"""Property tests against a slow reference: a minute-by-minute walk over the calendar."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.calendar.days import is_working_day
from gridgov.calendar.tests.builders import at
from gridgov.calendar.working_time import add_working_time, local_zone, working_time_between

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)
PERIODS = [((8, 30), (12, 0)), ((13, 30), (17, 30))]
FIRST = at(2025, 1, 1)
LAST = at(2027, 12, 20)
SPAN_MINUTES = int((LAST - FIRST) / MINUTE)
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _minute_counts(moment: datetime, pauses) -> bool:
    """Whether the minute starting at `moment` is working time (the reference's only rule)."""
    if not is_working_day(moment.date()):
        return False
    clock = (moment.hour, moment.minute)
    if not any(start <= clock < end for start, end in PERIODS):
        return False
    return not any(p0 <= moment < p1 for p0, p1 in pauses)


def reference_add(start: datetime, minutes: int, pauses=()) -> datetime:
    moment = start
    while minutes:
        if _minute_counts(moment, pauses):
            minutes -= 1
        moment += MINUTE
    # Like the real function: an end exactly at a boundary stays there.
    return moment


def reference_between(a: datetime, b: datetime, pauses=()) -> timedelta:
    moment, count = a, 0
    while moment < b:
        count += _minute_counts(moment, pauses)
        moment += MINUTE
    return count * MINUTE


starts = st.integers(0, SPAN_MINUTES).map(lambda m: (FIRST + m * MINUTE).astimezone(local_zone()))
durations = st.integers(1, 3 * 450)  # up to three working days, in minutes
short_spans = st.integers(0, 5 * 24 * 60)  # up to five calendar days, in minutes


@PROPERTY_SETTINGS
@given(start=starts, minutes=durations)
def test_add_matches_the_reference(start, minutes):
    assert add_working_time(start, minutes * MINUTE) == reference_add(start, minutes)


@PROPERTY_SETTINGS
@given(a=starts, span=short_spans)
def test_between_matches_the_reference(a, span):
    b = a + span * MINUTE
    assert working_time_between(a, b) == reference_between(a, b)


@PROPERTY_SETTINGS
@given(
    a=starts, span=short_spans, pause_at=st.integers(0, 5 * 24 * 60), pause_len=st.integers(0, 2 * 24 * 60)
)
def test_between_with_a_pause_matches_the_reference(a, span, pause_at, pause_len):
    b = a + span * MINUTE
    pauses = [(a + pause_at * MINUTE, a + (pause_at + pause_len) * MINUTE)]
    assert working_time_between(a, b, pauses=pauses) == reference_between(a, b, pauses)


@PROPERTY_SETTINGS
@given(start=starts, first=durations, second=durations)
def test_add_is_monotone_and_between_inverts_it(start, first, second):
    short, long = sorted((first, second))
    early = add_working_time(start, short * MINUTE)
    late = add_working_time(start, long * MINUTE)
    assert early <= late
    assert working_time_between(start, early) == short * MINUTE
    assert working_time_between(start, late) == long * MINUTE


@PROPERTY_SETTINGS
@given(a=starts, first=short_spans, second=short_spans)
def test_between_is_additive_over_a_split_point(a, first, second):
    split = a + first * MINUTE
    b = split + second * MINUTE
    assert working_time_between(a, b) == working_time_between(a, split) + working_time_between(split, b)
