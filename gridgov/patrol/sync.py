"""The patrol record kinds of the field app's sync protocol (gridgov.fieldapp.handlers) and the
"tasks" section of its offline bundle. Thin: parse the body, find the records the worker may
use, call the services; bodies are documented in docs/patrol.md."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.access.scope import scoped
from gridgov.cases.workflow import NewCase
from gridgov.geo.models import Level, OrgUnit
from gridgov.patrol import assignments, patrols, visits
from gridgov.patrol.errors import PatrolError
from gridgov.patrol.models import Patrol, Task
from gridgov.patrol.rights import VIEW, WORK
from gridgov.people.models import Building, Component, Household, Organization, Person


def _rejected(errors: dict[str, list[str]]):
    from gridgov.fieldapp.handlers import SubmissionRejected

    return SubmissionRejected(errors)


def _guard(action):
    """Turn the services' PatrolError into the protocol's SubmissionRejected."""

    def handler(user, body: dict, *, made_at: datetime):
        if not isinstance(body, dict):
            raise _rejected({"__all__": [_("The submission has no body.")]})
        try:
            return action(user, body, made_at=made_at)
        except PatrolError as error:
            raise _rejected({error.field: [str(error.message)]}) from None

    handler.__name__ = action.__name__
    return handler


def _moment(body: dict, name: str, default: datetime) -> datetime:
    raw = body.get(name)
    if raw in (None, ""):
        return default
    moment = parse_datetime(str(raw))
    if moment is None:
        raise PatrolError(name, _("Give a valid date and time."))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _pk(body: dict, name: str, *, required: bool = True) -> int | None:
    raw = body.get(name)
    if raw in (None, ""):
        if required:
            raise PatrolError(name, _("This field is required."), "required")
        return None
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        raise PatrolError(name, _("Give a record number.")) from None


def _photos(body: dict) -> list:
    """Photos as data URLs, decoded and checked the way the field app checks a case's photos."""
    from gridgov.fieldapp.case_report import photo_files

    return photo_files(body.get("photos", [])) if body.get("photos") else []


def _own_patrol(user, body: dict) -> Patrol:
    """The worker's patrol named by its id or by the device's key for it."""
    ref = body.get("patrol")
    if ref in (None, ""):
        raise PatrolError("patrol", _("Name the patrol."), "required")
    mine = Patrol.objects.filter(worker=user)
    text = str(ref)
    patrol = mine.filter(
        Q(client_key=text) | Q(pk=int(text)) if text.isdigit() else Q(client_key=text)
    ).first()
    if patrol is None:
        raise PatrolError("patrol", _("No such patrol of yours."), "not_found")
    return patrol


def _grid(user, raw, name: str) -> OrgUnit:
    text = str(raw or "")
    grids = scoped(user, OrgUnit.objects.filter(level=Level.GRID, is_active=True), WORK)
    grid = grids.filter(Q(code=text) | Q(pk=int(text)) if text.isdigit() else Q(code=text)).first()
    if grid is None:
        raise PatrolError(name, _("Choose one of your grids."), "not_found")
    return grid


def _in_scope(user, model, pk: int | None, name: str):
    if pk is None:
        return None
    found = scoped(user, model.objects.all(), WORK).filter(pk=pk).first()
    if found is None:
        raise PatrolError(name, _("No such record in your grids."), "not_found")
    return found


@_guard
def handle_start(user, body: dict, *, made_at: datetime) -> Patrol:
    grid = _grid(user, body.get("grid"), "grid")
    others = [_grid(user, raw, "other_grids") for raw in body.get("other_grids") or []]
    return patrols.start_patrol(
        user,
        grid,
        at=_moment(body, "started_at", made_at),
        other_grids=others,
        client_key=str(body.get("key") or "")[:64],
        note=str(body.get("note") or ""),
    )


@_guard
def handle_end(user, body: dict, *, made_at: datetime) -> Patrol:
    patrol = _own_patrol(user, body)
    return patrols.end_patrol(patrol, user, at=_moment(body, "ended_at", made_at))


