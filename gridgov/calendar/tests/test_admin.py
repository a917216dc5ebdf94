from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gridgov.access.policy import PERMISSIONS
from gridgov.audit.models import AuditEntry
from gridgov.calendar.days import is_working_day
from gridgov.calendar.models import DayOverride, YearSchedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(client):
    user = get_user_model().objects.create_superuser("calendar-admin", password="x" * 12)
    client.force_login(user)
    return user


def _schedule_form(year, paste="", published="on", days=()):
    data = {
        "year": str(year),
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "paste_days": paste,
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    if published:
        data["published"] = published
    for number, (day, kind, name) in enumerate(days):
        data.update({f"days-{number}-date": day, f"days-{number}-kind": kind, f"days-{number}-name_zh": name})
    return data


def test_adding_an_override_is_audited_and_used_at_once(client, official):
    assert is_working_day(date(2026, 3, 3))
    response = client.post(
        reverse("admin:calendar_dayoverride_add"),
        {"date": "2026-03-03", "name_zh": "区级假日", "name_en": "District holiday"},
    )
    assert response.status_code == 302
    assert not is_working_day(date(2026, 3, 3))
    entry = AuditEntry.objects.get(action="calendar.change")
    assert entry.actor == official
    assert entry.target_type == "calendar.dayoverride"
    assert entry.details["operation"] == "add"
    assert entry.details["values"]["is_working"] == "False"


def test_deleting_an_override_is_audited(client, official):
    override = DayOverride.objects.create(date=date(2026, 3, 3), is_working=False)
    response = client.post(reverse("admin:calendar_dayoverride_delete", args=[override.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not DayOverride.objects.exists()
    assert AuditEntry.objects.get(action="calendar.change").details["operation"] == "delete"
    assert is_working_day(date(2026, 3, 3))


def test_a_schedule_is_entered_with_inline_days_and_pasted_lines(client, official):
    paste = "2027-02-06..2027-02-12 holiday 春节\n2027-02-14 workday 春节\n"
    days = [("2027-01-01", "holiday", "元旦")]
    response = client.post(reverse("admin:calendar_yearschedule_add"), _schedule_form(2027, paste, days=days))
    assert response.status_code == 302, response.context["adminform"].form.errors
    schedule = YearSchedule.objects.get(year=2027)
    assert schedule.days.count() == 9
    assert not is_working_day(date(2027, 1, 1))
    assert not is_working_day(date(2027, 2, 8))
    assert is_working_day(date(2027, 2, 14))
    operations = sorted(e.details["operation"] for e in AuditEntry.objects.filter(action="calendar.change"))
    assert operations == ["add", "add", "paste"]


def test_a_bad_pasted_line_is_named_and_nothing_is_saved(client, official):
    paste = "2027-02-06..2027-02-12 holiday 春节\n2027-02-30 workday\n2026-12-31 holiday\n2027-03-01 maybe\n"
    response = client.post(
        reverse("admin:calendar_yearschedule_add"), _schedule_form(2027, paste), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["paste_days"]
    assert any("Line 2" in error and "2027-02-30" in error for error in errors)
    assert any("Line 3" in error and "2027" in error for error in errors)
    assert any("Line 4" in error and "maybe" in error for error in errors)
    assert not YearSchedule.objects.exists()
    assert not AuditEntry.objects.filter(action="calendar.change").exists()


def test_an_inline_day_outside_the_year_is_refused(client, official):
    days = [("2028-01-01", "holiday", "元旦")]
    response = client.post(reverse("admin:calendar_yearschedule_add"), _schedule_form(2027, days=days))
    assert response.status_code == 200
    assert not YearSchedule.objects.exists()


def test_staff_without_the_permission_cannot_see_the_calendar(client):
    if "calendar.manage" not in {permission.code for permission in PERMISSIONS}:
        pytest.skip("the access policy has no calendar.manage yet")
    user = get_user_model().objects.create_user("clerk", password="x" * 12, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:calendar_dayoverride_changelist")).status_code == 403
    response = client.post(reverse("admin:calendar_dayoverride_add"), {"date": "2026-03-03"})
    assert response.status_code == 403
    assert not DayOverride.objects.exists()


def test_a_district_admin_may_manage_the_calendar(client):
    from gridgov.access.models import Membership
    from gridgov.access.roles import Role
    from gridgov.geo.tests.builders import unit

    user = get_user_model().objects.create_user("district", password="x" * 12, is_staff=True)
    Membership.objects.create(user=user, role=Role.DISTRICT_ADMIN, org_unit=unit("150502"))
    client.force_login(user)
    response = client.post(
        reverse("admin:calendar_dayoverride_add"), {"date": "2026-03-03", "is_working": ""}
    )
    assert response.status_code == 302
    assert DayOverride.objects.filter(date=date(2026, 3, 3), is_working=False).exists()
    assert AuditEntry.objects.get(action="calendar.change").actor == user
