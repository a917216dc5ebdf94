"""The deadline sweep (gridgov.cases.monitor) on a frozen clock.

Working hours are the documented default, 08:30–12:00 and 13:30–17:30, warning at 80 % of the
limit; March 2026 is an ordinary working month of the statutory calendar.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.calendar import days
from gridgov.cases.errors import NotAllowed
from gridgov.cases.models import (
    Alert,
    Case,
    Category,
    LimitUnit,
    ResponsibilityRule,
    Stage,
    State,
    TimeLimit,
    TimelineEntry,
    Urgency,
)
from gridgov.cases.monitor import sweep_deadlines
from gridgov.cases.testing import build_case_world, report
from gridgov.cases.workflow import SYSTEM_NAME, act_as_system, perform
from gridgov.geo.models import Level
from gridgov.inbox.models import Notification

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=LOCAL)


# Tuesday 10 March 2026, 16:30: one working hour is left today.
TUESDAY_AFTERNOON = at(10, 16, 30)


@pytest.fixture(autouse=True)
def _calendar(settings):
    settings.WORKING_HOURS = [("08:30", "12:00"), ("13:30", "17:30")]
    settings.CASE_WARNING_PERCENT = 80
    days.invalidate()
    yield
    days.invalidate()


@pytest.fixture
def world(time_machine):
    time_machine.move_to(TUESDAY_AFTERNOON, tick=False)
    world = build_case_world()
    for role, user in world.users.items():
        user.email = f"{role.value}@example.org"
        user.save(update_fields=["email"])
    return world


def act(world, case: Case, role: Role, action: str, **params) -> Case:
    return perform(case.pk, action, actor=world.users[role], **params)


def in_progress(world) -> Case:
    """A case accepted by the department handler: its handling deadline runs."""
    case = report(world)
    act(world, case, Role.COMMUNITY_ADMIN, "register")
    act(world, case, Role.COMMUNITY_ADMIN, "dispatch", department=world.department.code)
    return act(world, case, Role.DEPARTMENT_HANDLER, "accept")


def sweep(time_machine, when: datetime, capture):
    time_machine.move_to(when, tick=False)
    with capture(execute=True):
        return sweep_deadlines()


def test_yellow_then_red_in_working_time_across_the_evening(
    world, time_machine, django_capture_on_commit_callbacks
):
    case = report(world)  # 2 working hours to register: 1 h today, 1 h on Wednesday morning
    assert (case.warn_at, case.deadline) == (at(11, 9, 6), at(11, 9, 30))

    # Two wall-clock hours later the office is closed: no working time has passed since 17:30.
    assert sweep(time_machine, at(10, 18, 45), django_capture_on_commit_callbacks).warned == []
    assert sweep(time_machine, at(11, 9, 5), django_capture_on_commit_callbacks).warned == []

    result = sweep(time_machine, at(11, 9, 6), django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue) == ([case.pk], [])
    case.refresh_from_db()
    assert (case.alert, case.overdue_count) == (Alert.YELLOW, 0)

    assert sweep(time_machine, at(11, 9, 29), django_capture_on_commit_callbacks).overdue == []
    result = sweep(time_machine, at(11, 9, 30), django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue, result.escalated) == ([], [case.pk], [])
    case.refresh_from_db()
    assert (case.alert, case.overdue_count, case.state) == (Alert.RED, 1, State.REPORTED)
    entries = list(
        case.timeline.filter(action__in=["warning", "overdue"]).values_list("action", "at", "actor")
    )
    assert entries == [("warning", at(11, 9, 6), None), ("overdue", at(11, 9, 30), None)]


def test_a_case_past_both_times_since_the_last_sweep_is_reported_once_as_overdue(
    world, time_machine, django_capture_on_commit_callbacks
):
    case = report(world)
    result = sweep(time_machine, at(11, 10), django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue) == ([], [case.pk])
    assert list(case.timeline.filter(action__in=["warning", "overdue"]).values_list("action", flat=True)) == [
        "overdue"
    ]


def test_the_sweep_is_idempotent(world, time_machine, django_capture_on_commit_callbacks):
    report(world)
    report(world)
    first = sweep(time_machine, at(11, 10), django_capture_on_commit_callbacks)
    counts = (TimelineEntry.objects.count(), Notification.objects.count(), len(mail.outbox))
    second = sweep(time_machine, at(11, 10), django_capture_on_commit_callbacks)
    later = sweep(time_machine, at(12, 16), django_capture_on_commit_callbacks)

    assert len(first.overdue) == 2
    assert (second.warned, second.overdue, later.warned, later.overdue) == ([], [], [], [])
    assert (TimelineEntry.objects.count(), Notification.objects.count(), len(mail.outbox)) == counts
    assert set(Case.objects.values_list("overdue_count", flat=True)) == {1}


def test_a_suspended_case_is_not_flagged_and_its_deadline_moves_on_resume(
    world, time_machine, django_capture_on_commit_callbacks
):
    case = in_progress(world)  # handling: 3 working days from Tuesday 16:30, until Friday 16:30
    assert case.deadline == at(13, 16, 30)
    act(world, case, Role.COMMUNITY_ADMIN, "suspend", reason="等待业主回京")

    result = sweep(time_machine, at(20, 10), django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue) == ([], [])

    # Resumed Friday 20 March 10:00: the 3 working days are all still left.
    act(world, case, Role.COMMUNITY_ADMIN, "resume")
    case.refresh_from_db()
    assert case.deadline == at(25, 10)
    assert sweep(time_machine, at(24, 10), django_capture_on_commit_callbacks).overdue == []
    assert sweep(time_machine, at(25, 10), django_capture_on_commit_callbacks).overdue == [case.pk]


def test_notifications_reach_the_handler_and_the_levels_dispatchers(
    world, time_machine, django_capture_on_commit_callbacks
):
    case = in_progress(world)
    result = sweep(time_machine, at(13, 16, 30), django_capture_on_commit_callbacks)
    assert result.overdue == [case.pk]

    told = Notification.objects.filter(case=case, kind="overdue")
    handler, community_admin = world.users[Role.DEPARTMENT_HANDLER], world.users[Role.COMMUNITY_ADMIN]
    assert set(told.values_list("recipient", flat=True)) == {handler.pk, community_admin.pk}
    assert case.number in told.first().title
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [handler.email, community_admin.email]
    )
    assert result.notifications == 2


def test_before_acceptance_the_addressee_is_warned(world, time_machine, django_capture_on_commit_callbacks):
    case = report(world)
    act(world, case, Role.COMMUNITY_ADMIN, "register")
    case = act(world, case, Role.COMMUNITY_ADMIN, "dispatch", department=world.department.code)
    assert case.warn_at == at(13, 10, 30)  # 80 % of 3 working days: 18 of 22.5 working hours
    sweep(time_machine, at(13, 10, 30), django_capture_on_commit_callbacks)

    told = set(Notification.objects.filter(case=case, kind="warning").values_list("recipient", flat=True))
    assert told == {world.users[Role.DEPARTMENT_HANDLER].pk, world.users[Role.COMMUNITY_ADMIN].pk}


def test_overdue_cases_of_an_auto_escalating_category_go_up_one_level_once(
    world, time_machine, django_capture_on_commit_callbacks
):
    world.categories["pothole"].auto_escalate = True
    world.categories["pothole"].save(update_fields=["auto_escalate"])
    case = report(world)
    plain = report(world, category="02")  # the parent category does not escalate by itself

    result = sweep(time_machine, at(11, 10), django_capture_on_commit_callbacks)
    assert sorted(result.overdue) == sorted([case.pk, plain.pk])
    assert result.escalated == [case.pk]
    case.refresh_from_db()
    assert (case.state, case.level, case.responsible_unit.code, case.alert) == (
        State.REGISTERED,
        Level.STREET,
        "150502001",
        Alert.NONE,
    )
    escalation = case.timeline.get(action="escalate")
    assert escalation.actor is None and escalation.details["by"] == SYSTEM_NAME
    assert AuditEntry.objects.filter(action="case.escalate", actor_name=SYSTEM_NAME, actor=None).count() == 1
    # The street, now responsible, is told; the community was told it was overdue.
    assert Notification.objects.filter(
        case=case, kind="escalate", recipient=world.users[Role.STREET_ADMIN]
    ).exists()
    assert Notification.objects.filter(
        case=case, kind="overdue", recipient=world.users[Role.COMMUNITY_ADMIN]
    ).exists()

    again = sweep(time_machine, at(11, 10), django_capture_on_commit_callbacks)
    assert (again.overdue, again.escalated) == ([], [])
    assert case.timeline.filter(action="escalate").count() == 1


def test_the_system_takes_no_action_but_escalation(world):
    case = report(world)
    before = case.version
    with pytest.raises(NotAllowed):
        act_as_system(case.pk, "register")
    case.refresh_from_db()
    assert (case.state, case.version) == (State.REPORTED, before)


@pytest.mark.parametrize("cases", [2, 6])
def test_the_number_of_queries_does_not_grow_with_the_flagged_cases(
    cases, world, time_machine, django_capture_on_commit_callbacks
):
    overdue = [report(world) for _ in range(cases)]
    time_machine.move_to(at(10, 17))
    warned = [report(world) for _ in range(cases)]  # 17:00 + 96 working minutes: Wednesday 09:36
    assert {c.warn_at for c in warned} == {at(11, 9, 36)}
    time_machine.move_to(at(11, 9, 45), tick=False)  # the first ones are overdue since 09:30

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        result = sweep_deadlines()

    assert (len(result.overdue), len(result.warned)) == (cases, cases)
    assert {c.pk for c in overdue} == set(result.overdue)
    assert len(queries) == QUERIES_PER_SWEEP, "\n".join(q["sql"][:90] for q in queries.captured_queries)


# The sweep's transaction (2), two UPDATEs, two timeline INSERTs; per kind (2 x 6): cases,
# memberships, and in a savepoint users and the inbox INSERT; then one query for escalations.
QUERIES_PER_SWEEP = 19


def test_the_command_sweeps_once(world, time_machine, capsys):
    report(world)
    time_machine.move_to(at(11, 10), tick=False)
    call_command("sweep_deadlines")
    assert "1 overdue" in capsys.readouterr().out
    assert Case.objects.get().alert == Alert.RED


def test_the_task_sweeps_and_queues_its_next_run(world, time_machine, settings):
    from django_tasks_db.models import DBTaskResult

    from gridgov.cases.tasks import sweep_task

    settings.CASE_SWEEP_SECONDS = 90
    report(world)
    time_machine.move_to(at(11, 10), tick=False)
    assert sweep_task.call() == {"warned": 0, "overdue": 1, "escalated": 0, "notifications": 1}
    (queued,) = DBTaskResult.objects.filter(task_path=sweep_task.module_path)
    assert (queued.status, queued.run_after) == ("READY", at(11, 10, 1, 30))


def test_around_the_clock_limits_run_through_the_night_and_the_weekend(
    world, time_machine, django_capture_on_commit_callbacks
):
    """A burst heating pipe reported on a Friday evening: its clock-hour limits do not wait for
    Monday, and a suspension carries the clock hours that were left."""
    heating = Category.objects.create(code="16", name_zh="突发事件", name_en="Emergencies")
    Category.objects.create(code="1603", parent=heating, name_zh="供热中断", name_en="Heating failure")
    for urgency in Urgency.values:
        for stage, amount in ((Stage.REGISTER, 1), (Stage.DISPATCH, 1), (Stage.HANDLE, 4), (Stage.VERIFY, 2)):
            TimeLimit.objects.create(
                category=heating, urgency=urgency, stage=stage, amount=amount, unit=LimitUnit.CLOCK_HOURS
            )
    ResponsibilityRule.objects.create(
        category=heating, area=world.units["150502"], department=world.department
    )
    time_machine.move_to(at(13, 21, 0), tick=False)  # Friday 21:00
    case = report(world, category="1603", description="楼道暖气管爆裂")
    act(world, case, Role.COMMUNITY_ADMIN, "register")
    act(world, case, Role.COMMUNITY_ADMIN, "dispatch", department=world.department.code)
    case = act(world, case, Role.DEPARTMENT_HANDLER, "accept")
    assert case.deadline == at(14, 1, 0)  # Saturday 01:00, not Monday morning
    assert case.warn_at == at(14, 0, 12)  # 80 % of the 4 hours
    assert sweep(time_machine, at(14, 0, 12), django_capture_on_commit_callbacks).warned == [case.pk]

    time_machine.move_to(at(14, 0, 30), tick=False)
    act(world, case, Role.COMMUNITY_ADMIN, "suspend", reason="等待停水")
    time_machine.move_to(at(14, 6, 0), tick=False)
    case = act(world, case, Role.COMMUNITY_ADMIN, "resume")
    assert case.deadline == at(14, 6, 30)  # the half hour that was left, from 06:00
    assert sweep(time_machine, at(14, 6, 30), django_capture_on_commit_callbacks).overdue == [case.pk]