@_guard
def handle_track(user, body: dict, *, made_at: datetime) -> Patrol:
    patrol = _own_patrol(user, body)
    patrols.add_track_points(patrol, user, body.get("points", []))
    return patrol


@_guard
def handle_checkin(user, body: dict, *, made_at: datetime):
    patrol = _own_patrol(user, body)

    def number(name: str) -> float | None:
        raw = body.get(name)
        try:
            return None if raw is None or raw == "" else float(raw)
        except (TypeError, ValueError):
            raise PatrolError(name, _("Give a number.")) from None

    return patrols.check_in(
        patrol,
        user,
        at=_moment(body, "at", made_at),
        lon=number("lon"),
        lat=number("lat"),
        building=_in_scope(user, Building, _pk(body, "building", required=False), "building"),
        organization=_in_scope(user, Organization, _pk(body, "organization", required=False), "organization"),
        component=_in_scope(user, Component, _pk(body, "component", required=False), "component"),
        note=str(body.get("note") or ""),
    )


@_guard
def handle_visit(user, body: dict, *, made_at: datetime):
    household = _in_scope(user, Household, _pk(body, "household"), "household")
    members = {p.pk: p for p in Person.objects.filter(household=household)}

    def member(raw, name: str) -> Person:
        try:
            return members[int(raw)]
        except (KeyError, TypeError, ValueError):
            raise PatrolError(name, _("Choose members of this household.")) from None

    met = [member(raw, "met") for raw in body.get("met") or []]
    corrections = []
    for number, raw in enumerate(body.get("corrections") or []):
        if not isinstance(raw, dict):
            raise PatrolError(f"corrections.{number}", _("Each correction needs a field and a value."))
        person = member(raw["person"], f"corrections.{number}.person") if raw.get("person") else None
        corrections.append(
            visits.Correction(
                field=str(raw.get("field") or ""), value=str(raw.get("value") or ""), person=person
            )
        )
    needs = body.get("needs") or []
    return visits.record_visit(
        visits.NewVisit(
            household=household,
            situation=str(body.get("situation") or ""),
            visited_at=_moment(body, "visited_at", made_at),
            nobody_home=bool(body.get("nobody_home")),
            met=met,
            needs=[str(code) for code in needs] if isinstance(needs, list) else [str(needs)],
            needs_other=str(body.get("needs_other") or ""),
            notes=str(body.get("notes") or ""),
            patrol=_own_patrol(user, body) if body.get("patrol") else None,
            corrections=corrections,
            photos=_photos(body),
        ),
        actor=user,
    )


@_guard
def handle_finding(user, body: dict, *, made_at: datetime):
    patrol = _own_patrol(user, body)
    try:
        lon, lat = float(body.get("lon", "")), float(body.get("lat", ""))
    except (TypeError, ValueError):
        raise PatrolError("lon", _("Give the location.")) from None
    data = NewCase(
        category=str(body.get("category") or ""),
        description=str(body.get("description") or ""),
        lon=lon,
        lat=lat,
        urgency=str(body.get("urgency") or "normal"),
        address=str(body.get("address") or ""),
        photos=_photos(body),
    )
    return patrols.report_finding(patrol, user, data)


HANDLERS = {
    "patrol.start": handle_start,
    "patrol.end": handle_end,
    "patrol.track": handle_track,
    "patrol.checkin": handle_checkin,
    "patrol.visit": handle_visit,
    "patrol.finding": handle_finding,
}


def tasks_section(user) -> list[dict]:
    """The worker's open task items (theirs or their grid's), for the offline bundle."""
    items = assignments.open_items_for(user, scoped(user, Task.objects.all(), VIEW)).select_related(
        "person", "household"
    )
    today = timezone.localdate()
    return [
        {
            "id": task.pk,
            "title": task.title,
            "due_on": task.due_on.isoformat(),
            "overdue": task.due_on < today,
            "household": task.household_id,
            "household_number": task.household.number if task.household else "",
            "person": task.person_id,
            "person_name": task.person.name if task.person else "",
            "grid": task.grid_id,
        }
        for task in items.order_by("due_on", "id")[:500]
    ]
