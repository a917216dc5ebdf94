"""Health check-ins through the field app's sync endpoint (`monitoring.checkin`): recorded once
whatever the retries, refused outside the worker's grids, bad fields answered by name."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.campaigns.models import AlertKind, HealthCheckIn, Monitoring, MonitoringAlert, MonitoringKind
from gridgov.campaigns.testing import GRID_A, GRID_B, build_campaign_world, start
from gridgov.fieldapp.testing import field_client, post_batch, submission

pytestmark = pytest.mark.django_db

KIND = "monitoring.checkin"


@pytest.fixture
def world():
    world = build_campaign_world()
    start(world)
    return world


def _monitor(world, person: str, grid: str) -> Monitoring:
    """A monitoring row as an approved change leaves it (the approval has its own tests)."""
    today = timezone.localdate()
    unit = world.units[grid]
    return Monitoring.objects.create(
        campaign=world.campaign,
        person=world.reg.persons[person],
        grid=unit,
        org_path=unit.path,
        kind=MonitoringKind.HOME_QUARANTINE,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=6),
    )


def _body(watched: Monitoring, change: dict | None = None) -> dict:
    body = {"monitoring": watched.pk, "temperature": 36.6, "symptoms": [], "test_result": "", "note": ""}
    return {**body, **(change or {})}


def test_a_checkin_is_recorded_once_and_a_fever_raises_its_alert(world):
    watched = _monitor(world, "head", GRID_A)
    client = field_client(world.users[Role.GRID_WORKER])
    entry = submission(KIND, _body(watched, {"temperature": 38.2, "symptoms": ["cough", "fever"]}))

    first = post_batch(client, [entry])
    again = post_batch(client, [entry, entry])

    assert first[0]["status"] == "created"
    assert [a["status"] for a in again] == ["duplicate", "duplicate"]
    checkin = HealthCheckIn.objects.get()
    assert first[0]["ref"]["id"] == checkin.pk
    assert (checkin.temperature, checkin.symptoms, checkin.by_self) == (
        Decimal("38.2"),
        ["fever", "cough"],
        False,
    )
    assert checkin.by_user == world.users[Role.GRID_WORKER]
    assert MonitoringAlert.objects.filter(monitoring=watched, kind=AlertKind.FEVER).count() == 1


def test_a_person_of_another_grid_is_refused_on_the_monitoring_field(world):
    other = _monitor(world, "other_grid", GRID_B)
    (answer,) = post_batch(field_client(world.users[Role.GRID_WORKER]), [submission(KIND, _body(other))])
    assert answer["status"] == "rejected" and list(answer["errors"]) == ["monitoring"]
    assert not HealthCheckIn.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"monitoring": None}, "monitoring"),
        ({"monitoring": "x"}, "monitoring"),
        ({"temperature": None}, "temperature"),
        ({"temperature": True}, "temperature"),
        ({"temperature": [36]}, "temperature"),
        ({"temperature": 51}, "temperature"),
        ({"symptoms": "cough"}, "symptoms"),
        ({"symptoms": ["hiccups"]}, "symptoms"),
        ({"test_result": "maybe"}, "test_result"),
        ({"note": "长" * 201}, "note"),
        ({"symptoms": ["other"]}, "note"),
    ],
)
def test_bad_checkins_are_answered_with_field_errors(world, change, field):
    watched = _monitor(world, "head", GRID_A)
    (answer,) = post_batch(
        field_client(world.users[Role.GRID_WORKER]), [submission(KIND, _body(watched, change))]
    )
    assert answer["status"] == "rejected"
    assert field in answer["errors"], answer["errors"]
    assert not HealthCheckIn.objects.exists()


def test_a_released_monitoring_takes_no_more_checkins(world):
    watched = _monitor(world, "head", GRID_A)
    watched.released_at = timezone.now()
    watched.save(update_fields=["released_at"])
    (answer,) = post_batch(field_client(world.users[Role.GRID_WORKER]), [submission(KIND, _body(watched))])
    assert answer["status"] == "rejected" and answer["errors"]
    assert not HealthCheckIn.objects.exists()
