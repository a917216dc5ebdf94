"""Tasks: one-off assignment, recurring generation per period, completion by visit or by hand."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.scope import path_filter
from gridgov.patrol import assignments
from gridgov.patrol.errors import PatrolDenied, PatrolError
from gridgov.patrol.models import Task, TaskState
from gridgov.patrol.testing import GRID_A, build_patrol_world, visit
from gridgov.people import services
from gridgov.people.models import Household, Person, Tag

pytestmark = pytest.mark.django_db
COMMUNITY = "150502001001"


def _tag_more(reg):
    """Tag the person of grid B too, and a moved-out person in grid A who must not be targeted."""
    admin = reg.users[Role.DISTRICT_ADMIN]
    alone = Tag.objects.get(code="elderly_alone")
    services.add_tag(reg.persons["other_grid"], alone, actor=admin)
    gone = services.save_person(Person(name="已搬走", house=reg.houses["a502"]), actor=admin)
    services.add_tag(gone, alone, actor=admin)
    services.change_status(gone, "moved_out", effective_on=date(2026, 1, 1), reason="搬家", actor=admin)
    # Tagged in the neighbouring district: outside the rule's area.
    services.add_tag(reg.persons["other_district"], alone, actor=admin)
    return alone


def _rule(reg, tag, **fields):
    return assignments.create_rule(
        reg.users[Role.COMMUNITY_ADMIN],
        title="每周走访独居老人",
        area=reg.units[COMMUNITY],
        tag=tag,
        frequency=fields.pop("frequency", "weekly"),
        **fields,
    )


def test_generation_targets_exactly_the_tagged_households_of_the_area_and_is_idempotent():
    reg = build_patrol_world()
    tag = _tag_more(reg)
    rule = _rule(reg, tag, due_weekday=2)
    wednesday = date(2026, 11, 25)
    created = assignments.generate_items(today=wednesday)
    expected = set(
        Household.objects.filter(
            path_filter("org_path", [reg.units[COMMUNITY].path]),
            is_active=True,
            members__status="active",
            members__person_tags__tag=tag,
        ).values_list("pk", flat=True)
    )
    items = Task.objects.filter(rule=rule)
    assert expected == {reg.households["a101"].pk, reg.households["b201"].pk}
    assert set(items.values_list("household_id", flat=True)) == expected
    assert created == len(expected) == items.count()
    assert set(items.values_list("period_start", "period_end", "due_on")) == {
        (date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 25))
    }
    # Again in the same week: nothing new; the next week: a new round.
    assert assignments.generate_items(today=wednesday + timedelta(days=3)) == 0
    assert assignments.generate_items(today=wednesday + timedelta(days=7)) == len(expected)
    assert items.count() == 2 * len(expected)


def test_person_targets_and_monthly_periods():
    reg = build_patrol_world()
    tag = _tag_more(reg)
    rule = _rule(reg, tag, target="person", frequency="monthly")
    assignments.generate_items(today=date(2026, 2, 10))
    expected = set(
        Person.objects.filter(
            path_filter("org_path", [reg.units[COMMUNITY].path]), status="active", person_tags__tag=tag
        ).values_list("pk", flat=True)
    )
    items = Task.objects.filter(rule=rule)
    assert set(items.values_list("person_id", flat=True)) == expected
    assert set(items.values_list("due_on", flat=True)) == {date(2026, 2, 28)}


def test_a_visit_completes_its_households_item_and_by_hand_needs_a_note():
    reg = build_patrol_world()
    tag = _tag_more(reg)
    _rule(reg, tag)
    assignments.generate_items()
    item_a = Task.objects.get(household=reg.households["a101"])
    item_b = Task.objects.get(household=reg.households["b201"])
    # Nobody at home completes nothing.
    visit(reg, nobody_home=True)
    item_a.refresh_from_db()
    assert item_a.state == TaskState.OPEN
    done = visit(reg)
    item_a.refresh_from_db()
    assert (item_a.state, item_a.done_visit_id) == (TaskState.DONE, done.pk)
    assert Task.objects.get(pk=item_b.pk).state == TaskState.OPEN
    worker_b = reg.users["worker_b"]
    with pytest.raises(PatrolError) as caught:
        assignments.complete_by_hand(item_b, worker_b, note="")
    assert caught.value.field == "note"
    with pytest.raises(PatrolDenied):
        assignments.complete_by_hand(item_b, reg.users[Role.GRID_WORKER], note="在医院探望")
    assignments.complete_by_hand(item_b, worker_b, note="在医院探望")
    assert Task.objects.get(pk=item_b.pk).done_note == "在医院探望"


def test_one_off_tasks_are_assigned_by_community_staff_to_a_worker_of_the_grid():
    reg = build_patrol_world()
    worker = reg.users[Role.GRID_WORKER]
    chief = reg.users[Role.GRID_CHIEF]
    yesterday = timezone.localdate() - timedelta(days=1)
    task = assignments.create_task(
        chief, title="核实租户信息", assignee=worker, due_on=yesterday, household=reg.households["a101"]
    )
    assert task.is_overdue and task.grid.code == GRID_A
    with pytest.raises(PatrolDenied):
        assignments.create_task(
            worker, title="x", assignee=worker, due_on=yesterday, household=reg.households["a101"]
        )
    with pytest.raises(PatrolError) as caught:
        assignments.create_task(
            chief,
            title="x",
            assignee=reg.users["worker_b"],
            due_on=yesterday,
            household=reg.households["a101"],
        )
    assert caught.value.field == "assignee"
    visit(reg)
    task.refresh_from_db()
    assert task.state == TaskState.DONE and not task.is_overdue


def test_highly_sensitive_tags_cannot_drive_tasks():
    reg = build_patrol_world()
    with pytest.raises(PatrolError) as caught:
        _rule(reg, Tag.objects.get(code="community_correction"))
    assert caught.value.field == "tag"
    with pytest.raises(PatrolDenied):
        assignments.create_rule(
            reg.users[Role.GRID_WORKER],
            title="x",
            area=reg.units[GRID_A],
            tag=Tag.objects.get(code="elderly_alone"),
            frequency="weekly",
        )


def test_the_background_task_is_queued_and_runs_the_generator():
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from gridgov.patrol.tasks import generate_task_items

    reg = build_patrol_world()
    _rule(reg, Tag.objects.get(code="elderly_alone"))
    call_command("generate_patrol_tasks", enqueue=True)
    assert DBTaskResult.objects.filter(task_path=generate_task_items.module_path).count() == 1
    assert generate_task_items.call(day="2026-11-25") == 1
    assert generate_task_items.call(day="2026-11-25") == 0
