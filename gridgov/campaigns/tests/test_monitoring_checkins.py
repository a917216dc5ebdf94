"""Daily check-ins (validation per field, alerts, daily counts), missed check-ins (idempotent),
alerts resolved, and help requests that become patrol tasks."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns import monitoring
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.models import (
    AlertKind,
    DailyCount,
    HealthCheckIn,
    HelpKind,
    HelpRequest,
    MonitoringAlert,
)
from gridgov.campaigns.testing import GRID_A
from gridgov.campaigns.tests.test_monitoring import place, running_world
from gridgov.patrol.models import Task
from gridgov.residents.testing import make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return running_world()


def checkin(world, watched, *, by=Role.GRID_WORKER, **fields):
    values = {"temperature": "36.6", "symptoms": [], "test_result": "", "note": "", "at": timezone.now()}
    values.update(fields)
    user = world.users[by] if isinstance(by, str) else by
    return monitoring.record_checkin(user, watched, **values)


def test_a_checkin_is_recorded_and_counted_for_the_grid_and_day(world):
    watched = place(world)
    entry = checkin(world, watched, temperature="36,84", symptoms=["cough", "fatigue", "cough"])
    assert entry.temperature == Decimal("36.8") and entry.symptoms == ["cough", "fatigue"]
    assert entry.day == timezone.localdate() and entry.by_user == world.users[Role.GRID_WORKER]
    checkin(world, watched)
    count = DailyCount.objects.get(campaign=world.campaign, grid=watched.grid, day=timezone.localdate())
    assert count.checkins == 2
    assert not MonitoringAlert.objects.exists()
    audit = AuditEntry.objects.filter(action="campaigns.monitoring.checkin")
    assert audit.count() == 2
    assert "36" not in str(audit.first().details) and "cough" not in str(audit.first().details)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"temperature": None}, "temperature"),
        ({"temperature": ""}, "temperature"),
        ({"temperature": "hot"}, "temperature"),
        ({"temperature": "NaN"}, "temperature"),
        ({"temperature": "33.9"}, "temperature"),
        ({"temperature": "43.1"}, "temperature"),
        ({"symptoms": ["sneezing"]}, "symptoms"),
        ({"symptoms": "cough"}, "symptoms"),
        ({"test_result": "maybe"}, "test_result"),
        ({"note": "x" * 201}, "note"),
        ({"symptoms": ["other"]}, "note"),
        ({"at": None}, "at"),
        ({"at": "future"}, "at"),
        ({"at": "before"}, "at"),
    ],
)
def test_each_bad_field_is_named_and_nothing_is_recorded(world, fields, field):
    watched = place(world)
    if fields.get("at") == "future":
        fields["at"] = timezone.now() + timedelta(hours=2)
    elif fields.get("at") == "before":
        fields["at"] = timezone.make_aware(datetime.combine(watched.starts_on - timedelta(days=1), time(9)))
    with pytest.raises(CampaignError) as error:
        checkin(world, watched, **fields)
    assert error.value.field == field
    assert not HealthCheckIn.objects.exists() and not DailyCount.objects.filter(checkins__gt=0).exists()


def test_the_limits_of_the_range_are_accepted():
    low = monitoring.clean_checkin("34.0", [], "", "")
    high = monitoring.clean_checkin(Decimal("43"), ["other"], "negative", "头痛")
    assert low.temperature == Decimal("34.0") and high.temperature == Decimal("43.0")


def test_fever_from_37_3_and_a_positive_test_raise_alerts_once_a_day(world):
    watched = place(world)
    checkin(world, watched, temperature="37.2")
    assert not MonitoringAlert.objects.exists()
    checkin(world, watched, temperature="37.3")
    checkin(world, watched, temperature="38.5", test_result="positive")
    kinds = sorted(MonitoringAlert.objects.values_list("kind", flat=True))
    assert kinds == [AlertKind.FEVER, AlertKind.POSITIVE]
    assert all(a.org_path == watched.org_path for a in MonitoringAlert.objects.all())


def test_the_resident_checks_in_for_themself_only(world):
    watched = place(world)
    head, spouse = world.reg.persons["head"], world.reg.persons["spouse"]
    resident = make_resident("13900000001", world.units[GRID_A], person=head)
    other = make_resident("13900000002", world.units[GRID_A], person=spouse)
    entry = checkin(world, watched, by=resident, by_self=True)
    assert entry.by_self and entry.by_user == resident
    with pytest.raises(CampaignDenied):
        checkin(world, watched, by=other, by_self=True)
    with pytest.raises(CampaignDenied):
        checkin(world, watched, by=resident)  # not as a worker
    assert HealthCheckIn.objects.count() == 1


def test_only_workers_of_the_persons_grid_check_in(world):
    watched = place(world)
    with pytest.raises(CampaignDenied):
        checkin(world, watched, by="worker_b")
    with pytest.raises(CampaignDenied):
        checkin(world, watched, by=Role.STREET_ADMIN)  # monitors, does not visit
    assert (
        AuditEntry.objects.filter(action="campaigns.monitoring.checkin", outcome=Outcome.DENIED).count() == 2
    )


def test_no_checkin_after_release(world):
    watched = place(world)
    watched.released_at = timezone.now()
    watched.save(update_fields=["released_at"])
    with pytest.raises(CampaignError) as error:
        checkin(world, watched)
    assert error.value.code == "conflict"


def test_missed_checkins_raise_alerts_once_and_set_the_days_counts(world):
    head = place(world, starts_on=timezone.localdate() - timedelta(days=2))
    spouse = place(world, "spouse", starts_on=timezone.localdate() - timedelta(days=2))
    day = timezone.localdate() - timedelta(days=1)
    checkin(world, spouse, at=timezone.make_aware(datetime.combine(day, time(9))))
    assert monitoring.raise_missed_alerts(day) == 1
    assert monitoring.raise_missed_alerts(day) == 0
    call_command("check_monitoring", "--day", day.isoformat())
    alert = MonitoringAlert.objects.get()
    assert alert.monitoring == head and alert.kind == AlertKind.MISSED and alert.day == day
    count = DailyCount.objects.get(campaign=world.campaign, grid=head.grid, day=day)
    assert (count.monitored, count.missed_checkins, count.checkins) == (2, 1, 1)
    # Before the monitoring began nobody was monitored: nothing is raised.
    assert monitoring.raise_missed_alerts(day - timedelta(days=5)) == 0
    # A released monitoring is not counted after its release day.
    head.released_at = timezone.now() - timedelta(days=3)
    head.save(update_fields=["released_at"])
    monitoring.raise_missed_alerts(day)
    count.refresh_from_db()
    assert (count.monitored, count.missed_checkins) == (1, 0)
    assert MonitoringAlert.objects.count() == 1  # the alert raised before stays


def test_the_command_refuses_a_bad_day():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("check_monitoring", "--day", "yesterday")


def test_resolve_an_alert_once(world):
    watched = place(world)
    checkin(world, watched, temperature="38.0")
    alert = MonitoringAlert.objects.get()
    with pytest.raises(CampaignDenied):
        monitoring.resolve_alert(world.users[Role.GRID_WORKER], alert)
    monitoring.resolve_alert(world.users[Role.GRID_CHIEF], alert)
    alert.refresh_from_db()
    assert alert.resolved_at and alert.resolved_by == world.users[Role.GRID_CHIEF]
    with pytest.raises(CampaignError) as again:
        monitoring.resolve_alert(world.users[Role.COMMUNITY_ADMIN], alert)
    assert again.value.code == "conflict"


def test_a_help_request_becomes_a_task_for_the_grid_without_health_details(world):
    watched = place(world)
    chief = world.users[Role.GRID_CHIEF]
    request = monitoring.request_help(chief, watched, kind=HelpKind.MEDICINE, text="需要降压药 硝苯地平")
    task = Task.objects.get()
    assert request.task == task and HelpRequest.objects.get().task == task
    assert task.assignee == world.users[Role.GRID_WORKER] and task.grid == watched.grid
    assert task.household == watched.household and task.due_on == timezone.localdate()
    assert "硝苯地平" not in task.title + task.details and "降压" not in task.title + task.details
    assert str(request.pk) in task.details
    assert AuditEntry.objects.filter(action="campaigns.monitoring.help", outcome=Outcome.OK).count() == 1
    assert AuditEntry.objects.filter(action="patrol.task.create").count() == 1


@pytest.mark.parametrize(("kind", "text", "field"), [("cash", "米面", "kind"), ("supplies", " ", "text")])
def test_a_help_request_names_the_bad_field(world, kind, text, field):
    watched = place(world)
    with pytest.raises(CampaignError) as error:
        monitoring.request_help(world.users[Role.GRID_CHIEF], watched, kind=kind, text=text)
    assert error.value.field == field
    assert not HelpRequest.objects.exists() and not Task.objects.exists()


def test_help_requests_need_monitor_and_task_rights(world):
    watched = place(world)
    for role in (Role.GRID_WORKER, Role.STREET_ADMIN):  # no monitor right / no task right
        with pytest.raises(CampaignDenied):
            monitoring.request_help(world.users[role], watched, kind=HelpKind.SUPPLIES, text="米面油")
    assert not HelpRequest.objects.exists() and not Task.objects.exists()


def test_names_are_masked_to_the_family_name():
    assert monitoring.mask_name("乌兰巴特尔") == "乌****"
    assert monitoring.mask_name("王伟") == "王*"
    assert monitoring.mask_name("") == "—"


def test_no_checkin_or_help_request_once_the_campaign_has_ended(world):
    watched = place(world)
    world.campaign.status = "ended"
    world.campaign.save(update_fields=["status"])
    watched.refresh_from_db()
    with pytest.raises(CampaignError) as error:
        checkin(world, watched)
    assert error.value.field == "campaign"
    with pytest.raises(CampaignError):
        monitoring.request_help(world.users[Role.GRID_CHIEF], watched, kind=HelpKind.SUPPLIES, text="米")
    assert not HealthCheckIn.objects.exists() and not HelpRequest.objects.exists()
