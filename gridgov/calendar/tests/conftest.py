import pytest
from django.utils import translation

from gridgov.calendar import days


@pytest.fixture(autouse=True)
def _fresh_calendar(settings):
    # Tests roll their rows back, so the calendar version can repeat with other rows:
    # start every test with an empty cache and the documented default hours.
    settings.WORKING_HOURS = [("08:30", "12:00"), ("13:30", "17:30")]
    days.invalidate()
    yield
    days.invalidate()


@pytest.fixture(autouse=True)
def _english():
    # The tests read warnings and errors in English; the UI default is Chinese.
    with translation.override("en"):
        yield
