"""Every path of the case workflow at the service level (gridgov.cases.workflow).

The clock is frozen on working days of 2026 (covered by the statutory calendar) so deadlines are
exact; the working hours are the documented default, 08:30–12:00 and 13:30–17:30.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from gridgov.access.models import Department
from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry
from gridgov.calendar import days
from gridgov.cases.errors import CaseNotFound, Conflict, IdempotencyMismatch, InvalidInput, NotAllowed
from gridgov.cases.models import Alert, Case, CasePhoto, Source, Stage, State, TimelineEntry
from gridgov.cases.monitor import sweep_deadlines
from gridgov.cases.rights import available_actions
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT, build_case_world, report
from gridgov.cases.workflow import NewCase, perform, report_case
from gridgov.geo.models import Level

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
# Wednesday 11 March 2026, 09:00: a plain working week (Monday 16 March is a working day too).
WEDNESDAY = datetime(2026, 3, 11, 9, 0, tzinfo=LOCAL)
HOME_GRID = "150502001001001"
HOME_COMMUNITY = "150502001001"
HOME_STREET = "150502001"
DISTRICT = "150502"
# A point inside grid 150502001001002, the other grid of the home community.
SECOND_GRID_POINT = (122.15, 43.6)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def _calendar_and_media(settings, tmp_path):
    settings.WORKING_HOURS = [("08:30", "12:00"), ("13:30", "17:30")]
    settings.CASE_WARNING_PERCENT = 80
    settings.MEDIA_ROOT = tmp_path / "media"
    days.invalidate()
    yield
    days.invalidate()


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    return time_machine


@pytest.fixture
def world(clock):
    world = build_case_world()
    units = world.units
    world.water = Department.objects.create(
        code="water", name_zh="水务局", name_en="Water Bureau", org_unit=units[DISTRICT]
    )
    world.extra = {
        "worker2": make_user("worker2", Role.GRID_WORKER, units[HOME_GRID]),
        "handler2": make_user("handler2", Role.DEPARTMENT_HANDLER, department=world.department),
        "water_handler": make_user("water_handler", Role.DEPARTMENT_HANDLER, department=world.water),
        "grid2_chief": make_user("grid2_chief", Role.GRID_CHIEF, units["150502001001002"]),
        "other_street_worker": make_user("other_street_worker", Role.GRID_WORKER, units["150502002001001"]),
        "other_street_admin": make_user("other_street_admin", Role.STREET_ADMIN, units["150502002"]),
        "resident2": make_user("resident2", Role.RESIDENT, units[HOME_GRID]),
    }
    return world


def u(world, who):
    return world.users[who] if isinstance(who, Role) else world.extra[who]


def act(world, case: Case, action: str, who, **params) -> Case:
    perform(case.pk, action, actor=u(world, who), **params)
    return Case.objects.get(pk=case.pk)


def timeline(case: Case) -> list[tuple[str, str, str]]:
    return list(TimelineEntry.objects.filter(case=case).values_list("action", "from_state", "to_state"))


def audit(case: Case) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(target_type="cases.case", target_id=str(case.pk))
        .order_by("id")
        .values_list("action", "outcome")
    )


def row(case: Case) -> dict:
    fresh = Case.objects.get(pk=case.pk)
    return {f.attname: getattr(fresh, f.attname) for f in Case._meta.concrete_fields}


def resident_report(world, point=HOME_POINT, **fields) -> Case:
    return report(world, by=Role.RESIDENT, point=point, source=Source.RESIDENT, **fields)


def registered(world, **fields) -> Case:
    case = resident_report(world, **fields)
    return act(world, case, "register", Role.COMMUNITY_ADMIN)


def in_progress(world) -> Case:
    case = act(world, registered(world), "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt")
    return act(world, case, "accept", Role.DEPARTMENT_HANDLER)


def handled(world) -> Case:
    return act(world, in_progress(world), "handle", Role.DEPARTMENT_HANDLER, result="Filled the pothole")


# --- The main path ------------------------------------------------------------------------------


def test_report_register_dispatch_accept_handle_verify_close_rate(world, clock):
    case = resident_report(world, description="A deep pothole in front of building 3")
    assert (case.state, case.version, case.level) == (State.REPORTED, 1, Level.COMMUNITY)
    assert case.responsible_unit.code == HOME_COMMUNITY
    assert case.reporter == world.users[Role.RESIDENT]
    assert case.stage == Stage.REGISTER

    case = act(world, case, "register", Role.COMMUNITY_ADMIN, note="Real")
    assert (case.state, case.version, case.stage) == (State.REGISTERED, 2, Stage.DISPATCH)
    assert case.suggested_department == world.department  # the responsibility rule for roads

    case = act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt")
    assert (case.state, case.department, case.handling_unit, case.handler) == (
        State.DISPATCHED,
        world.department,
        None,
        None,
    )
    assert case.stage == Stage.HANDLE
    # Three working days from Wednesday 09:00.
    assert case.deadline == at(2026, 3, 16, 9, 0)

    clock.move_to(at(2026, 3, 11, 10, 0), tick=False)
    case = act(world, case, "accept", Role.DEPARTMENT_HANDLER)
    assert (case.state, case.handler) == (State.IN_PROGRESS, world.users[Role.DEPARTMENT_HANDLER])

    case = act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Filled with asphalt")
    assert (case.state, case.result, case.stage) == (State.HANDLED, "Filled with asphalt", Stage.VERIFY)

    case = act(world, case, "verify", Role.GRID_WORKER)
    assert case.state == State.VERIFIED

    case = act(world, case, "close", Role.COMMUNITY_ADMIN)
    assert case.state == State.CLOSED
    assert case.closed_at == at(2026, 3, 11, 10, 0)
    assert (case.stage, case.deadline, case.warn_at) == ("", None, None)

    case = act(world, case, "rate", Role.RESIDENT, rating=5, comment="Quick")
    assert (case.rating, case.rating_comment, case.state, case.version) == (5, "Quick", State.CLOSED, 8)

    steps = ["report", "register", "dispatch", "accept", "handle", "verify", "close", "rate"]
    assert [entry[0] for entry in timeline(case)] == steps
    assert timeline(case)[1] == ("register", State.REPORTED, State.REGISTERED)
    assert audit(case) == [(f"case.{step}", "ok") for step in steps]


def test_rating_twice_or_out_of_range_is_refused(world):
    case = act(world, handled(world), "verify", Role.GRID_WORKER)
    case = act(world, case, "close", Role.COMMUNITY_ADMIN)
    with pytest.raises(InvalidInput) as error:
        act(world, case, "rate", Role.RESIDENT, rating=6)
    assert error.value.field == "rating"
    # Only the reporter rates; another resident does not even see the case.
    with pytest.raises(CaseNotFound):
        act(world, case, "rate", "resident2", rating=4)
    act(world, case, "rate", Role.RESIDENT, rating=4)
    before = row(case)
    with pytest.raises(Conflict):
        act(world, case, "rate", Role.RESIDENT, rating=1)
    assert row(case) == before


# --- Reject, merge -----------------------------------------------------------------------------


def test_reject_needs_a_reason(world):
    case = resident_report(world)
    before = row(case)
    with pytest.raises(InvalidInput) as error:
        act(world, case, "reject", Role.COMMUNITY_ADMIN, reason="  ")
    assert error.value.field == "reason"
    assert row(case) == before
    assert timeline(case) == [("report", "", State.REPORTED)]

    case = act(world, case, "reject", Role.COMMUNITY_ADMIN, reason="Private courtyard, not public road")
    assert case.state == State.REJECTED
    assert case.closed_at is not None and case.deadline is None
    assert TimelineEntry.objects.get(case=case, action="reject").note == "Private courtyard, not public road"
    with pytest.raises(Conflict):
        act(world, case, "register", Role.COMMUNITY_ADMIN)


def test_merge_into_another_case(world):
    first = resident_report(world)
    duplicate = report(world, by=Role.GRID_WORKER)
    with pytest.raises(InvalidInput) as error:
        act(world, duplicate, "merge", Role.COMMUNITY_ADMIN, into=duplicate.number)
    assert error.value.field == "into"
    with pytest.raises(InvalidInput) as error:
        act(world, duplicate, "merge", Role.COMMUNITY_ADMIN, into="150502-20260311-99999")
    assert error.value.field == "into"

    duplicate = act(world, duplicate, "merge", Role.COMMUNITY_ADMIN, into=first.number)
    assert (duplicate.state, duplicate.merged_into) == (State.MERGED, Case.objects.get(pk=first.pk))
    assert duplicate.deadline is None
    assert TimelineEntry.objects.get(case=duplicate, action="merge").details["into"] == first.number
    # A third case cannot be merged into the merged one.
    third = report(world, by=Role.GRID_WORKER)
    with pytest.raises(InvalidInput) as error:
        act(world, third, "merge", Role.COMMUNITY_ADMIN, into=duplicate.number)
    assert error.value.field == "into"
    assert Case.objects.get(pk=first.pk).state == State.REPORTED


# --- Return and re-dispatch to a unit ----------------------------------------------------------


def test_return_then_dispatch_to_a_grid_accepted_by_its_chief(world):
    case = act(world, registered(world), "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt")
    with pytest.raises(InvalidInput) as error:
        act(world, case, "return", Role.DEPARTMENT_HANDLER)
    assert error.value.field == "reason"
    case = act(world, case, "return", Role.DEPARTMENT_HANDLER, reason="Roads inside estates are not ours")
    assert (case.state, case.department, case.handler, case.stage) == (
        State.RETURNED,
        None,
        None,
        Stage.DISPATCH,
    )
    # The department no longer sees the case at all.
    with pytest.raises(CaseNotFound):
        act(world, case, "accept", Role.DEPARTMENT_HANDLER)

    # The handling unit must lie below the responsible level (the community) and contain the case.
    for code in (HOME_COMMUNITY, "150502001001002", "150502002001001"):
        with pytest.raises(InvalidInput) as error:
            act(world, case, "dispatch", Role.COMMUNITY_ADMIN, handling_unit=code)
        assert error.value.field == "handling_unit"
    case = act(world, case, "dispatch", Role.COMMUNITY_ADMIN, handling_unit=HOME_GRID)
    assert (case.state, case.handling_unit.code, case.department) == (State.DISPATCHED, HOME_GRID, None)

    with pytest.raises(NotAllowed):  # a grid worker verifies, he does not handle
        act(world, case, "accept", Role.GRID_WORKER)
    with pytest.raises(CaseNotFound):  # the chief of the neighbouring grid does not see it
        act(world, case, "accept", "grid2_chief")
    case = act(world, case, "accept", Role.GRID_CHIEF)
    assert (case.state, case.handler) == (State.IN_PROGRESS, world.users[Role.GRID_CHIEF])
    assert [entry[0] for entry in timeline(case)] == [
        "report",
        "register",
        "dispatch",
        "return",
        "dispatch",
        "accept",
    ]


def test_dispatch_needs_exactly_one_addressee_serving_the_area(world):
    case = registered(world)
    before = row(case)
    for params in ({}, {"department": "urban_mgmt", "handling_unit": HOME_GRID}):
        with pytest.raises(InvalidInput) as error:
            act(world, case, "dispatch", Role.COMMUNITY_ADMIN, **params)
        assert error.value.field == "department"
    with pytest.raises(InvalidInput) as error:
        act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department="no_such_department")
    assert error.value.field == "department"
    with pytest.raises(InvalidInput) as error:
        act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt", deadline=WEDNESDAY)
    assert error.value.field == "deadline"
    assert row(case) == before

    with pytest.raises(InvalidInput) as error:  # a deadline without a time zone is ambiguous
        act(
            world,
            case,
            "dispatch",
            Role.COMMUNITY_ADMIN,
            department="urban_mgmt",
            deadline=datetime(2026, 3, 20),
        )
    assert error.value.field == "deadline"
    assert row(case) == before

    chosen = at(2026, 3, 12, 17, 0)
    case = act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt", deadline=chosen)
    assert case.deadline == chosen


# --- Verification failures and on-the-spot handling ---------------------------------------------


def test_reopen_after_failed_verification_counts_rework(world):
    case = handled(world)
    with pytest.raises(InvalidInput) as error:
        act(world, case, "reopen", Role.GRID_WORKER)
    assert error.value.field == "reason"
    case = act(world, case, "reopen", Role.GRID_WORKER, reason="The pothole is still there")
    assert (case.state, case.rework_count, case.stage) == (State.IN_PROGRESS, 1, Stage.HANDLE)
    assert case.handler == world.users[Role.DEPARTMENT_HANDLER]
    case = act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Filled again")
    case = act(world, case, "reopen", Role.GRID_CHIEF, reason="Sunk again")
    assert case.rework_count == 2
    case = act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Relaid the surface")
    case = act(world, case, "verify", Role.GRID_CHIEF)
    case = act(world, case, "close", Role.STREET_ADMIN)
    assert (case.state, case.rework_count) == (State.CLOSED, 2)
    assert TimelineEntry.objects.get(case=case, action="reopen", note="Sunk again").details["rework"] == 2


def test_self_handled_report_is_verified_by_someone_else(world):
    data = dict(category="0201", description="Manhole cover displaced", lon=HOME_POINT[0], lat=HOME_POINT[1])
    with pytest.raises(InvalidInput) as error:
        report_case(NewCase(**data, self_handled=True), actor=world.users[Role.GRID_WORKER])
    assert error.value.field == "result"
    with pytest.raises(NotAllowed):
        report_case(
            NewCase(**data, self_handled=True, result="Put it back"), actor=world.users[Role.RESIDENT]
        )
    assert not Case.objects.exists()

    case, created = report_case(
        NewCase(**data, self_handled=True, result="Put the cover back"), actor=world.users[Role.GRID_WORKER]
    )
    assert created
    assert (case.state, case.self_handled, case.handler, case.stage) == (
        State.HANDLED,
        True,
        world.users[Role.GRID_WORKER],
        Stage.VERIFY,
    )
    assert timeline(case) == [("report", "", State.REPORTED), ("self_handle", State.REPORTED, State.HANDLED)]
    assert audit(case) == [("case.report", "ok")]

    before = row(case)
    with pytest.raises(NotAllowed):
        act(world, case, "verify", Role.GRID_WORKER)
    assert row(case) == before
    assert audit(case)[-1] == ("case.verify", "denied")
    with pytest.raises(CaseNotFound):  # another street's worker does not see it
        act(world, case, "verify", "other_street_worker")

    case = act(world, case, "verify", "worker2")
    assert case.state == State.VERIFIED
    assert TimelineEntry.objects.get(case=case, action="verify").actor == world.extra["worker2"]


def test_self_handled_report_reopened_goes_back_to_dispatch(world):
    case, _ = report_case(
        NewCase(
            category="0201",
            description="Manhole cover displaced",
            lon=HOME_POINT[0],
            lat=HOME_POINT[1],
            self_handled=True,
            result="Put the cover back",
        ),
        actor=world.users[Role.GRID_WORKER],
    )
    case = act(world, case, "reopen", Role.GRID_CHIEF, reason="The cover is broken, it needs replacing")
    assert (case.state, case.self_handled, case.rework_count, case.stage) == (
        State.REGISTERED,
        False,
        1,
        Stage.DISPATCH,
    )
    assert case.suggested_department == world.department
    case = act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt")
    assert case.state == State.DISPATCHED


# --- Escalation --------------------------------------------------------------------------------


def test_escalate_community_to_street_to_district(world):
    case = registered(world)
    with pytest.raises(InvalidInput) as error:
        act(world, case, "escalate", Role.COMMUNITY_ADMIN)
    assert error.value.field == "reason"
    with pytest.raises(NotAllowed):  # the grid chief escalates only what his grid is responsible for
        act(world, case, "escalate", Role.GRID_CHIEF, reason="Too big")

    case = act(world, case, "escalate", Role.COMMUNITY_ADMIN, reason="Needs the street's budget")
    assert (case.level, case.responsible_unit.code, case.state) == (
        Level.STREET,
        HOME_STREET,
        State.REGISTERED,
    )
    with pytest.raises(NotAllowed):
        act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt")
    with pytest.raises(NotAllowed):
        act(world, case, "escalate", Role.COMMUNITY_ADMIN, reason="Again")
    with pytest.raises(CaseNotFound):  # the other street never saw it
        act(world, case, "dispatch", "other_street_admin", department="urban_mgmt")

    case = act(world, case, "escalate", Role.STREET_ADMIN, reason="Needs the district")
    assert (case.level, case.responsible_unit.code) == (Level.DISTRICT, DISTRICT)
    assert TimelineEntry.objects.filter(case=case, action="escalate").count() == 2
    with pytest.raises(NotAllowed):
        act(world, case, "dispatch", Role.STREET_ADMIN, department="urban_mgmt")
    with pytest.raises(NotAllowed):  # nowhere above the district
        act(world, case, "escalate", Role.DISTRICT_ADMIN, reason="Higher")

    case = act(world, case, "dispatch", Role.DISPATCHER, department="urban_mgmt")
    assert (case.state, case.department) == (State.DISPATCHED, world.department)


def test_escalate_a_reported_case_registers_it_at_the_street(world):
    case = resident_report(world)
    case = act(world, case, "escalate", Role.COMMUNITY_ADMIN, reason="Street-wide problem")
    assert (case.state, case.level, case.stage) == (State.REGISTERED, Level.STREET, Stage.DISPATCH)
    with pytest.raises(NotAllowed):
        act(world, case, "merge", Role.COMMUNITY_ADMIN, into=report(world).number)
    act(world, case, "dispatch", Role.STREET_ADMIN, department="urban_mgmt")


# --- Suspension, extensions, supervision ---------------------------------------------------------


def test_suspend_and_resume_moves_the_deadline_by_the_paused_working_time(world, clock):
    case = in_progress(world)  # dispatched Wednesday 09:00, three working days
    assert case.deadline == at(2026, 3, 16, 9, 0)

    clock.move_to(at(2026, 3, 12, 9, 0), tick=False)
    with pytest.raises(InvalidInput) as error:
        act(world, case, "suspend", Role.COMMUNITY_ADMIN)
    assert error.value.field == "reason"
    with pytest.raises(NotAllowed):  # the addressee does not suspend his own deadline
        act(world, case, "suspend", Role.DEPARTMENT_HANDLER, reason="Waiting")
    case = act(world, case, "suspend", Role.COMMUNITY_ADMIN, reason="Waiting for the thaw")
    assert (case.state, case.resume_state, case.suspended_at) == (
        State.SUSPENDED,
        State.IN_PROGRESS,
        at(2026, 3, 12, 9, 0),
    )
    with pytest.raises(Conflict):
        act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Done")

    # Four working hours pass: 09:00–12:00 and 13:30–14:30.
    clock.move_to(at(2026, 3, 12, 14, 30), tick=False)
    case = act(world, case, "resume", Role.COMMUNITY_ADMIN)
    assert (case.state, case.resume_state, case.suspended_at) == (State.IN_PROGRESS, "", None)
    assert case.deadline == at(2026, 3, 16, 14, 30)
    assert case.warn_at <= case.deadline
    case = act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Done after the thaw")
    assert case.state == State.HANDLED


def test_suspend_a_dispatched_case_over_a_weekend(world, clock):
    case = act(world, registered(world), "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt")
    assert case.deadline == at(2026, 3, 16, 9, 0)
    clock.move_to(at(2026, 3, 13, 17, 0), tick=False)  # Friday
    case = act(world, case, "suspend", Role.STREET_ADMIN, reason="Court order")
    clock.move_to(at(2026, 3, 16, 9, 0), tick=False)  # Monday
    case = act(world, case, "resume", Role.STREET_ADMIN)
    assert case.state == State.DISPATCHED
    # One working hour was paused: Friday 17:00–17:30 and Monday 08:30–09:00.
    assert case.deadline == at(2026, 3, 16, 10, 0)
    assert [entry[0] for entry in timeline(case)][-2:] == ["suspend", "resume"]


def test_extension_request_approve_and_deny(world):
    case = in_progress(world)
    deadline = case.deadline  # Monday 16 March 09:00
    for hours in (0, 721, "many"):
        with pytest.raises(InvalidInput) as error:
            act(world, case, "request_extension", Role.DEPARTMENT_HANDLER, hours=hours, reason="Parts")
        assert error.value.field == "hours"
    with pytest.raises(InvalidInput) as error:
        act(world, case, "request_extension", Role.DEPARTMENT_HANDLER, hours=8)
    assert error.value.field == "reason"
    with pytest.raises(Conflict):
        act(world, case, "approve_extension", Role.COMMUNITY_ADMIN)

    case = act(world, case, "request_extension", Role.DEPARTMENT_HANDLER, hours=8, reason="Asphalt on order")
    assert (case.extension_requested, case.extension_hours, case.extension_reason) == (
        True,
        8,
        "Asphalt on order",
    )
    assert case.deadline == deadline
    with pytest.raises(Conflict) as conflict:
        act(world, case, "request_extension", Role.DEPARTMENT_HANDLER, hours=4, reason="More")
    assert conflict.value.code == "extension_pending"
    with pytest.raises(NotAllowed):  # the requester does not approve his own request
        act(world, case, "approve_extension", Role.DEPARTMENT_HANDLER)

    case = act(world, case, "approve_extension", Role.COMMUNITY_ADMIN)
    assert case.extension_requested is False
    # Eight working hours after Monday 09:00: Monday gives seven, Tuesday 08:30–09:30 the eighth.
    assert case.deadline == at(2026, 3, 17, 9, 30)

    case = act(world, case, "request_extension", Role.DEPARTMENT_HANDLER, hours=16, reason="Rain")
    with pytest.raises(InvalidInput) as error:
        act(world, case, "deny_extension", Role.COMMUNITY_ADMIN)
    assert error.value.field == "note"
    case = act(world, case, "deny_extension", Role.COMMUNITY_ADMIN, note="Rain is forecast to stop")
    assert (case.extension_requested, case.deadline) == (False, at(2026, 3, 17, 9, 30))
    assert [entry[0] for entry in timeline(case)][-3:] == [
        "approve_extension",
        "request_extension",
        "deny_extension",
    ]


def test_only_actions_that_can_run_are_offered(world):
    def offered(case, who):
        return {t.action for t in available_actions(u(world, who), Case.objects.get(pk=case.pk))}

    case = in_progress(world)
    assert "request_extension" in offered(case, Role.DEPARTMENT_HANDLER)
    assert not {"approve_extension", "deny_extension"} & offered(case, Role.COMMUNITY_ADMIN)
    act(world, case, "request_extension", Role.DEPARTMENT_HANDLER, hours=8, reason="Parts")
    assert "request_extension" not in offered(case, Role.DEPARTMENT_HANDLER)
    assert {"approve_extension", "deny_extension"} <= offered(case, Role.COMMUNITY_ADMIN)

    case = act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Done")
    case = act(world, case, "verify", Role.GRID_WORKER)
    case = act(world, case, "close", Role.COMMUNITY_ADMIN)
    # The reporter may rate, and for PARTICIPATION_NOT_FIXED_DAYS say it is not fixed.
    assert offered(case, Role.RESIDENT) == {"rate", "not_fixed"}
    act(world, case, "rate", Role.RESIDENT, rating=5)
    assert offered(case, Role.RESIDENT) == {"not_fixed"}
    Case.objects.filter(pk=case.pk).update(closed_at=case.closed_at - timedelta(days=8))
    assert offered(case, Role.RESIDENT) == set()


def test_an_approved_extension_lifts_the_overdue_flag(world, clock):
    case = in_progress(world)  # due Monday 16 March 09:00
    clock.move_to(at(2026, 3, 16, 10, 0), tick=False)
    sweep_deadlines()
    case = Case.objects.get(pk=case.pk)
    assert case.alert == Alert.RED
    case = act(
        world, case, "request_extension", Role.DEPARTMENT_HANDLER, hours=16, reason="Asphalt plant shut"
    )
    case = act(world, case, "approve_extension", Role.COMMUNITY_ADMIN)
    assert case.deadline == at(2026, 3, 18, 10, 0)  # 16 working hours after Monday 09:00
    # The case is in time again: neither overdue nor already past its warning time.
    assert case.warn_at > at(2026, 3, 16, 10, 0)
    assert case.warn_at <= case.deadline
    assert case.alert == Alert.NONE


def test_supervise_and_urge_by_a_higher_level(world):
    case = in_progress(world)
    with pytest.raises(InvalidInput) as error:
        act(world, case, "supervise", Role.STREET_ADMIN)
    assert error.value.field == "note"
    for who in (Role.COMMUNITY_ADMIN, Role.GRID_CHIEF, Role.LEADER):
        with pytest.raises(NotAllowed):
            act(world, case, "supervise", who, note="Hurry")
    case = act(world, case, "supervise", Role.STREET_ADMIN, note="Finish before the inspection")
    assert case.supervised is True
    case = act(world, case, "urge", Role.DISPATCHER)
    case = act(world, case, "urge", Role.DISTRICT_ADMIN, note="Still waiting")
    assert (case.urge_count, case.state, case.version) == (2, State.IN_PROGRESS, 7)
    assert [a for a in audit(case) if a[1] == "ok"][-3:] == [
        ("case.supervise", "ok"),
        ("case.urge", "ok"),
        ("case.urge", "ok"),
    ]


# --- Concurrency and idempotency ----------------------------------------------------------------


def test_second_accept_by_the_same_department_conflicts(world):
    case = act(world, registered(world), "dispatch", Role.COMMUNITY_ADMIN, department="urban_mgmt")
    stale = Case.objects.get(pk=case.pk)
    act(world, case, "accept", Role.DEPARTMENT_HANDLER)
    before = row(case)
    with pytest.raises(Conflict) as conflict:
        act(world, stale, "accept", "handler2")
    assert conflict.value.code == "wrong_state"
    assert row(case) == before
    assert Case.objects.get(pk=case.pk).handler == world.users[Role.DEPARTMENT_HANDLER]
    with pytest.raises(CaseNotFound):  # another department never sees it
        act(world, case, "accept", "water_handler")


def test_stale_expected_version_conflicts(world):
    case = registered(world)
    seen = case.version
    act(world, case, "urge", Role.STREET_ADMIN)
    before = row(case)
    timeline_count = TimelineEntry.objects.filter(case=case).count()
    with pytest.raises(Conflict) as conflict:
        perform(
            case.pk,
            "dispatch",
            actor=world.users[Role.COMMUNITY_ADMIN],
            expected_version=seen,
            department="urban_mgmt",
        )
    assert conflict.value.code == "stale_version"
    assert row(case) == before
    assert TimelineEntry.objects.filter(case=case).count() == timeline_count
    done = perform(
        case.pk,
        "dispatch",
        actor=world.users[Role.COMMUNITY_ADMIN],
        expected_version=seen + 1,
        department="urban_mgmt",
    )
    assert (done.state, done.version) == (State.DISPATCHED, seen + 2)


def test_report_is_idempotent_per_key(world):
    resident = world.users[Role.RESIDENT]
    data = NewCase(
        category="0201",
        description="Street light out",
        lon=HOME_POINT[0],
        lat=HOME_POINT[1],
        source=Source.RESIDENT,
        idempotency_key="b6f2c1e0-retry",
    )
    first, created = report_case(data, actor=resident)
    again, created_again = report_case(data, actor=resident)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    changed = NewCase(**{**data.__dict__, "description": "Street light flickers"})
    with pytest.raises(IdempotencyMismatch) as error:
        report_case(changed, actor=resident)
    assert error.value.field == "idempotency_key"
    # The key is per reporter: another resident's request with the same key is a new case.
    other, other_created = report_case(data, actor=world.extra["resident2"])
    assert other_created and other.pk != first.pk
    assert Case.objects.count() == 2
    assert TimelineEntry.objects.filter(case=first).count() == 1


# --- Where reports may come from ----------------------------------------------------------------


def test_a_location_outside_every_grid_is_refused(world):
    with pytest.raises(InvalidInput) as error:
        report(world, by=Role.RESIDENT, point=(116.39, 39.9))  # Beijing
    assert error.value.field == "lon"
    assert not Case.objects.exists()


def test_staff_report_only_inside_their_jurisdiction(world):
    with pytest.raises(InvalidInput) as error:
        report(world, by=Role.GRID_WORKER, point=OTHER_STREET_POINT)
    assert error.value.field == "lon"
    with pytest.raises(InvalidInput) as error:
        report(world, by=Role.GRID_WORKER, point=SECOND_GRID_POINT)
    assert error.value.field == "lon"
    assert not Case.objects.exists()
    # Residents report anywhere; the street admin anywhere in his street.
    assert report(world, by=Role.RESIDENT, point=OTHER_STREET_POINT).grid.code == "150502002001001"
    assert report(world, by=Role.STREET_ADMIN, point=SECOND_GRID_POINT).grid.code == "150502001001002"


def test_only_the_command_center_reports_hotline_cases(world):
    with pytest.raises(InvalidInput) as error:
        report(world, by=Role.GRID_WORKER, source=Source.HOTLINE)
    assert error.value.field == "source"
    with pytest.raises(InvalidInput) as error:  # caller details belong to hotline reports only
        report(world, by=Role.GRID_WORKER, caller_phone="13800000000")
    assert error.value.field == "caller_phone"
    assert not Case.objects.exists()
    # A hotline case starts at the district (settings.CASE_INTAKE_LEVEL).
    case = report(world, by=Role.DISPATCHER, source=Source.HOTLINE, hotline_ref="12345-0001")
    assert (case.source, case.level, case.responsible_unit.code) == (Source.HOTLINE, Level.DISTRICT, DISTRICT)
    assert report(world, by=Role.GRID_WORKER).source == Source.PATROL


@pytest.mark.parametrize("role", [Role.LEADER, Role.AUDITOR, Role.DEPARTMENT_HANDLER])
def test_roles_without_the_report_permission_are_refused(world, role):
    with pytest.raises(NotAllowed):
        report(world, by=role)
    assert not Case.objects.exists()


def test_a_refused_report_is_audited_as_denied(world):
    # workflow.py's docstring: "A denied attempt changes nothing and is itself audited."
    with pytest.raises(NotAllowed):
        report(world, by=Role.LEADER)
    assert list(AuditEntry.objects.filter(action="case.report").values_list("actor_name", "outcome")) == [
        ("leader", "denied")
    ]


def test_acting_on_an_invisible_case_is_audited(world):
    # _locked() records "access.denied" when the case exists but is out of the actor's scope.
    case = resident_report(world)
    with pytest.raises(CaseNotFound):
        act(world, case, "register", "other_street_admin")
    assert AuditEntry.objects.filter(
        action="access.denied", target_id=str(case.pk), actor_name="other_street_admin", outcome="denied"
    ).exists()


def test_unknown_case_and_unknown_action(world):
    with pytest.raises(CaseNotFound):
        perform(999_999, "register", actor=world.users[Role.DISTRICT_ADMIN])
    case = resident_report(world)
    with pytest.raises(InvalidInput) as error:
        perform(case.pk, "teleport", actor=world.users[Role.DISTRICT_ADMIN])
    assert error.value.field == "action"


# --- Case numbers -------------------------------------------------------------------------------


def test_case_numbers_are_sequential_per_local_day(world, clock):
    numbers = [report(world).number for _ in range(3)]
    assert numbers == ["150502-20260311-00001", "150502-20260311-00002", "150502-20260311-00003"]
    clock.move_to(at(2026, 3, 11, 23, 59), tick=False)  # still 11 March in Tongliao (15:59 UTC)
    assert report(world).number == "150502-20260311-00004"
    clock.move_to(at(2026, 3, 12, 0, 1), tick=False)  # 16:01 UTC on the 11th, the 12th locally
    assert report(world).number == "150502-20260312-00001"
    assert report(world).number == "150502-20260312-00002"


# --- Photos -------------------------------------------------------------------------------------


def _jpeg_with_gps(name: str = "pothole.jpg", size=(64, 48)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (120, 90, 60))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 36.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (122.0, 3.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _gps_of(file) -> dict:
    file.open("rb")
    try:
        with Image.open(file) as image:
            return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
    finally:
        file.close()


def test_the_test_photo_really_carries_gps():
    upload = _jpeg_with_gps()
    assert _gps_of(upload)[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_a_residents_photo_loses_its_gps_tags(world):
    case = resident_report(world, photos=[_jpeg_with_gps()])
    photo = CasePhoto.objects.get(case=case)
    assert photo.kind == CasePhoto.Kind.REPORT
    assert photo.timeline_entry.action == "report"
    assert _gps_of(photo.image) == {}
    assert (photo.width, photo.height) == (64, 48)
    assert photo.thumbnail.name.endswith("-thumb.jpg")


def test_a_grid_workers_photo_keeps_its_gps_tags(world):
    case = report(world, by=Role.GRID_WORKER, photos=[_jpeg_with_gps()])
    assert _gps_of(CasePhoto.objects.get(case=case).image)[ExifTags.GPS.GPSLongitudeRef] == "E"


def test_a_resident_cannot_keep_gps_by_naming_another_source(world):
    # The privacy rule is about who took the photo, whatever source the request names.
    case = report(world, by=Role.RESIDENT, photos=[_jpeg_with_gps()])
    assert case.source == Source.RESIDENT
    assert _gps_of(CasePhoto.objects.get(case=case).image) == {}
    with pytest.raises(InvalidInput) as error:
        report(world, by=Role.RESIDENT, source=Source.PATROL, photos=[_jpeg_with_gps()])
    assert error.value.field == "source"
    assert Case.objects.count() == 1


def test_photos_that_are_too_large_or_not_images_are_refused(world, settings):
    not_an_image = SimpleUploadedFile("notes.jpg", b"this is not a JPEG at all", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as error:
        resident_report(world, photos=[not_an_image])
    assert error.value.field == "photos"
    settings.CASE_PHOTO_MAX_BYTES = 200
    with pytest.raises(InvalidInput) as error:
        resident_report(world, photos=[_jpeg_with_gps(size=(400, 300))])
    assert error.value.field == "photos"
    assert not Case.objects.exists()
    assert not CasePhoto.objects.exists()


def test_handling_photos_are_checked_and_kept(world):
    case = in_progress(world)
    before = row(case)
    bad = SimpleUploadedFile("result.png", b"\x89PNG not really", content_type="image/png")
    with pytest.raises(InvalidInput) as error:
        act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Done", photos=[bad])
    assert error.value.field == "photos"
    assert row(case) == before
    case = act(world, case, "handle", Role.DEPARTMENT_HANDLER, result="Done", photos=[_jpeg_with_gps()])
    photo = CasePhoto.objects.get(case=case)
    assert (photo.kind, photo.timeline_entry.action) == (CasePhoto.Kind.HANDLED, "handle")


# --- Deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "warn_at"),
    [(80, at(2026, 3, 16, 9, 6)), (50, at(2026, 3, 13, 17, 30))],
)
def test_friday_afternoon_report_is_due_monday_morning(world, clock, settings, percent, warn_at):
    settings.CASE_WARNING_PERCENT = percent
    clock.move_to(at(2026, 3, 13, 16, 30), tick=False)  # Friday
    case = report(world)
    # Two working hours: 16:30–17:30 on Friday, 08:30–09:30 on Monday.
    assert (case.stage, case.stage_started_at, case.deadline) == (
        Stage.REGISTER,
        at(2026, 3, 13, 16, 30),
        at(2026, 3, 16, 9, 30),
    )
    assert case.warn_at == warn_at
    assert case.alert == "none"


def test_deadline_skips_the_national_day_holiday_and_counts_the_makeup_saturday(world, clock):
    clock.move_to(at(2026, 9, 30, 16, 30), tick=False)  # the last working day before 1–7 October
    assert report(world).deadline == at(2026, 10, 8, 9, 30)
    clock.move_to(at(2026, 10, 9, 16, 30), tick=False)  # Friday; Saturday 10 October is a working day
    assert report(world).deadline == at(2026, 10, 10, 9, 30)


def test_a_report_outside_working_hours_starts_counting_at_the_next_period(world, clock):
    clock.move_to(at(2026, 3, 11, 12, 30), tick=False)  # lunch break
    case = report(world)
    assert case.deadline == at(2026, 3, 11, 15, 30)
    assert case.warn_at == at(2026, 3, 11, 15, 6)
