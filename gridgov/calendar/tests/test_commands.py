from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from gridgov.calendar.models import DayOverride
from gridgov.calendar.tests.builders import schedule_2027

pytestmark = pytest.mark.django_db


def _check(year):
    out = StringIO()
    call_command("calendar_check", str(year), stdout=out)
    return out.getvalue()


def test_check_lists_the_days_that_differ_from_weekdays():
    DayOverride.objects.create(date=date(2026, 3, 3), is_working=False, name_zh="区级假日")
    out = _check(2026)
    assert "chinesecalendar library" in out
    assert "2026-02-14 Sat working library  Spring Festival" in out
    assert "2026-02-16 Mon off     library  Spring Festival" in out
    assert "2026-03-03 Tue off     override 区级假日" in out
    assert "2026-03-04" not in out
    assert "weekends only" not in out


def test_check_warns_for_an_uncovered_year_and_then_uses_the_schedule():
    out = _check(2027)
    assert "NONE: weekends only" in out
    assert "No holiday schedule for 2027" in out
    assert "261 working days" in out
    schedule_2027()
    out = _check(2027)
    assert "published year schedule" in out
    assert "2027-02-14 Sun working schedule 春节" in out
    assert "No holiday schedule" not in out
