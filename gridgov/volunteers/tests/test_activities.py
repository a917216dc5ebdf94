"""Activities: sign-up within the limit, cancel before the start, check-in → hours → points."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.volunteers import activities, ledger, registry
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.models import (
    ActivityState,
    EntryKind,
    PointsEntry,
    PointsMode,
    SignUpState,
    VolunteerStatus,
)
from gridgov.volunteers.testing import BAYANTALA_GRID, activity, approved_volunteer, resident


def test_sign_up_never_goes_beyond_the_limit_and_a_cancel_frees_a_place(world):
    event = activity(world, limit=2)
    users = [resident(world, n) for n in range(1, 4)]
    for user in users:
        approved_volunteer(world, user)
    activities.sign_up(event.pk, user=users[0])
    activities.sign_up(event.pk, user=users[1])
    with pytest.raises(VolunteerError) as full:
        activities.sign_up(event.pk, user=users[2])
    assert full.value.code == "full"
    assert activities.taken_places(event) == 2

    activities.cancel_sign_up(event.pk, user=users[0])
    activities.sign_up(event.pk, user=users[2])
    assert activities.taken_places(event) == 2
    with pytest.raises(VolunteerError):
        activities.sign_up(event.pk, user=users[0])  # the place went to the other volunteer


def test_only_approved_volunteers_of_the_community_sign_up(world):
    event = activity(world)
    pending = resident(world, 1)
    registry.register(pending, skills="", availability="")
    with pytest.raises(VolunteerError) as not_approved:
        activities.sign_up(event.pk, user=pending)
    assert not_approved.value.code == "not_allowed"

    elsewhere = resident(world, 2, grid=BAYANTALA_GRID)
    approved_volunteer(world, elsewhere)
    with pytest.raises(VolunteerError) as other_community:
        activities.sign_up(event.pk, user=elsewhere)
    assert other_community.value.code == "not_allowed"

    suspended = resident(world, 3)
    volunteer = approved_volunteer(world, suspended)
    registry.decide(
        volunteer.pk, VolunteerStatus.SUSPENDED, actor=world.users[Role.COMMUNITY_ADMIN], reason="多次缺席"
    )
    with pytest.raises(VolunteerError):
        activities.sign_up(event.pk, user=suspended)
    assert activities.taken_places(event) == 0


def test_no_sign_up_or_cancel_once_the_activity_has_started(world):
    event = activity(world, starts_in=timedelta(hours=1))
    user = resident(world, 1)
    approved_volunteer(world, user)
    activities.sign_up(event.pk, user=user)
    with time_machine.travel(event.starts_at + timedelta(minutes=1), tick=False):
        with pytest.raises(VolunteerError) as late_cancel:
            activities.cancel_sign_up(event.pk, user=user)
        assert late_cancel.value.code == "closed"
        late = resident(world, 2)
        approved_volunteer(world, late)
        with pytest.raises(VolunteerError):
            activities.sign_up(event.pk, user=late)
    assert event.signups.get().state == SignUpState.SIGNED_UP


def test_check_in_with_the_code_then_hours_then_points_per_hour(world):
    event = activity(world, hours=3, points=10, mode=PointsMode.PER_HOUR)
    user = resident(world, 1)
    approved_volunteer(world, user)
    activities.sign_up(event.pk, user=user)
    staff = world.users[Role.COMMUNITY_ADMIN]

    with time_machine.travel(event.starts_at - timedelta(hours=2), tick=False):
        with pytest.raises(VolunteerError) as too_early:
            activities.check_in(event.pk, actor=user, code=event.check_in_code)
        assert too_early.value.code == "closed"
    with time_machine.travel(event.starts_at - timedelta(minutes=10), tick=False):
        with pytest.raises(VolunteerError) as wrong:
            activities.check_in(
                event.pk, actor=user, code="000000" if event.check_in_code != "000000" else "111111"
            )
        assert wrong.value.field == "code"
        activities.check_in(event.pk, actor=user, code=event.check_in_code)
    with time_machine.travel(event.starts_at + timedelta(minutes=90), tick=False):
        signup = activities.check_out(event.pk, actor=user, code=event.check_in_code)
    # Counted from the start, not from the early check-in.
    assert signup.service_minutes == 90
    assert ledger.balance_of(user) == 0  # points come when the activity is finished

    with time_machine.travel(event.ends_at + timedelta(minutes=5), tick=False):
        activities.finish(event.pk, actor=staff)
    signup.refresh_from_db()
    assert signup.points_awarded == 15
    entry = PointsEntry.objects.get(account__user=user)
    assert (entry.kind, entry.amount, entry.signup_id) == (EntryKind.VOLUNTEERING, 15, signup.pk)
    assert AuditEntry.objects.filter(action="volunteers.activity.finish", target_id=str(event.pk)).exists()

    with pytest.raises(VolunteerError) as again:
        activities.finish(event.pk, actor=staff)
    assert again.value.code == "conflict"
    assert ledger.balance_of(user) == 15


def test_staff_check_in_and_finish_closes_open_attendance_at_the_end_with_fixed_points(world):
    event = activity(world, hours=2, points=8, mode=PointsMode.FIXED)
    present, absent = resident(world, 1), resident(world, 2)
    for user in (present, absent):
        approved_volunteer(world, user)
        activities.sign_up(event.pk, user=user)
    staff = world.users[Role.COMMUNITY_ADMIN]
    signup = event.signups.get(volunteer__user=present)
    with time_machine.travel(event.starts_at + timedelta(minutes=30), tick=False):
        activities.check_in(event.pk, actor=staff, signup_id=signup.pk)
    with time_machine.travel(event.ends_at + timedelta(hours=3), tick=False):
        event = activities.finish(event.pk, actor=staff)
    signup.refresh_from_db()
    assert event.state == ActivityState.FINISHED
    assert signup.checked_out_at == event.ends_at and signup.service_minutes == 90
    assert ledger.balance_of(present) == 8
    assert ledger.balance_of(absent) == 0


def test_staff_outside_the_community_cannot_check_in_or_finish(world):
    event = activity(world, starts_in=timedelta(minutes=5))
    user = resident(world, 1)
    approved_volunteer(world, user)
    signup = activities.sign_up(event.pk, user=user)
    outsider = world.users[Role.GRID_WORKER]  # no volunteers.manage
    with time_machine.travel(event.starts_at, tick=False):
        with pytest.raises(VolunteerError) as refused:
            activities.check_in(event.pk, actor=outsider, signup_id=signup.pk)
        assert refused.value.code == "not_allowed"
        with pytest.raises(VolunteerError):
            activities.finish(event.pk, actor=outsider)
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_activity_input_errors_name_the_field(world):
    start = timezone.now() + timedelta(days=1)
    data = activities.NewActivity(
        community=world.units["150502001001"],
        title="义诊",
        place="社区卫生站",
        starts_at=start,
        ends_at=start - timedelta(hours=1),
        signup_limit=5,
        points_mode=PointsMode.FIXED,
        points=5,
    )
    with pytest.raises(VolunteerError) as wrong_end:
        activities.create(data, actor=world.users[Role.COMMUNITY_ADMIN])
    assert wrong_end.value.field == "ends_at"
    other = activities.NewActivity(
        **{**data.__dict__, "ends_at": start + timedelta(hours=1), "community": world.units["150502002001"]}
    )
    with pytest.raises(VolunteerError) as out_of_scope:
        activities.create(other, actor=world.users[Role.COMMUNITY_ADMIN])
    assert out_of_scope.value.code == "not_allowed"
