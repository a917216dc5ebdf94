"""The "campaigns" and "monitoring" sections of the field app's offline bundle: only active
campaigns, only the worker's grids and assignments, names masked, risk zones with their rules,
reads audited, a constant number of queries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry
from gridgov.campaigns.models import (
    HealthCheckIn,
    Monitoring,
    MonitoringKind,
    RiskLevel,
    RiskZone,
    Target,
)
from gridgov.campaigns.sync import campaigns_section, mask_name, monitoring_section
from gridgov.campaigns.testing import GRID_A, GRID_B, build_campaign_world, start
from gridgov.fieldapp.testing import field_client
from gridgov.people.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_campaign_world()
    start(world)
    return world


def _bundle(user) -> dict:
    response = field_client(user).get("/field/api/bundle/")
    assert response.status_code == 200
    return response.json()


def test_the_worker_gets_the_active_campaign_with_its_checklist_and_own_households(world):
    worker = world.users[Role.GRID_WORKER]
    head = world.reg.persons["head"]
    Target.objects.filter(household=world.reg.households["a101"]).update(person_ids=[head.pk])

    section = _bundle(worker)["campaigns"]

    (campaign,) = section["active"]
    assert campaign["id"] == world.campaign.pk and campaign["kind"] == "epidemic"
    assert [q["code"] for q in campaign["questions"]] == ["fever", "temperature", "heating", "note"]
    temperature = campaign["questions"][1]
    assert temperature["condition"] == {"question": "fever", "equals": True}
    assert temperature["kind"] == "temperature"
    assert [c["value"] for c in campaign["questions"][2]["choices"]] == ["ok", "weak", "none"]
    (target,) = campaign["targets"]
    assert target["household"] == world.reg.households["a101"].pk
    assert target["number"] == "H-A101" and target["outcome"] == "pending"
    assert target["persons"] == [mask_name(head.name)] == ["乌****"]
    assert head.name not in json.dumps(section, ensure_ascii=False)
    assert "exception" not in json.dumps(campaign["questions"])  # the triggers stay on the server
    read = AuditEntry.objects.get(action="campaigns.read_personal", actor=worker)
    assert read.target_id == str(world.campaign.pk)
    assert (read.details["what"], read.details["count"]) == ("field_app_targets", 1)

    # The other grid's worker gets only their own household.
    (other,) = _bundle(world.users["worker_b"])["campaigns"]["active"]
    assert [t["household"] for t in other["targets"]] == [world.reg.households["b201"].pk]


def test_draft_ended_and_other_workers_campaign_households_are_left_out():
    world = build_campaign_world()
    worker = world.users[Role.GRID_WORKER]
    assert _bundle(worker)["campaigns"]["active"] == []  # a draft
    start(world)
    colleague = make_user("worker_a2", Role.GRID_WORKER, world.units[GRID_A])
    Target.objects.filter(campaign=world.campaign, grid__code=GRID_A).update(assignee=colleague)
    assert _bundle(worker)["campaigns"]["active"] == []
    assert len(_bundle(colleague)["campaigns"]["active"][0]["targets"]) == 1
    Target.objects.filter(campaign=world.campaign).update(assignee=None)  # nobody's: everyone's
    assert len(_bundle(worker)["campaigns"]["active"][0]["targets"]) == 1
    world.campaign.status = "ended"
    world.campaign.save(update_fields=["status"])
    assert _bundle(worker)["campaigns"]["active"] == []


def test_risk_zones_over_the_workers_grids_come_with_their_rules(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    now = timezone.now()
    grid_a, grid_b = world.units[GRID_A], world.units[GRID_B]
    common = {"set_by": admin, "reason": "密接者居住", "campaign": world.campaign}
    RiskZone.objects.create(
        level=RiskLevel.CONTROL,
        grid=grid_a,
        org_path=grid_a.path,
        starts_at=now - timedelta(hours=1),
        **common,
    )
    RiskZone.objects.create(
        level=RiskLevel.LOCKDOWN,
        grid=grid_b,
        org_path=grid_b.path,
        starts_at=now - timedelta(hours=1),
        **common,
    )
    RiskZone.objects.create(
        level=RiskLevel.LOCKDOWN,
        grid=grid_a,
        org_path=grid_a.path,
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=1),
        **common,
    )
    building = world.reg.buildings["a"]
    RiskZone.objects.create(
        level=RiskLevel.LOCKDOWN,
        building=building,
        org_path=building.org_path,
        starts_at=now - timedelta(minutes=5),
        **common,
    )

    zones = _bundle(world.users[Role.GRID_WORKER])["campaigns"]["zones"]

    assert sorted((z["level"], z["place"]) for z in zones) == [
        ("control", grid_a.name_for("en")),
        ("lockdown", building.name),
    ]
    assert all(z["rules"] and all(isinstance(r, str) and r for r in z["rules"]) for z in zones)
    assert all(z["until"] is None for z in zones)


def test_monitorings_of_the_workers_grids_show_masked_and_say_whether_today_is_in(world):
    worker = world.users[Role.GRID_WORKER]
    today = timezone.localdate()
    head = world.reg.persons["head"]
    grid_a = world.units[GRID_A]
    watched = Monitoring.objects.create(
        campaign=world.campaign,
        person=head,
        household=world.reg.households["a101"],
        grid=grid_a,
        org_path=grid_a.path,
        kind=MonitoringKind.HOME_QUARANTINE,
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=5),
    )
    Monitoring.objects.create(
        campaign=world.campaign,
        person=world.reg.persons["spouse"],
        grid=grid_a,
        org_path=grid_a.path,
        kind=MonitoringKind.HOME_HEALTH,
        starts_on=today - timedelta(days=9),
        ends_on=today - timedelta(days=1),  # over
    )

    section = _bundle(worker)["monitoring"]
    (item,) = section["persons"]
    assert "fever" in [s["code"] for s in section["symptoms"]]
    assert (item["id"], item["name"], item["kind"], item["checked_today"]) == (
        watched.pk,
        "乌****",
        "quarantine",
        False,
    )
    assert item["until"] == (today + timedelta(days=5)).isoformat()
    assert _bundle(world.users["worker_b"])["monitoring"]["persons"] == []

    HealthCheckIn.objects.create(monitoring=watched, day=today, at=timezone.now(), by_user=worker)
    assert _bundle(worker)["monitoring"]["persons"][0]["checked_today"] is True
    reads = AuditEntry.objects.filter(action="campaigns.read_personal", actor=worker)
    assert [e.details["count"] for e in reads if e.details["what"] == "field_app_monitorings"] == [1, 1]


def test_the_sections_take_a_constant_number_of_queries():
    world = build_campaign_world()
    grid = world.units[GRID_A]
    Household.objects.bulk_create(
        Household(number=f"H-A{n:04d}", grid=grid, org_path=grid.path) for n in range(200)
    )
    start(world)
    worker = world.users[Role.GRID_WORKER]
    with CaptureQueriesContext(connection) as many:
        section = campaigns_section(worker)
        monitoring_section(worker)
    assert len(section["active"][0]["targets"]) == 201
    assert len(many.captured_queries) <= 16, [q["sql"] for q in many.captured_queries]
