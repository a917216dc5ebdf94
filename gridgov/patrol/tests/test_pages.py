"""The patrol pages: day view, patrol page, visit form, coverage, review queue, household card."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.patrol import assignments, patrols
from gridgov.patrol.models import ChangeState, Patrol, ProposedChange, Task, TaskState, Visit
from gridgov.patrol.testing import GRID_A, build_patrol_world, visit
from gridgov.patrol.visits import Correction
from gridgov.people.models import Tag

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_day_view_shows_due_tasks_and_starts_a_patrol():
    reg = build_patrol_world()
    worker = reg.users[Role.GRID_WORKER]
    overdue = assignments.create_task(
        reg.users[Role.GRID_CHIEF],
        title="OVERDUE-TASK",
        assignee=worker,
        due_on=timezone.localdate() - timedelta(days=2),
        household=reg.households["a101"],
    )
    client = _client(worker)
    page = client.get(reverse("patrol:day"), **EN)
    assert page.status_code == 200
    assert "OVERDUE-TASK" in page.content.decode() and "overdue" in page.content.decode()
    response = client.post(reverse("patrol:start"), {"grid": reg.units[GRID_A].pk})
    patrol = Patrol.objects.get(worker=worker)
    assert response.status_code == 302 and response["Location"] == reverse("patrol:patrol", args=[patrol.pk])
    # Another street's grid: 404, nothing started.
    assert client.post(reverse("patrol:start"), {"grid": reg.units["150502002001001"].pk}).status_code == 404
    assert Patrol.objects.count() == 1
    done = client.post(reverse("patrol:task_done", args=[overdue.pk]), {"note": "电话确认"})
    assert done.status_code == 302
    assert Task.objects.get(pk=overdue.pk).state == TaskState.DONE
    # The other grid's worker gets no day entries of grid A and cannot open the patrol.
    other = _client(reg.users["worker_b"])
    assert "OVERDUE-TASK" not in other.get(reverse("patrol:day")).content.decode()
    assert other.get(reverse("patrol:patrol", args=[patrol.pk])).status_code == 404


def test_patrol_page_carries_its_track_for_the_map():
    reg = build_patrol_world()
    worker = reg.users[Role.GRID_WORKER]
    started = timezone.now() - timedelta(minutes=10)
    patrol = patrols.start_patrol(worker, reg.units[GRID_A], at=started)
    patrols.add_track_points(
        patrol,
        worker,
        [
            {"lon": 122.05, "lat": 43.6 + i * 0.001, "at": (started + timedelta(minutes=i)).isoformat()}
            for i in range(2)
        ],
    )
    page = _client(reg.users[Role.COMMUNITY_ADMIN]).get(reverse("patrol:patrol", args=[patrol.pk]), **EN)
    body = page.content.decode()
    assert page.status_code == 200
    assert (
        '<script id="gg-patrol-track" type="application/json">[[43.6, 122.05], [43.601, 122.05]]</script>'
        in body
    )
    assert "vendor/leaflet/leaflet.js" in body
    client = _client(worker)
    client.post(reverse("patrol:end", args=[patrol.pk]))
    assert Patrol.objects.get(pk=patrol.pk).ended_at is not None


def test_the_visit_form_records_a_visit_with_a_correction_and_shows_field_errors():
    reg = build_patrol_world()
    head = reg.persons["head"]
    client = _client(reg.users[Role.GRID_WORKER])
    url = reverse("patrol:visit_new", args=[reg.households["a101"].pk])
    assert client.get(url).status_code == 200
    form = {
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "met": [head.pk],
        "situation": "attention",
        "needs": ["medical"],
        "correction_person": head.pk,
        "correction_field": "phone",
        "correction_value": "123",
    }
    bad = client.post(url, form, **EN)
    assert bad.status_code == 400 and not Visit.objects.exists()
    assert "phone" in bad.content.decode().lower() or "mobile" in bad.content.decode().lower()
    form["correction_value"] = "13847561234"
    assert client.post(url, form).status_code == 302
    visit_ = Visit.objects.get()
    assert ProposedChange.objects.get(visit=visit_).state == ChangeState.PENDING
    # The household card shows the visit history.
    card = client.get(reverse("registry:household", args=[reg.households["a101"].pk]), **EN).content.decode()
    assert 'id="gg-household-visits"' in card and f'data-visit="{visit_.pk}"' in card and "Medical" in card
    # Grid B's worker may not record a visit in grid A.
    assert _client(reg.users["worker_b"]).get(url).status_code == 404


def test_coverage_page_counts_per_grid_and_lists_the_households():
    reg = build_patrol_world()
    visit(reg, "a101")
    page = _client(reg.users[Role.COMMUNITY_ADMIN]).get(
        reverse("patrol:coverage"), {"area": reg.units["150502001001"].pk, "days": 30}, **EN
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert f'data-household="{reg.households["b201"].pk}"' in body
    assert f'data-household="{reg.households["a101"].pk}"' not in body
    assert "1 of 2 households not visited in the last 30 days." in body
    # Out-of-scope area: 404.
    outsider = _client(reg.users["worker_b"])
    assert outsider.get(reverse("patrol:coverage"), {"area": reg.units[GRID_A].pk}).status_code == 404


def test_review_queue_accepts_and_rejects_and_is_closed_to_grid_workers():
    reg = build_patrol_world()
    head = reg.persons["head"]
    done = visit(
        reg, corrections=[Correction("name", "新名字", head), Correction("relation", "parent", head)]
    )
    name, relation = (ProposedChange.objects.get(visit=done, field=f) for f in ("name", "relation"))
    assert _client(reg.users[Role.GRID_WORKER]).get(reverse("patrol:changes")).status_code == 403
    chief = _client(reg.users[Role.GRID_CHIEF])
    queue = chief.get(reverse("patrol:changes"), **EN).content.decode()
    assert f'data-change="{name.pk}"' in queue and "新名字" in queue
    chief.post(reverse("patrol:review", args=[name.pk, "reject"]), {"reason": ""})
    assert ProposedChange.objects.get(pk=name.pk).state == ChangeState.PENDING
    chief.post(reverse("patrol:review", args=[name.pk, "reject"]), {"reason": "核实无误"})
    chief.post(reverse("patrol:review", args=[relation.pk, "accept"]))
    head.refresh_from_db()
    assert ProposedChange.objects.get(pk=name.pk).state == ChangeState.REJECTED
    assert (head.name, head.relation) == ("乌兰巴特尔", "parent")


def test_the_generation_command_is_idempotent():
    reg = build_patrol_world()
    assignments.create_rule(
        reg.users[Role.COMMUNITY_ADMIN],
        title="每周走访",
        area=reg.units["150502001001"],
        tag=Tag.objects.get(code="elderly_alone"),
        frequency="weekly",
    )
    call_command("generate_patrol_tasks", day="2026-11-25")
    call_command("generate_patrol_tasks", day="2026-11-26")
    assert Task.objects.count() == 1


def test_the_tasks_page_assigns_through_the_services_and_refuses_a_worker_of_another_grid():
    reg = build_patrol_world()
    chief = _client(reg.users[Role.COMMUNITY_ADMIN])
    url = reverse("patrol:tasks")
    worker = reg.users[Role.GRID_WORKER]
    form = {
        "form": "task",
        "task-title": "核实出租屋",
        "task-grid": reg.units["150502001001002"].pk,  # grid B, but the worker works in grid A
        "task-household_number": "",
        "task-assignee": worker.pk,
        "task-due_on": timezone.localdate().isoformat(),
    }
    refused = chief.post(url, form, **EN)
    assert refused.status_code == 400 and not Task.objects.exists()
    form["task-grid"] = reg.units[GRID_A].pk
    form["task-household_number"] = "H-A101"
    assert chief.post(url, form).status_code == 302
    task = Task.objects.get()
    assert (task.assignee, task.household) == (worker, reg.households["a101"])
    rule = {
        "form": "rule",
        "rule-title": "每月走访残疾人",
        "rule-area": reg.units["150502001001"].pk,
        "rule-tag": Tag.objects.get(code="disabled").pk,
        "rule-target": "person",
        "rule-frequency": "monthly",
        "rule-due_weekday": 4,
    }
    assert chief.post(url, rule).status_code == 302
    assert "每月走访残疾人" in chief.get(url).content.decode()
    assert _client(worker).get(url).status_code == 403


def test_the_household_card_hides_visits_from_those_who_may_not_see_them():
    reg = build_patrol_world()
    visit(reg)
    url = reverse("registry:household", args=[reg.households["a101"].pk])
    dispatcher = _client(reg.users[Role.DISPATCHER])  # sees the registry, not visits
    body = dispatcher.get(url).content.decode()
    assert "gg-household-visits" not in body
    assert "gg-household-visits" in _client(reg.users[Role.COMMUNITY_ADMIN]).get(url).content.decode()


def test_the_lists_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    reg = build_patrol_world()
    admin = reg.users[Role.DISTRICT_ADMIN]
    from gridgov.people import services
    from gridgov.people.models import Household

    for number in range(12):
        services.save_household(Household(number=f"H-X{number}", house=reg.houses["a502"]), actor=admin)
    visit(reg)
    community_admin = _client(reg.users[Role.COMMUNITY_ADMIN])
    url = reverse("patrol:coverage")
    community_admin.get(url)  # warm the per-process caches (calendar, taxonomy)
    with django_assert_max_num_queries(25):
        page = community_admin.get(url, {"area": reg.units["150502001001"].pk})
    assert page.content.decode().count("data-household=") == 13
    worker = _client(reg.users[Role.GRID_WORKER])
    worker.get(reverse("patrol:day"))
    with django_assert_max_num_queries(25):
        worker.get(reverse("patrol:day"))
