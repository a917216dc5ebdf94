"""The patrol kinds of the field app's sync protocol and its "tasks" bundle section."""

import base64
import io
import json
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gridgov.access.roles import Role
from gridgov.fieldapp import bundle
from gridgov.fieldapp.handlers import SubmissionRejected, handler_for
from gridgov.patrol import assignments
from gridgov.patrol.models import Patrol, ProposedChange, Task, TaskState, TrackPoint, Visit
from gridgov.patrol.testing import GRID_A, build_patrol_world

pytestmark = pytest.mark.django_db


def _png_data_url() -> str:
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")
    return "data:image/png;base64," + base64.b64encode(image.getvalue()).decode()


def _submit(user, kind, body, made_at=None):
    with transaction.atomic():
        return handler_for(kind)(user, body, made_at=made_at or timezone.now())


def test_a_patrol_day_through_the_handlers():
    reg = build_patrol_world()
    worker = reg.users[Role.GRID_WORKER]
    started = timezone.now() - timedelta(minutes=20)
    patrol = _submit(worker, "patrol.start", {"grid": GRID_A, "key": "dev-7"}, started)
    assert isinstance(patrol, Patrol) and patrol.started_at == started
    points = [
        {"lon": 122.05, "lat": 43.6 + i * 0.001, "at": (started + timedelta(minutes=i)).isoformat()}
        for i in range(3)
    ]
    _submit(worker, "patrol.track", {"patrol": "dev-7", "points": points})
    assert TrackPoint.objects.filter(patrol=patrol).count() == 3
    checkin = _submit(worker, "patrol.checkin", {"patrol": patrol.pk, "building": reg.buildings["a"].pk})
    assert checkin.building == reg.buildings["a"]
    head = reg.persons["head"]
    visit = _submit(
        worker,
        "patrol.visit",
        {
            "household": reg.households["a101"].pk,
            "met": [head.pk],
            "situation": "attention",
            "needs": ["daily_care"],
            "patrol": "dev-7",
            "corrections": [{"person": head.pk, "field": "phone", "value": "13847561234"}],
            "photos": [_png_data_url()],
        },
    )
    assert visit.photos.count() == 1
    assert isinstance(visit, Visit) and visit.patrol == patrol and visit.needs == ["daily_care"]
    assert ProposedChange.objects.get(visit=visit).value_masked
    case = _submit(
        worker,
        "patrol.finding",
        {"patrol": "dev-7", "category": "0201", "description": "路灯不亮", "lon": 122.05, "lat": 43.6},
    )
    assert case.patrol_finding.patrol == patrol
    ended = _submit(worker, "patrol.end", {"patrol": "dev-7"})
    assert ended.ended_at is not None and ended.distance_m == pytest.approx(222.4, abs=0.5)


def test_bad_bodies_are_rejected_with_the_field_and_nothing_is_kept():
    reg = build_patrol_world()
    worker = reg.users[Role.GRID_WORKER]
    with pytest.raises(SubmissionRejected) as caught:
        _submit(worker, "patrol.start", {"grid": "150502002001001"})  # another street's grid
    assert "grid" in caught.value.errors
    with pytest.raises(SubmissionRejected) as caught:
        _submit(worker, "patrol.visit", {"household": reg.households["b201"].pk, "situation": "normal"})
    assert "household" in caught.value.errors
    with pytest.raises(SubmissionRejected) as caught:
        _submit(
            worker,
            "patrol.visit",
            {
                "household": reg.households["a101"].pk,
                "situation": "normal",
                "met": [reg.persons["head"].pk],
                "corrections": [{"person": reg.persons["head"].pk, "field": "id_number", "value": "123"}],
            },
        )
    assert "corrections.0.value" in caught.value.errors
    with pytest.raises(SubmissionRejected) as caught:
        _submit(worker, "patrol.track", {"patrol": "nope", "points": []})
    assert "patrol" in caught.value.errors
    assert not Visit.objects.exists() and not Patrol.objects.exists()


def test_the_tasks_section_lists_the_workers_open_items():
    reg = build_patrol_world()
    worker = reg.users[Role.GRID_WORKER]
    task = assignments.create_task(
        reg.users[Role.GRID_CHIEF],
        title="核实租户",
        assignee=worker,
        due_on=timezone.localdate(),
        household=reg.households["a101"],
    )
    Task.objects.create(
        title="已完成", grid=task.grid, org_path=task.org_path, due_on=task.due_on, state=TaskState.DONE
    )
    section = bundle.providers()["tasks"](worker)
    assert [(item["id"], item["household"]) for item in section] == [(task.pk, reg.households["a101"].pk)]
    assert bundle.providers()["tasks"](reg.users["worker_b"]) == []


def test_a_patrol_and_a_visit_through_the_sync_endpoint_are_created_once():
    """Real HTTP through the field app's endpoint: retries answer "duplicate", a changed body
    with the same key is a conflict, and the bundle carries the worker's tasks."""
    reg = build_patrol_world()
    worker = reg.users[Role.GRID_WORKER]
    client = Client()
    client.force_login(worker)
    now = timezone.now()
    start = {
        "key": str(uuid.uuid4()),
        "kind": "patrol.start",
        "made_at": now.isoformat(),
        "body": {"grid": GRID_A, "key": "p1"},
    }
    visit = {
        "key": str(uuid.uuid4()),
        "kind": "patrol.visit",
        "made_at": now.isoformat(),
        "body": {
            "household": reg.households["a101"].pk,
            "nobody_home": True,
            "situation": "normal",
            "patrol": "p1",
        },
    }
    url = reverse("fieldapp:sync")

    def sync(*items):
        response = client.post(url, json.dumps({"submissions": list(items)}), content_type="application/json")
        assert response.status_code == 200
        return [answer["status"] for answer in response.json()["results"]]

    assert sync(start, visit) == ["created", "created"]
    assert sync(start, visit, visit) == ["duplicate", "duplicate", "duplicate"]
    changed = {**visit, "body": {**visit["body"], "situation": "urgent"}}
    assert sync(changed) == ["conflict"]
    assert Patrol.objects.count() == 1 and Visit.objects.get().situation == "normal"
    assignments.create_task(
        reg.users[Role.GRID_CHIEF],
        title="核实",
        assignee=worker,
        due_on=timezone.localdate(),
        household=reg.households["a101"],
    )
    tasks = client.get(reverse("fieldapp:bundle")).json()["tasks"]
    assert [task["title"] for task in tasks] == ["核实"]
