"""Who is told what about a case (gridgov.cases.notify), through the real workflow and inbox."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from gridgov.access.roles import Role
from gridgov.cases.notify import case_event
from gridgov.cases.testing import build_case_world, report
from gridgov.cases.workflow import perform
from gridgov.inbox.models import Notification

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 3, 11, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
R = Role


@pytest.fixture
def world(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    world = build_case_world()
    for role, user in world.users.items():
        user.email = f"{role.value}@example.org"
        user.save(update_fields=["email"])
    return world


@pytest.fixture
def act(world, django_capture_on_commit_callbacks):
    """Take an action as a role's persona, running the after-commit notifications."""

    def act(case, role: Role, action: str, **params):
        with django_capture_on_commit_callbacks(execute=True):
            return perform(case.pk, action, actor=world.users[role], **params)

    return act


def told(case, kind: str) -> set[Role]:
    usernames = set(
        Notification.objects.filter(case=case, kind=kind).values_list("recipient__username", flat=True)
    )
    return {Role(name) for name in usernames}


def test_each_step_tells_the_next_people_in_the_loop(world, act, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world)
    assert told(case, "report") == {R.COMMUNITY_ADMIN}  # the responsible level registers it

    act(case, R.COMMUNITY_ADMIN, "register")
    assert told(case, "register") == set()
    act(case, R.COMMUNITY_ADMIN, "dispatch", department=world.department.code)
    assert told(case, "dispatch") == {R.DEPARTMENT_HANDLER}
    act(case, R.DEPARTMENT_HANDLER, "accept")
    act(case, R.STREET_ADMIN, "urge", note="请尽快处理")
    assert told(case, "urge") == {R.DEPARTMENT_HANDLER}  # the handler, who is also the addressee
    act(case, R.DEPARTMENT_HANDLER, "handle", result="已修补")
    assert told(case, "handle") == {R.GRID_WORKER, R.GRID_CHIEF}  # they verify on site
    act(case, R.GRID_WORKER, "verify")
    assert told(case, "verify") == {R.COMMUNITY_ADMIN}
    act(case, R.COMMUNITY_ADMIN, "close")
    assert told(case, "close") == {R.GRID_WORKER}  # the reporter
    assert "请尽快处理" not in Notification.objects.get(case=case, kind="urge").title


def test_the_actor_is_not_told_of_their_own_action(world, act, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world, by=R.COMMUNITY_ADMIN)
    assert told(case, "report") == set()  # the community admin registers it, and reported it
    act(case, R.COMMUNITY_ADMIN, "register")
    act(case, R.COMMUNITY_ADMIN, "dispatch", department=world.department.code)
    act(case, R.DEPARTMENT_HANDLER, "return", reason="不属于本部门")
    assert told(case, "return") == {R.COMMUNITY_ADMIN}


def test_escalation_tells_the_new_level(world, act):
    case = report(world)
    act(case, R.COMMUNITY_ADMIN, "escalate", reason="社区无法协调")
    assert told(case, "escalate") == {R.STREET_ADMIN}


def test_a_self_handled_report_goes_to_the_other_verifiers(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world, self_handled=True, result="已当场清理")
    assert told(case, "report") == {R.GRID_CHIEF}


def test_e_mail_goes_to_active_users_with_an_address(world, act):
    handler = world.users[R.DEPARTMENT_HANDLER]
    handler.email = ""
    handler.save(update_fields=["email"])
    case = report(world)
    act(case, R.COMMUNITY_ADMIN, "register")
    mail.outbox.clear()
    act(case, R.COMMUNITY_ADMIN, "dispatch", department=world.department.code)
    assert told(case, "dispatch") == {R.DEPARTMENT_HANDLER}  # in the inbox, but no e-mail
    assert mail.outbox == []

    case = report(world)
    act(case, R.COMMUNITY_ADMIN, "register")
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    act(case, R.COMMUNITY_ADMIN, "dispatch", department=world.department.code)
    assert told(case, "dispatch") == set()


def test_a_dispatch_e_mail_names_the_case_and_its_deadline(world, act):
    case = report(world)
    act(case, R.COMMUNITY_ADMIN, "register")
    mail.outbox.clear()
    case = act(case, R.COMMUNITY_ADMIN, "dispatch", department=world.department.code)
    (message,) = mail.outbox
    assert message.to == ["department_handler@example.org"]
    assert case.number in message.subject
    assert "2026-03-16 09:00" in message.body  # 3 working days from Wednesday 09:00


def test_a_failing_event_never_raises(world):
    case_event(987654, "dispatch")  # no such case
    case_event(987654, "no-such-event")
    assert Notification.objects.count() == 0
