"""What the phone needs for revisits, corrections and its map (docs/field-app.md): the bundle's
households carry their building and their last result (answers only for a DONE result), its risk
zones say where to draw them and in which colour, and a rejected result names every checklist
problem at once, each on its field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.campaigns import results
from gridgov.campaigns.models import Outcome, RiskLevel, RiskZone, Target
from gridgov.campaigns.testing import GRID_A, GRID_B, build_campaign_world, start
from gridgov.campaigns.zones import LEVEL_COLOURS
from gridgov.fieldapp.models import Submission
from gridgov.fieldapp.testing import field_client, post_batch, submission
from gridgov.people import services
from gridgov.people.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_campaign_world()
    admin = world.users[Role.DISTRICT_ADMIN]
    services.save_household(Household(number="H-A900", grid=world.units[GRID_A]), actor=admin)
    start(world)
    return world


def _targets(world, user) -> dict[str, dict]:
    response = field_client(user).get("/field/api/bundle/")
    assert response.status_code == 200
    (campaign,) = response.json()["campaigns"]["active"]
    return {target["number"]: target for target in campaign["targets"]}


def test_households_come_with_their_building_and_last_answers(world):
    worker = world.users[Role.GRID_WORKER]
    a101 = Target.objects.get(campaign=world.campaign, household=world.reg.households["a101"])
    at = timezone.now() - timedelta(hours=2)
    results.record_result(
        worker,
        a101,
        outcome=Outcome.DONE,
        answers={"fever": False, "heating": "weak"},
        note="暖气不热",
        at=at,
    )

    targets = _targets(world, worker)

    building = world.reg.buildings["a"]
    done, loose = targets["H-A101"], targets["H-A900"]
    assert (done["building"], done["building_name"]) == (building.pk, building.name)
    assert done["answers"] == {"fever": False, "heating": "weak"}
    assert done["note"] == "暖气不热"
    assert done["result_at"] == at.isoformat()
    # A household with no house on record has no building; an unvisited one no result.
    assert (loose["building"], loose["building_name"]) == (None, "")
    assert (loose["answers"], loose["note"], loose["result_at"]) == (None, "", None)

    # Not at home on the revisit: the server keeps no answers, only the note.
    results.record_result(worker, a101, outcome=Outcome.NOT_HOME, note="晚上再来", at=timezone.now())
    revisit = _targets(world, worker)["H-A101"]
    assert (revisit["outcome"], revisit["answers"], revisit["note"]) == ("not_home", None, "晚上再来")


def test_zones_say_where_and_in_which_colour_the_map_draws_them(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    grid_a, grid_b = world.units[GRID_A], world.units[GRID_B]
    since = timezone.now() - timedelta(hours=1)
    building = world.reg.buildings["a"]
    common = {"set_by": admin, "reason": "密接者居住", "campaign": world.campaign, "starts_at": since}
    RiskZone.objects.create(level=RiskLevel.PREVENTION, grid=grid_a, org_path=grid_a.path, **common)
    RiskZone.objects.create(level=RiskLevel.LOCKDOWN, building=building, org_path=building.org_path, **common)
    RiskZone.objects.create(level=RiskLevel.LOCKDOWN, grid=grid_b, org_path=grid_b.path, **common)

    section = field_client(world.users[Role.GRID_WORKER]).get("/field/api/bundle/").json()["campaigns"]

    zones = {zone["level"]: zone for zone in section["zones"]}
    assert set(zones) == {"prevention", "lockdown"}  # the other grid's lockdown is not the worker's
    grid_zone, building_zone = zones["prevention"], zones["lockdown"]
    assert (grid_zone["grid"], grid_zone["building"], grid_zone["point"]) == (grid_a.pk, None, None)
    assert (building_zone["grid"], building_zone["building"]) == (grid_a.pk, building.pk)
    assert building_zone["point"] == [building.lon, building.lat]
    assert grid_zone["colour"] == LEVEL_COLOURS[RiskLevel.PREVENTION] != building_zone["colour"]
    assert [(level["level"], level["colour"]) for level in section["levels"]] == [
        (value, LEVEL_COLOURS[value]) for value in RiskLevel.values
    ]
    assert all(level["label"] for level in section["levels"])


def test_a_rejected_result_names_every_checklist_problem_and_records_nothing(world):
    worker = world.users[Role.GRID_WORKER]
    target = Target.objects.get(campaign=world.campaign, household=world.reg.households["a101"])
    body = {"target": target.pk, "outcome": "done", "answers": {"fever": True, "temperature": 45}, "note": ""}

    (answer,) = post_batch(field_client(worker), [submission("campaign.result", body)])

    assert answer["status"] == "rejected"
    assert set(answer["errors"]) == {"answers.temperature", "answers.heating"}
    assert "34" in answer["errors"]["answers.temperature"][0]
    target.refresh_from_db()
    assert (target.outcome, target.attempts) == (Outcome.PENDING, 0)
    assert Submission.objects.get(user=worker).status == "rejected"

    # The corrected result, under a new key, is recorded.
    body["answers"] = {"fever": True, "temperature": 38.5, "heating": "ok"}
    (fixed,) = post_batch(field_client(worker), [submission("campaign.result", body)])
    assert fixed["status"] == "created"
    target.refresh_from_db()
    assert (target.outcome, target.answers["temperature"]) == (Outcome.DONE, 38.5)
