"""Every change of a case: reporting and the transitions of states.TRANSITIONS.

Each action runs in one transaction on a locked case row, checks (in this order) that the
actor may see the case, may take the action, that the case is still at the version the actor
saw and in a state the action starts from; then it changes the case, writes a timeline entry
and an audit entry, and queues notifications for after the commit. A denied attempt changes
nothing and is itself audited.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.models import Department
from gridgov.access.roles import OWNER_SCOPED_ROLES
from gridgov.access.scope import has_permission, in_scope, roles_of, scoped
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.cases import deadlines, notify
from gridgov.cases.errors import CaseNotFound, Conflict, IdempotencyMismatch, InvalidInput, NotAllowed
from gridgov.cases.models import Case, CasePhoto, Source, Stage, State, TimelineEntry, Urgency
from gridgov.cases.numbering import next_case_number
from gridgov.cases.photos import check_photos, save_photos
from gridgov.cases.rights import follows, is_overdue, may, within_not_fixed_window
from gridgov.cases.sources import CALLER_FIELDS, CALLER_SOURCES, HOTLINE_FIELDS, allowed_sources
from gridgov.cases.states import CREATE_PERMISSION, SELF_HANDLE_PERMISSION, TRANSITIONS
from gridgov.cases.taxonomy_services import active_category, suggest_handler
from gridgov.geo import crs as coordinates
from gridgov.geo import index
from gridgov.geo.models import Level, OrgUnit

VIEW = "cases.view"


@dataclass
class NewCase:
    """What a report says. Coordinates are in `crs` (wgs84, gcj02 or bd09)."""

    category: str
    description: str
    lon: float
    lat: float
    crs: str = "wgs84"
    urgency: str = Urgency.NORMAL
    source: str = ""  # empty: the reporter's usual source (cases.sources)
    address: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    hotline_ref: str = ""
    hide_reporter: bool = False
    idempotency_key: str = ""
    # Handled on the spot: the result, and the case starts in HANDLED.
    self_handled: bool = False
    result: str = ""
    photos: list = field(default_factory=list)
    at: datetime | None = None  # when it happened; hotline imports give their own time

    def fingerprint(self) -> str:
        body = {k: v for k, v in self.__dict__.items() if k not in ("photos", "idempotency_key", "at")}
        body["photos"] = [getattr(p, "name", "") for p in self.photos]
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


# --- Reporting ---------------------------------------------------------------------------------


def report_case(data: NewCase, *, actor, request=None) -> tuple[Case, bool]:
    """Create a case from a report; returns (case, created).

    With an idempotency key, a retry of the same request returns the first case (created False);
    the same key with a different request raises IdempotencyMismatch. Raises InvalidInput naming
    the field for bad input, NotAllowed when the actor may not report (there).
    """
    if data.idempotency_key:
        existing = _replay(data, actor)
        if existing is not None:
            return existing, False
    try:
        category, urgency, source, lon, lat, grid = _check_report(data, actor)
    except NotAllowed:
        record("case.report", request=request, actor=actor, target_type="cases.case", outcome=Outcome.DENIED)
        raise
    check_photos(data.photos)
    try:
        with transaction.atomic():
            case = _create(data, actor, category, urgency, source, lon, lat, grid)
            record(
                "case.report",
                request=request,
                actor=actor,
                target=case,
                details={"state": case.state, "source": case.source, "grid": grid.code},
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer as a replay.
        existing = _replay(data, actor) if data.idempotency_key else None
        if existing is None:
            raise
        return existing, False
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    transaction.on_commit(lambda: notify.announce(case.pk, "report", actor_id))
    return case, True


def _replay(data: NewCase, actor) -> Case | None:
    case = Case.objects.filter(reporter=actor, idempotency_key=data.idempotency_key).first()
    if case is not None and case.request_fingerprint != data.fingerprint():
        raise IdempotencyMismatch(
            _("This idempotency key was already used for a different report."), field="idempotency_key"
        )
    return case


def _check_report(data: NewCase, actor):
    if not has_permission(actor, CREATE_PERMISSION):
        raise NotAllowed(_("You may not report cases."))
    if data.self_handled and not has_permission(actor, SELF_HANDLE_PERMISSION):
        raise NotAllowed(_("Only grid staff may handle a case on the spot."))
    category = active_category(data.category)
    if category is None:
        raise InvalidInput(_("Unknown or inactive category."), field="category")
    if data.urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency."), field="urgency")
    allowed = allowed_sources(actor)
    source = data.source or (allowed[0] if allowed else "")
    if source not in allowed:
        raise InvalidInput(
            _("You may report with source: %(sources)s.") % {"sources": ", ".join(allowed)}, field="source"
        )
    if source not in CALLER_SOURCES:
        for name in CALLER_FIELDS:
            if getattr(data, name):
                raise InvalidInput(_("Only hotline reports carry caller details."), field=name)
    if source != Source.HOTLINE:
        for name in HOTLINE_FIELDS:
            if getattr(data, name):
                raise InvalidInput(_("Only hotline reports carry caller details."), field=name)
    description = (data.description or "").strip()
    if not description:
        raise InvalidInput(_("Describe the problem."), field="description")
    if data.self_handled and not (data.result or "").strip():
        raise InvalidInput(_("Say how the problem was handled."), field="result")
    try:
        lon, lat = coordinates.to_wgs84(float(data.lon), float(data.lat), data.crs)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Give the location as longitude and latitude in wgs84, gcj02 or bd09."), field="lon"
        ) from None
    grid_id = index.grid_id_at(lon, lat)
    grid = OrgUnit.objects.select_related("parent").filter(pk=grid_id).first() if grid_id else None
    if grid is None:
        raise InvalidInput(_("The location is outside every grid of the district."), field="lon")
    # Staff report inside their own jurisdiction; residents anywhere in the district.
    resident = bool(roles_of(actor) & OWNER_SCOPED_ROLES)
    if not resident and not in_scope(actor, grid.path, CREATE_PERMISSION):
        raise InvalidInput(_("The location is outside your jurisdiction."), field="lon")
    return category, data.urgency, source, lon, lat, grid


def _responsible(grid: OrgUnit, level: int) -> OrgUnit:
    """The ancestor of `grid` at `level` (or the grid itself)."""
    if level == grid.level:
        return grid
    if level == grid.level - 1 and grid.parent is not None:
        return grid.parent  # the usual case (the community), loaded with the grid
    return OrgUnit.objects.get(path=".".join(grid.path.split(".")[:level]))


def _create(data, actor, category, urgency, source, lon, lat, grid) -> Case:
    now = data.at or timezone.now()
    level = settings.CASE_INTAKE_LEVEL.get(source, Level.COMMUNITY)
    district_code = grid.path.split(".")[0]
    case = Case(
        number=next_case_number(district_code, now),
        source=source,
        category=category,
        urgency=urgency,
        description=data.description.strip(),
        address=data.address.strip(),
        lon=lon,
        lat=lat,
        grid=grid,
        org_path=grid.path,
        level=level,
        responsible_unit=_responsible(grid, level),
        reporter=actor if getattr(actor, "is_authenticated", False) else None,
        caller_name=data.caller_name,
        caller_phone=data.caller_phone,
        hotline_ref=data.hotline_ref,
        hide_reporter=data.hide_reporter,
        idempotency_key=data.idempotency_key or None,
        request_fingerprint=data.fingerprint() if data.idempotency_key else "",
        reported_at=now,
    )
    if data.self_handled:
        case.state = State.HANDLED
        case.self_handled = True
        case.result = data.result.strip()
        case.handler = actor
        deadlines.start_stage(case, Stage.VERIFY, now)
    else:
        case.state = State.REPORTED
        deadlines.start_stage(case, Stage.REGISTER, now)
    case.save()
    entry = _timeline(case, actor, "report", "", State.REPORTED, data.description.strip(), now)
    if data.self_handled:
        entry = _timeline(case, actor, "self_handle", State.REPORTED, State.HANDLED, case.result, now)
    save_photos(
        case,
        data.photos,
        kind=CasePhoto.Kind.HANDLED if data.self_handled else CasePhoto.Kind.REPORT,
        actor=actor,
        entry=entry,
        strip_location=source == Source.RESIDENT,
    )
    return case


def _timeline(case, actor, action, from_state, to_state, note, at, details=None) -> TimelineEntry:
    return TimelineEntry.objects.create(
        case=case,
        at=at,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note or "",
        details=details or {},
    )


# --- Transitions -------------------------------------------------------------------------------


def visible_cases(user):
    return scoped(user, Case.objects.all(), VIEW)


def perform(
    case_id: int, action: str, *, actor, expected_version: int | None = None, request=None, **params: Any
) -> Case:
    """Take `action` (a key of states.TRANSITIONS) on case `case_id` as `actor`.

    Raises CaseNotFound, NotAllowed, Conflict (changed meanwhile, or not in a state the action
    starts from) or InvalidInput (field named) — having changed nothing.
    """
    return _apply(
        case_id, action, actor=actor, expected_version=expected_version, request=request, params=params
    )


# Actions the system itself takes (the time-limit monitor), with no user behind them.
SYSTEM_ACTIONS = frozenset({"escalate"})
SYSTEM_NAME = "system:monitor"


def act_as_system(case_id: int, action: str, **params: Any) -> Case:
    """Take one of SYSTEM_ACTIONS on a case as the system (the monitor's automatic escalation).

    Same checks of state as for people, no jurisdiction; timeline and audit name the system.
    """
    if action not in SYSTEM_ACTIONS:
        raise NotAllowed(_("The system does not take this action."))
    return _apply(case_id, action, actor=None, expected_version=None, request=None, params=params)


def _apply(case_id, action, *, actor, expected_version, request, params) -> Case:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise InvalidInput(_("Unknown action."), field="action")
    system = actor is None
    try:
        with transaction.atomic():
            case = _locked(case_id, actor, request, action)
            if not system and not may(actor, case, action):
                raise NotAllowed(_("You may not do this on this case."))
            if expected_version is not None and expected_version != case.version:
                raise Conflict(
                    _("The case was changed meanwhile; reload it and try again."), code="stale_version"
                )
            if case.state not in transition.sources:
                raise Conflict(
                    _("The case is %(state)s: this action does not apply now.")
                    % {"state": State(case.state).label},
                    code="wrong_state",
                )
            before = case.state
            stage_deadline = case.deadline.isoformat() if case.deadline else None
            now = timezone.now()
            note, details = ACTIONS[action](case, actor, now, params)
            case.version += 1
            case.save()
            timeline_details = {**details, "by": SYSTEM_NAME} if system else details
            timeline_details = {**timeline_details, "stage_deadline": stage_deadline}  # analytics: in time?
            entry = _timeline(case, actor, action, before, case.state, note, now, timeline_details)
            photos = params.get("photos") or []
            if photos:
                kind = CasePhoto.Kind.VERIFY if action in ("verify", "reopen") else CasePhoto.Kind.HANDLED
                save_photos(case, photos, kind=kind, actor=actor, entry=entry, strip_location=False)
            record(
                f"case.{action}",
                request=request,
                actor=actor,
                target=case,
                details={
                    "from": before,
                    "to": case.state,
                    **details,
                    **({"username": SYSTEM_NAME} if system else {}),
                },
            )
    except CaseNotFound:
        # Out of scope answers like missing, but the attempt on an existing case is recorded.
        if Case.objects.filter(pk=case_id).exists():
            record(
                "access.denied",
                request=request,
                actor=actor,
                target_type="cases.case",
                target_id=str(case_id),
                outcome=Outcome.DENIED,
                details={"permission": VIEW},
            )
        raise
    except NotAllowed:
        # The transaction rolled back; the denial is recorded on its own.
        record(
            f"case.{action}",
            request=request,
            actor=actor,
            target_type="cases.case",
            target_id=str(case_id),
            outcome=Outcome.DENIED,
        )
        raise
    actor_id = actor.pk if actor is not None else None
    transaction.on_commit(lambda: notify.announce(case.pk, action, actor_id))
    return case


# Actions a resident may take on a case they follow but did not report (see rights.follows).
FOLLOWER_ACTIONS = frozenset({"remind"})


def _locked(case_id, actor, request, action="") -> Case:
    if actor is None or (action in FOLLOWER_ACTIONS and follows(actor, case_id)):
        cases = Case.objects.all()
    else:
        cases = visible_cases(actor)
    case = (
        cases.select_for_update(of=("self",))
        .select_related("category", "responsible_unit", "grid", "handling_unit", "department")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise CaseNotFound(_("No such case."))
    return case


def _text(params: dict, name: str, *, required: bool, message: str = "") -> str:
    value = str(params.get(name) or "").strip()
    if required and not value:
        raise InvalidInput(message or _("This field is required."), field=name)
    return value


def _register(case, actor, now, params):
    category_code = params.get("category")
    if category_code and category_code != case.category.code:
        category = active_category(category_code)
        if category is None:
            raise InvalidInput(_("Unknown or inactive category."), field="category")
        case.category = category
    urgency = params.get("urgency")
    if urgency:
        if urgency not in Urgency.values:
            raise InvalidInput(_("Unknown urgency."), field="urgency")
        case.urgency = urgency
    case.state = State.REGISTERED
    _suggest(case)
    deadlines.start_stage(case, Stage.DISPATCH, now)
    return _text(params, "note", required=False), {"category": case.category.code, "urgency": case.urgency}


def _suggest(case: Case) -> None:
    rule = suggest_handler(case.category, case.grid)
    case.suggested_department = rule.department if rule else None
    case.suggested_unit = rule.handling_unit if rule else None


def _reject(case, actor, now, params):
    reason = _text(params, "reason", required=True, message=_("Say why this is not a case."))
    case.state = State.REJECTED
    case.closed_at = now
    deadlines.clear_stage(case)
    return reason, {}


def _merge(case, actor, now, params):
    number = _text(params, "into", required=True, message=_("Give the number of the case this one repeats."))
    target = visible_cases(actor).filter(number=number).first()
    if target is None or target.pk == case.pk:
        raise InvalidInput(_("No other case with this number in your jurisdiction."), field="into")
    if target.state in (State.REJECTED, State.MERGED):
        raise InvalidInput(_("That case was itself rejected or merged."), field="into")
    case.state = State.MERGED
    case.merged_into = target
    case.closed_at = now
    deadlines.clear_stage(case)
    return _text(params, "note", required=False), {"into": target.number}


def _dispatch(case, actor, now, params):
    department_code = params.get("department")
    unit_code = params.get("handling_unit")
    if bool(department_code) == bool(unit_code):
        raise InvalidInput(_("Choose either a department or a handling unit."), field="department")
    case.department = case.handling_unit = None
    if department_code:
        department = Department.objects.filter(code=department_code, is_active=True).first()
        if department is None or not (case.org_path + ".").startswith(department.org_unit.path + "."):
            raise InvalidInput(
                _("No active department with this code serves the case's area."), field="department"
            )
        case.department = department
    else:
        unit = OrgUnit.objects.active().filter(code=unit_code).first()
        if unit is None or not (case.org_path + ".").startswith(unit.path + ".") or unit.level <= case.level:
            raise InvalidInput(
                _("The handling unit must be a unit below the responsible level that contains the case."),
                field="handling_unit",
            )
        case.handling_unit = unit
    deadline = params.get("deadline")
    if deadline is not None:
        if not isinstance(deadline, datetime) or timezone.is_naive(deadline):
            raise InvalidInput(_("Give the deadline as a date and time with a time zone."), field="deadline")
        if deadline <= now:
            raise InvalidInput(_("The deadline must be in the future."), field="deadline")
    case.state = State.DISPATCHED
    case.handler = None
    case.extension_requested = False
    deadlines.start_stage(case, Stage.HANDLE, now, deadline=deadline)
    addressee = case.department.code if case.department else case.handling_unit.code
    return _text(params, "note", required=False), {"to": addressee, "deadline": case.deadline.isoformat()}


def _accept(case, actor, now, params):
    case.state = State.IN_PROGRESS
    case.handler = actor
    return _text(params, "note", required=False), {}


def _return(case, actor, now, params):
    reason = _text(params, "reason", required=True, message=_("Say why the case is not yours."))
    case.state = State.RETURNED
    previous = case.department.code if case.department else case.handling_unit.code
    case.department = case.handling_unit = None
    case.handler = None
    deadlines.start_stage(case, Stage.DISPATCH, now)
    return reason, {"from": previous}


def _handle(case, actor, now, params):
    case.result = _text(params, "result", required=True, message=_("Describe what was done."))
    check_photos(params.get("photos") or [])
    case.state = State.HANDLED
    case.extension_requested = False
    deadlines.start_stage(case, Stage.VERIFY, now)
    return case.result, {}


def _verify(case, actor, now, params):
    check_photos(params.get("photos") or [])
    case.state = State.VERIFIED
    deadlines.start_stage(case, Stage.DISPATCH, now)  # the responsible level closes it promptly
    return _text(params, "note", required=False), {}


def _reopen(case, actor, now, params):
    reason = _text(params, "reason", required=True, message=_("Say what is still wrong."))
    check_photos(params.get("photos") or [])
    case.rework_count += 1
    if case.department_id or case.handling_unit_id:
        case.state = State.IN_PROGRESS
        deadlines.start_stage(case, Stage.HANDLE, now)
    else:  # handled on the spot: the responsible level dispatches it properly now
        case.state = State.REGISTERED
        case.self_handled = False
        _suggest(case)
        deadlines.start_stage(case, Stage.DISPATCH, now)
    return reason, {"rework": case.rework_count}


def _close(case, actor, now, params):
    case.state = State.CLOSED
    case.closed_at = now
    deadlines.clear_stage(case)
    return _text(params, "note", required=False), {}


def _escalate(case, actor, now, params):
    reason = _text(params, "reason", required=True, message=_("Say why this level cannot solve it."))
    case.level -= 1
    case.responsible_unit = _responsible(case.grid, case.level)
    case.state = State.REGISTERED
    case.department = case.handling_unit = None
    _suggest(case)
    deadlines.start_stage(case, Stage.DISPATCH, now)
    return reason, {"level": case.level, "unit": case.responsible_unit.code}


def _suspend(case, actor, now, params):
    reason = _text(params, "reason", required=True, message=_("Say why the case waits."))
    case.resume_state = case.state
    case.suspended_at = now
    case.state = State.SUSPENDED
    return reason, {}


def _resume(case, actor, now, params):
    deadlines.shift_after_pause(case, case.suspended_at, now)
    case.state = case.resume_state
    case.resume_state = ""
    case.suspended_at = None
    return _text(params, "note", required=False), {
        "deadline": case.deadline.isoformat() if case.deadline else None
    }


def _request_extension(case, actor, now, params):
    if case.extension_requested:
        raise Conflict(_("An extension request is already waiting for a decision."), code="extension_pending")
    try:
        hours = int(params.get("hours") or 0)
    except (TypeError, ValueError):
        hours = 0
    if not 1 <= hours <= 720:
        raise InvalidInput(_("Ask for 1 to 720 working hours."), field="hours")
    reason = _text(params, "reason", required=True, message=_("Say why more time is needed."))
    case.extension_requested = True
    case.extension_hours = hours
    case.extension_reason = reason
    return reason, {"hours": hours}


def _decide_extension(approve: bool):
    def decide(case, actor, now, params):
        if not case.extension_requested:
            raise Conflict(_("No extension request is waiting."), code="no_extension_request")
        hours = case.extension_hours or 0
        if approve:
            deadlines.extend(case, hours, now)
        case.extension_requested = False
        note = _text(params, "note", required=not approve, message=_("Say why the extension is denied."))
        return note, {"hours": hours, "deadline": case.deadline.isoformat() if case.deadline else None}

    return decide


def _supervise(case, actor, now, params):
    case.supervised = True
    return _text(params, "note", required=True, message=_("Say what is expected.")), {}


def _urge(case, actor, now, params):
    case.urge_count += 1
    return _text(params, "note", required=False), {"urges": case.urge_count}


def _rate(case, actor, now, params):
    if case.rating is not None:
        raise Conflict(_("This case was already rated."), code="already_rated")
    try:
        rating = int(params.get("rating"))
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise InvalidInput(_("Rate from 1 to 5."), field="rating")
    case.rating = rating
    case.rating_comment = _text(params, "comment", required=False)
    case.rated_at = now
    return case.rating_comment, {"rating": rating}


def _not_fixed(case, actor, now, params):
    if not within_not_fixed_window(case, now):
        raise Conflict(
            _("A case can be called not fixed only within %(days)d days of its closing.")
            % {"days": settings.PARTICIPATION_NOT_FIXED_DAYS},
            code="not_fixed_too_late",
        )
    reason = _text(params, "reason", required=True, message=_("Say what is still wrong."))
    # The old rating stays in the timeline; the resident rates again after the next closing.
    details = {
        "resident_reopen": True,
        "previous_rating": case.rating,
        "previous_comment": case.rating_comment,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
    }
    case.rating = None
    case.rating_comment = ""
    case.rated_at = None
    case.closed_at = None
    case.state = State.HANDLED
    deadlines.start_stage(case, Stage.VERIFY, now)
    return reason, details


def _remind(case, actor, now, params):
    if not is_overdue(case, now):
        raise Conflict(_("You can send a reminder once the case is overdue."), code="not_overdue")
    hours = settings.PARTICIPATION_REMIND_INTERVAL_HOURS
    recent = TimelineEntry.objects.filter(
        case=case, action="remind", actor=actor, at__gt=now - timedelta(hours=hours)
    ).exists()
    if recent:
        raise Conflict(
            _("You already sent a reminder for this case in the last %(hours)d hours.") % {"hours": hours},
            code="reminded_recently",
        )
    case.urge_count += 1
    return _text(params, "note", required=False), {"urges": case.urge_count, "by_resident": True}


ACTIONS = {
    "register": _register,
    "reject": _reject,
    "merge": _merge,
    "dispatch": _dispatch,
    "accept": _accept,
    "return": _return,
    "handle": _handle,
    "verify": _verify,
    "reopen": _reopen,
    "close": _close,
    "escalate": _escalate,
    "suspend": _suspend,
    "resume": _resume,
    "request_extension": _request_extension,
    "approve_extension": _decide_extension(True),
    "deny_extension": _decide_extension(False),
    "supervise": _supervise,
    "urge": _urge,
    "rate": _rate,
    "not_fixed": _not_fixed,
    "remind": _remind,
}
assert set(ACTIONS) == set(TRANSITIONS), "every transition needs its action"
