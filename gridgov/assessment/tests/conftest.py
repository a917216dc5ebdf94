import pytest

from gridgov.calendar import days


@pytest.fixture(autouse=True)
def _calendar(settings):
    settings.WORKING_HOURS = [("08:30", "12:00"), ("13:30", "17:30")]
    settings.CASE_WARNING_PERCENT = 80
    days.invalidate()
    yield
    days.invalidate()


@pytest.fixture
def history(time_machine):
    from gridgov.assessment.testing import build_history

    return build_history(time_machine)
