"""Which actions are offered: rights, state and the preconditions beyond the state."""

import pytest

from gridgov.access.roles import Role
from gridgov.cases.rights import available_actions
from gridgov.cases.testing import build_case_world, report
from gridgov.cases.workflow import perform

pytestmark = pytest.mark.django_db


def offered(world, role, case):
    return [t.action for t in available_actions(world.users[role], case)]


def test_extension_decisions_are_offered_only_while_a_request_waits():
    world = build_case_world()
    case = report(world)
    for action, role, params in (
        ("register", Role.COMMUNITY_ADMIN, {}),
        ("dispatch", Role.COMMUNITY_ADMIN, {"department": "urban_mgmt"}),
        ("accept", Role.DEPARTMENT_HANDLER, {}),
    ):
        case = perform(case.pk, action, actor=world.users[role], **params)
    assert "approve_extension" not in offered(world, Role.COMMUNITY_ADMIN, case)
    assert "request_extension" in offered(world, Role.DEPARTMENT_HANDLER, case)
    case = perform(
        case.pk,
        "request_extension",
        actor=world.users[Role.DEPARTMENT_HANDLER],
        hours=8,
        reason="Waiting for parts",
    )
    assert {"approve_extension", "deny_extension"} <= set(offered(world, Role.COMMUNITY_ADMIN, case))
    assert "request_extension" not in offered(world, Role.DEPARTMENT_HANDLER, case)


def test_each_role_is_offered_only_its_own_step():
    world = build_case_world()
    case = report(world)
    assert offered(world, Role.COMMUNITY_ADMIN, case) == ["register", "reject", "merge", "escalate"]
    assert offered(world, Role.DEPARTMENT_HANDLER, case) == []
    assert offered(world, Role.GRID_WORKER, case) == []
    assert offered(world, Role.LEADER, case) == []
    assert "supervise" in offered(world, Role.DISPATCHER, case)
