"""The health-monitoring pages: masked list (an audited read), proposal, approval queue (no
approve button for one's own proposal), check-in form with bad input, alerts, help requests,
the resident's own check-in, and denials."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.campaigns import monitoring
from gridgov.campaigns.models import (
    ChangeState,
    HealthCheckIn,
    HelpRequest,
    Monitoring,
    MonitoringAlert,
    MonitoringChange,
)
from gridgov.campaigns.testing import GRID_A
from gridgov.campaigns.tests.test_monitoring import place, propose_place, running_world
from gridgov.campaigns.tests.test_zones_pages import urlpatterns  # noqa: F401 (the test urlconf)
from gridgov.patrol.models import Task
from gridgov.residents.testing import make_resident

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world():
    return running_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, world, *args) -> str:
    return reverse(f"campaign_monitoring:{name}", args=[world.campaign.pk, *args])


def test_the_list_masks_names_and_the_read_is_audited(world):
    watched = place(world)
    page = _client(world.users[Role.GRID_WORKER]).get(_url("list", world), **EN)
    body = page.content.decode()
    assert page.status_code == 200
    assert "乌****" in body and "乌兰巴特尔" not in body
    read = AuditEntry.objects.filter(action="campaigns.read_personal", details__what="monitorings")
    assert read.count() == 1 and read.get().details["count"] == 1
    detail = _client(world.users[Role.GRID_WORKER]).get(_url("detail", world, watched.pk), **EN)
    assert detail.status_code == 200 and "乌兰巴特尔" in detail.content.decode()
    assert (
        AuditEntry.objects.filter(action="campaigns.read_personal", details__what="monitoring").count() == 1
    )


def test_the_other_grid_sees_nobody_and_leaders_no_personal_page(world):
    watched = place(world)
    other = _client(world.users["worker_b"])
    page = other.get(_url("list", world), **EN)
    assert page.status_code == 200 and "乌" not in page.content.decode().split('id="gg-monitored"')[1]
    assert other.get(_url("detail", world, watched.pk)).status_code == 404
    assert _client(world.users[Role.LEADER]).get(_url("list", world)).status_code == 403
    assert _client(world.users[Role.RESIDENT]).get(_url("detail", world, watched.pk)).status_code == 403


def test_propose_by_search_then_approve_by_a_second_person(world):
    chief = _client(world.users[Role.GRID_CHIEF])
    found = chief.get(_url("propose", world), {"q": "王"}, **EN)
    assert found.status_code == 200 and "王秀英" in found.content.decode()
    spouse = world.reg.persons["spouse"]
    today = timezone.localdate()
    data = {
        "person": spouse.pk,
        "action": "place",
        "kind": "health",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=6)).isoformat(),
        "reason": "次密接",
    }
    assert chief.post(_url("propose", world), data).status_code == 302
    change = MonitoringChange.objects.get()
    queue = chief.get(_url("pending", world), **EN).content.decode()
    assert "gg-approve" not in queue and "gg-own" in queue  # no approve button on one's own proposal
    community = _client(world.users[Role.COMMUNITY_ADMIN])
    assert "gg-approve" in community.get(_url("pending", world), **EN).content.decode()
    assert community.post(_url("decide", world, change.pk, "approve")).status_code == 302
    assert Monitoring.objects.get().person == spouse


def test_the_proposer_posting_an_approval_is_refused(world):
    change = propose_place(world, by=Role.COMMUNITY_ADMIN)
    client = _client(world.users[Role.COMMUNITY_ADMIN])
    response = client.post(_url("decide", world, change.pk, "approve"), follow=True, **EN)
    assert "another person" in response.content.decode()
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING and not Monitoring.objects.exists()
    # Reject without a note: refused too, the note is required.
    other = _client(world.users[Role.STREET_ADMIN])
    other.post(_url("decide", world, change.pk, "reject"), {"note": ""})
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING
    other.post(_url("decide", world, change.pk, "reject"), {"note": "依据不足"})
    change.refresh_from_db()
    assert change.state == ChangeState.REJECTED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"temperature": "45"}, "between 34.0 and 43.0"),
        ({"temperature": "abc"}, "Enter the temperature"),
        ({"symptoms": ["sneezing"]}, "Select a valid choice"),
        ({"symptoms": ["other"]}, "Say which other symptom"),
        ({"test_result": "maybe"}, "Select a valid choice"),
        ({"at": ""}, "This field is required"),
    ],
)
def test_checkin_form_bad_input(world, fields, message):
    watched = place(world)
    data = {"temperature": "36.5", "symptoms": [], "test_result": "", "note": "", "at": _now_local()}
    data.update(fields)
    page = _client(world.users[Role.GRID_WORKER]).post(_url("checkin", world, watched.pk), data, **EN)
    assert page.status_code == 400 and message in page.content.decode()
    assert not HealthCheckIn.objects.exists()


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def test_checkin_raises_an_alert_that_is_resolved_on_the_alerts_page(world):
    watched = place(world)
    worker = _client(world.users[Role.GRID_WORKER])
    data = {"temperature": "38.2", "symptoms": ["cough"], "test_result": "", "note": "", "at": _now_local()}
    assert worker.post(_url("checkin", world, watched.pk), data).status_code == 302
    chief = _client(world.users[Role.GRID_CHIEF])
    page = chief.get(_url("alerts", world), **EN)
    assert "Fever" in page.content.decode() and "乌****" in page.content.decode()
    alert = MonitoringAlert.objects.get()
    assert worker.post(_url("resolve", world, alert.pk)).status_code == 403  # workers do not resolve
    assert chief.post(_url("resolve", world, alert.pk)).status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_help_request_page_makes_a_task(world):
    watched = place(world)
    chief = _client(world.users[Role.GRID_CHIEF])
    bad = chief.post(_url("help", world, watched.pk), {"kind": "supplies", "text": ""}, **EN)
    assert bad.status_code == 400 and not HelpRequest.objects.exists()
    good = chief.post(_url("help", world, watched.pk), {"kind": "supplies", "text": "大米 食用油"})
    assert good.status_code == 302
    assert HelpRequest.objects.get().task == Task.objects.get()


def test_the_resident_checks_in_on_their_own_page(world):
    watched = place(world)
    resident = make_resident("13900000011", world.units[GRID_A], person=world.reg.persons["head"])
    client = _client(resident)
    page = client.get(reverse("campaign_monitoring:self_checkin"), **EN)
    assert page.status_code == 200 and "gg-self-checkin" in page.content.decode()
    bad = client.post(
        reverse("campaign_monitoring:self_checkin"), {"temperature": "20", "at": _now_local()}, **EN
    )
    assert bad.status_code == 400 and not HealthCheckIn.objects.exists()
    good = client.post(
        reverse("campaign_monitoring:self_checkin"), {"temperature": "36.4", "at": _now_local()}
    )
    assert good.status_code == 302
    entry = HealthCheckIn.objects.get()
    assert entry.by_self and entry.monitoring == watched
    # A resident who is not monitored has nothing to report.
    other = _client(make_resident("13900000012", world.units[GRID_A]))
    assert "gg-not-monitored" in other.get(reverse("campaign_monitoring:self_checkin")).content.decode()
    # Residents do not reach the staff pages.
    assert client.get(_url("list", world)).status_code == 403


def test_monitoring_names_in_the_task_list_stay_out(world):
    watched = place(world)
    monitoring.request_help(world.users[Role.GRID_CHIEF], watched, kind="medical", text="需要透析")
    task = Task.objects.get()
    assert "透析" not in task.title + task.details


def test_the_list_reads_a_fixed_number_of_queries(world):
    client = _client(world.users[Role.COMMUNITY_ADMIN])
    place(world)
    client.get(_url("list", world))  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(_url("list", world))
    place(world, "spouse")
    with CaptureQueriesContext(connection) as two:
        page = client.get(_url("list", world))
    assert len(page.context["rows"]) == 2
    assert len(two.captured_queries) == len(one.captured_queries)


def test_the_resident_page_asks_for_the_resident_sign_in():
    response = Client().get(reverse("campaign_monitoring:self_checkin"))
    assert response.status_code == 302 and reverse("residents:signin") in response["Location"]
