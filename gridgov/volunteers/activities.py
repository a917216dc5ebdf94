"""Volunteer activities: staff create them; approved volunteers sign up (within the limit) and
cancel before the start; check-in and check-out by staff or by the volunteer with the code
the organiser shows at the place; finishing the activity records hours and awards points."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.geo.models import Level, OrgUnit
from gridgov.volunteers import ledger
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.models import (
    Activity,
    ActivityState,
    EntryKind,
    PointsMode,
    SignUp,
    SignUpState,
    Volunteer,
    VolunteerStatus,
)
from gridgov.volunteers.rights import require_manager


def _early_check_in() -> timedelta:
    # Volunteers arrive a little before the start; check-in opens this many minutes early.
    return timedelta(minutes=settings.VOLUNTEERS_CHECK_IN_EARLY_MINUTES)


@dataclass(frozen=True)
class NewActivity:
    community: OrgUnit
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    signup_limit: int
    points_mode: str
    points: int
    description: str = ""


def create(data: NewActivity, *, actor, request=None) -> Activity:
    """Create an activity in a community the actor manages. Raises VolunteerError naming the field."""
    if data.community.level != Level.COMMUNITY:
        raise VolunteerError("community", _("Choose a community."))
    require_manager(actor, data.community.path)
    title, place = data.title.strip(), data.place.strip()
    if not title:
        raise VolunteerError("title", _("This field is required."))
    if not place:
        raise VolunteerError("place", _("This field is required."))
    if data.ends_at <= data.starts_at:
        raise VolunteerError("ends_at", _("The end must come after the start."))
    if data.signup_limit < 1:
        raise VolunteerError("signup_limit", _("At least one place."))
    if data.points_mode not in PointsMode.values:
        raise VolunteerError("points_mode", _("Unknown choice."))
    if data.points < 0:
        raise VolunteerError("points", _("Points cannot be negative."))
    with transaction.atomic():
        activity = Activity.objects.create(
            community=data.community,
            org_path=data.community.path,
            title=title[:100],
            description=data.description.strip(),
            place=place[:200],
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            signup_limit=data.signup_limit,
            points_mode=data.points_mode,
            points=data.points,
            check_in_code=f"{secrets.randbelow(1_000_000):06d}",
            created_by=actor,
        )
        record("volunteers.activity.create", request=request, actor=actor, target=activity)
    return activity


def _locked_activity(activity_id: int) -> Activity:
    activity = Activity.objects.select_for_update(of=("self",)).filter(pk=activity_id).first()
    if activity is None:
        raise VolunteerError("", _("No such activity."), code="not_found")
    return activity


def _approved_volunteer(user) -> Volunteer:
    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is None or volunteer.status != VolunteerStatus.APPROVED:
        raise VolunteerError("", _("Only approved volunteers can sign up."), code="not_allowed")
    return volunteer


def taken_places(activity: Activity) -> int:
    return activity.signups.filter(state=SignUpState.SIGNED_UP).count()


def sign_up(activity_id: int, *, user, request=None) -> SignUp:
    """Sign an approved volunteer of the activity's community up, never beyond the limit: the
    activity row is locked while the places are counted, so concurrent sign-ups queue."""
    volunteer = _approved_volunteer(user)
    with transaction.atomic():
        activity = _locked_activity(activity_id)
        now = timezone.now()
        if activity.community_id != volunteer.community_id:
            raise VolunteerError("", _("This activity is for another community."), code="not_allowed")
        if activity.state != ActivityState.OPEN or now >= activity.starts_at:
            raise VolunteerError("", _("Sign-up for this activity has closed."), code="closed")
        signup = SignUp.objects.filter(activity=activity, volunteer=volunteer).first()
        if signup is not None and signup.state == SignUpState.SIGNED_UP:
            raise VolunteerError("", _("You have already signed up."), code="conflict")
        if taken_places(activity) >= activity.signup_limit:
            raise VolunteerError("", _("All places are taken."), code="full")
        if signup is None:
            signup = SignUp.objects.create(activity=activity, volunteer=volunteer, signed_up_at=now)
        else:
            signup.state, signup.signed_up_at = SignUpState.SIGNED_UP, now
            signup.save(update_fields=["state", "signed_up_at"])
        record("volunteers.signup.create", request=request, actor=user, target=activity)
    return signup


def cancel_sign_up(activity_id: int, *, user, request=None) -> SignUp:
    """Give the place back, before the activity starts."""
    with transaction.atomic():
        activity = _locked_activity(activity_id)
        signup = SignUp.objects.filter(
            activity=activity, volunteer__user=user, state=SignUpState.SIGNED_UP
        ).first()
        if signup is None:
            raise VolunteerError("", _("You have not signed up for this activity."), code="not_found")
        if timezone.now() >= activity.starts_at:
            raise VolunteerError(
                "", _("The activity has started: it can no longer be cancelled."), code="closed"
            )
        signup.state = SignUpState.CANCELLED
        signup.save(update_fields=["state"])
        record("volunteers.signup.cancel", request=request, actor=user, target=activity)
    return signup


def _locked_signup(activity: Activity, signup_id: int | None, user) -> SignUp:
    signups = SignUp.objects.select_for_update().filter(activity=activity, state=SignUpState.SIGNED_UP)
    signup = (
        signups.filter(pk=signup_id).first() if signup_id else signups.filter(volunteer__user=user).first()
    )
    if signup is None:
        raise VolunteerError("", _("No such sign-up."), code="not_found")
    return signup


def _authorise(activity: Activity, *, actor, code: str | None) -> None:
    """Staff managing the community act for anyone; a volunteer acts for themself with the code."""
    if code is None:
        require_manager(actor, activity.org_path)
    elif not secrets.compare_digest(code.strip(), activity.check_in_code):
        raise VolunteerError("code", _("Wrong check-in code."), code="wrong_code")


def check_in(
    activity_id: int, *, actor, signup_id: int | None = None, code: str | None = None, request=None
) -> SignUp:
    """Check a volunteer in: staff name the sign-up (no code); a volunteer gives the code."""
    with transaction.atomic():
        activity = _locked_activity(activity_id)
        _authorise(activity, actor=actor, code=code)
        signup = _locked_signup(activity, None if code is not None else signup_id, actor)
        now = timezone.now()
        if activity.state != ActivityState.OPEN or not (
            activity.starts_at - _early_check_in() <= now < activity.ends_at
        ):
            raise VolunteerError("", _("Check-in is open only around the activity's time."), code="closed")
        if signup.checked_in_at is not None:
            raise VolunteerError("", _("Already checked in."), code="conflict")
        signup.checked_in_at = now
        signup.save(update_fields=["checked_in_at"])
        record(
            "volunteers.signup.check_in",
            request=request,
            actor=actor,
            target=signup,
            details={"by_code": code is not None},
        )
    return signup


def service_minutes(activity: Activity, checked_in_at: datetime, checked_out_at: datetime) -> int:
    """Whole minutes of service: the attended time within the activity's hours."""
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


