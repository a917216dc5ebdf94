import pytest

from gridgov.analytics.testing import at, build_case_world
from gridgov.calendar import days


@pytest.fixture(autouse=True)
def _calendar(settings):
    settings.WORKING_HOURS = [("08:30", "12:00"), ("13:30", "17:30")]
    settings.CASE_WARNING_PERCENT = 80
    days.invalidate()
    yield
    days.invalidate()


@pytest.fixture
def clock(time_machine):
    # Wednesday 11 March 2026, 09:00 local: a plain working week.
    time_machine.move_to(at(2026, 3, 11, 9, 0), tick=False)
    return time_machine


@pytest.fixture
def world(clock):
    return build_case_world()