def check_out(
    activity_id: int, *, actor, signup_id: int | None = None, code: str | None = None, request=None
) -> SignUp:
    """Check a volunteer out and record their service time (whole minutes within the activity)."""
    with transaction.atomic():
        activity = _locked_activity(activity_id)
        _authorise(activity, actor=actor, code=code)
        signup = _locked_signup(activity, None if code is not None else signup_id, actor)
        if activity.state != ActivityState.OPEN:
            raise VolunteerError("", _("The activity is finished."), code="closed")
        if signup.checked_in_at is None:
            raise VolunteerError("", _("Check in first."), code="conflict")
        if signup.checked_out_at is not None:
            raise VolunteerError("", _("Already checked out."), code="conflict")
        _close_attendance(activity, signup, timezone.now())
        record(
            "volunteers.signup.check_out",
            request=request,
            actor=actor,
            target=signup,
            details={"minutes": signup.service_minutes, "by_code": code is not None},
        )
    return signup


def _close_attendance(activity: Activity, signup: SignUp, at: datetime) -> None:
    """Check out a checked-in sign-up at `at` and record its service minutes."""
    assert signup.checked_in_at is not None  # callers close only checked-in attendance
    signup.checked_out_at = at
    signup.service_minutes = service_minutes(activity, signup.checked_in_at, at)
    signup.save(update_fields=["checked_out_at", "service_minutes"])


def points_for(activity: Activity, minutes: int) -> int:
    """Points one attendance earns: the fixed amount, or whole points for the minutes served."""
    if minutes <= 0:
        return 0
    if activity.points_mode == PointsMode.FIXED:
        return activity.points
    return activity.points * minutes // 60


def finish(activity_id: int, *, actor, request=None) -> Activity:
    """Finish a started activity: those still checked in are checked out (at the end at most),
    and every attendance with service time earns its points, once."""
    with transaction.atomic():
        activity = _locked_activity(activity_id)
        require_manager(actor, activity.org_path)
        now = timezone.now()
        if activity.state != ActivityState.OPEN:
            raise VolunteerError("", _("The activity is not open."), code="conflict")
        if now < activity.starts_at:
            raise VolunteerError("", _("The activity has not started yet."), code="closed")
        attended = (
            SignUp.objects.select_for_update(of=("self",))
            .filter(activity=activity, state=SignUpState.SIGNED_UP, checked_in_at__isnull=False)
            .select_related("volunteer__user")
            .order_by("id")
        )
        awarded = 0
        for signup in attended:
            if signup.checked_out_at is None:
                _close_attendance(activity, signup, min(now, activity.ends_at))
            points = points_for(activity, signup.service_minutes)
            if points:
                ledger.post(
                    signup.volunteer.user,
                    points,
                    EntryKind.VOLUNTEERING,
                    actor=actor,
                    community=activity.community,
                    note=activity.title,
                    signup=signup,
                    request=request,
                )
                signup.points_awarded = points
                signup.save(update_fields=["points_awarded"])
                awarded += points
        activity.state, activity.finished_at = ActivityState.FINISHED, now
        activity.save(update_fields=["state", "finished_at"])
        record(
            "volunteers.activity.finish",
            request=request,
            actor=actor,
            target=activity,
            details={"points": awarded},
        )
    return activity
