"""Patrol actions: start and end a patrol, add GPS track points, check in, report a finding.

Each action checks the actor's right over the grid (rights.require), runs in one transaction
and writes an audit entry. Bad input raises PatrolError naming the field and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.cases.errors import WorkflowError
from gridgov.cases.models import Case, Source
from gridgov.cases.workflow import NewCase, report_case
from gridgov.geo.models import Level, OrgUnit
from gridgov.patrol.errors import ALL, PatrolDenied, PatrolError
from gridgov.patrol.models import CheckIn, Finding, Patrol, TrackPoint
from gridgov.patrol.rights import WORK, atomic_action, require
from gridgov.people.household_card import distance_m
from gridgov.people.models import Building, Component, Organization

# Device clocks drift: a point this far outside the patrol's time is still accepted.
CLOCK_SKEW = timedelta(minutes=5)


def track_length_m(points: Iterable[tuple[float, float]]) -> float:
    """Length of a track given as (lon, lat) in time order."""
    total, previous = 0.0, None
    for lon, lat in points:
        if previous is not None:
            total += distance_m(previous[0], previous[1], lon, lat)
        previous = (lon, lat)
    return total


def _aware(value, field: str) -> datetime:
    moment = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if moment is None:
        raise PatrolError(field, _("Give a valid date and time."), "required")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


# Start and end -------------------------------------------------------------------------------


@atomic_action
def start_patrol(
    worker,
    grid: OrgUnit,
    *,
    at: datetime | None = None,
    other_grids: Iterable[OrgUnit] = (),
    client_key: str = "",
    note: str = "",
) -> Patrol:
    """Start a patrol of `worker` in `grid`. A patrol the worker left open is ended first (at its
    last point), so a forgotten "end" never blocks the next day. Raises PatrolDenied outside the
    worker's grids; PatrolError for a unit that is not a grid."""
    if grid.level != Level.GRID or not grid.is_active:
        raise PatrolError("grid", _("Choose an active grid."))
    require(worker, WORK, grid.path, action="patrol.start")
    extra = [g for g in other_grids if g.pk != grid.pk]
    for other in extra:
        if other.level != Level.GRID:
            raise PatrolError("other_grids", _("Choose active grids."))
        require(worker, WORK, other.path, action="patrol.start")
    if client_key:
        existing = Patrol.objects.filter(worker=worker, client_key=client_key).first()
        if existing is not None:
            return existing
    started_at = _aware(at, "started_at") if at else timezone.now()
    for left_open in Patrol.objects.select_for_update().filter(worker=worker, ended_at__isnull=True):
        last = left_open.points.order_by("-at").values_list("at", flat=True).first()
        _close(left_open, worker, max(left_open.started_at, min(last or started_at, started_at)), auto=True)
    patrol = Patrol.objects.create(
        worker=worker,
        grid=grid,
        org_path=grid.path,
        started_at=started_at,
        client_key=client_key[:64],
        note=note[:200],
    )
    if extra:
        patrol.other_grids.set(extra)
    record("patrol.start", actor=worker, target=patrol, details={"grid": grid.code})
    return patrol


def _close(patrol: Patrol, actor, ended_at: datetime, *, auto: bool = False) -> None:
    patrol.ended_at = ended_at
    patrol.distance_m = _measured(patrol)
    patrol.save(update_fields=["ended_at", "distance_m"])
    record(
        "patrol.end",
        actor=actor,
        target=patrol,
        details={"distance_m": round(patrol.distance_m), "automatic": auto},
    )


@atomic_action
def end_patrol(patrol: Patrol, actor, *, at: datetime | None = None) -> Patrol:
    """End the worker's own open patrol. Raises PatrolError if it has ended or `at` is before its start."""
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    _own(patrol, actor)
    if patrol.ended_at is not None:
        raise PatrolError(ALL, _("This patrol has already ended."), "conflict")
    ended_at = _aware(at, "ended_at") if at else timezone.now()
    if ended_at < patrol.started_at:
        raise PatrolError("ended_at", _("A patrol cannot end before it starts."))
    _close(patrol, actor, ended_at)
    return patrol


def _own(patrol: Patrol, actor) -> None:
    if patrol.worker_id != getattr(actor, "pk", None):
        raise PatrolDenied(
            _("Only the worker on this patrol may do this."),
            actor=actor,
            action="patrol.denied",
            details={"patrol": patrol.pk},
        )


# Track -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fix:
    at: datetime
    lon: float
    lat: float
    accuracy_m: float | None


def _district_bounds(grid: OrgUnit) -> tuple[float, float, float, float] | None:
    """The bounding box of the grid's district widened by PATROL_DISTRICT_MARGIN_M (None: unknown)."""
    district = OrgUnit.objects.filter(path=grid.path.split(".")[0]).first()
    if district is None:
        return None
    box = (district.min_lon, district.min_lat, district.max_lon, district.max_lat)
    if any(value is None for value in box):
        return None
    min_lon, min_lat, max_lon, max_lat = (float(value or 0) for value in box)
    margin = settings.PATROL_DISTRICT_MARGIN_M / 111_000  # metres to degrees, generously
    return (min_lon - margin, min_lat - margin, max_lon + margin, max_lat + margin)


def _parse_fix(raw, index: int) -> Fix:
    prefix = f"points.{index}"
    if not isinstance(raw, dict):
        raise PatrolError(prefix, _("Each point needs lon, lat and at."))
    try:
        lon, lat = float(raw.get("lon", "")), float(raw.get("lat", ""))
    except (TypeError, ValueError):
        raise PatrolError(f"{prefix}.lon", _("Give the longitude and latitude as numbers.")) from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise PatrolError(f"{prefix}.lon", _("The coordinates are out of range."))
    accuracy = raw.get("accuracy")
    try:
        accuracy_m = None if accuracy is None or accuracy == "" else float(accuracy)
    except (TypeError, ValueError):
        raise PatrolError(f"{prefix}.accuracy", _("Give the accuracy in metres.")) from None
    return Fix(_aware(raw.get("at"), f"{prefix}.at"), lon, lat, accuracy_m)


def _check_fixes(patrol: Patrol, fixes: list[tuple[int, Fix]]) -> None:
    """Refuse points far outside the district, outside the patrol's time, or implying an absurd speed."""
    bounds = _district_bounds(patrol.grid)
    latest = (patrol.ended_at or timezone.now()) + CLOCK_SKEW
    for index, fix in fixes:
        if not (patrol.started_at - CLOCK_SKEW <= fix.at <= latest):
            raise PatrolError(f"points.{index}.at", _("This point's time lies outside the patrol."))
        if bounds is not None and not (
            bounds[0] <= fix.lon <= bounds[2] and bounds[1] <= fix.lat <= bounds[3]
        ):
            raise PatrolError(f"points.{index}", _("This point lies far outside the district."))
    first_at = fixes[0][1].at
    before = patrol.points.filter(at__lt=first_at).order_by("-at").values_list("at", "lon", "lat").first()
    previous = Fix(before[0], before[1], before[2], None) if before else None
    limit_mps = settings.PATROL_MAX_SPEED_KMH / 3.6
    for index, fix in fixes:
        if previous is not None:
            seconds = (fix.at - previous.at).total_seconds()
            metres = distance_m(previous.lon, previous.lat, fix.lon, fix.lat)
            # Within a second GPS jitter is no speed; beyond a GPS fix's error it is.
            if metres > 50 and metres > limit_mps * max(seconds, 1.0):
                raise PatrolError(
                    f"points.{index}",
                    _("This point is too far from the previous one for the time between them."),
                    "speed",
                )
        previous = fix


@atomic_action
def add_track_points(patrol: Patrol, actor, points: list) -> int:
    """Store a batch of GPS points ({lon, lat, at, accuracy?}) of the actor's own patrol.

    Points already stored (same time) are skipped, so a re-sent batch adds nothing. The whole
    batch is refused with a PatrolError naming the first bad point ("points.3"). Returns the
    number of new points; the patrol's distance is recomputed.
    """
    patrol = Patrol.objects.select_for_update().select_related("grid").get(pk=patrol.pk)
    _own(patrol, actor)
    if not isinstance(points, list) or not points:
        raise PatrolError("points", _("Send at least one point."), "required")
    if len(points) > settings.PATROL_MAX_POINTS_PER_BATCH:
        raise PatrolError(
            "points", _("At most %(n)d points at a time.") % {"n": settings.PATROL_MAX_POINTS_PER_BATCH}
        )
    parsed = sorted(((i, _parse_fix(raw, i)) for i, raw in enumerate(points)), key=lambda item: item[1].at)
    unique: dict[datetime, tuple[int, Fix]] = {}
    for index, fix in parsed:
        unique.setdefault(fix.at, (index, fix))
    stored = set(patrol.points.filter(at__in=list(unique)).values_list("at", flat=True))
    fresh = [(i, f) for at, (i, f) in unique.items() if at not in stored]
    if not fresh:
        return 0
    _check_fixes(patrol, fresh)
    TrackPoint.objects.bulk_create(
        [TrackPoint(patrol=patrol, at=f.at, lon=f.lon, lat=f.lat, accuracy_m=f.accuracy_m) for _i, f in fresh]
    )
    patrol.distance_m = _measured(patrol)
    patrol.save(update_fields=["distance_m"])
    record("patrol.track", actor=actor, target=patrol, details={"points": len(fresh)})
    return len(fresh)


def _measured(patrol: Patrol) -> float:
    return track_length_m(patrol.points.order_by("at").values_list("lon", "lat").iterator())


# Check-ins and findings ----------------------------------------------------------------------


@atomic_action
def check_in(
    patrol: Patrol,
    actor,
    *,
    at: datetime | None = None,
    lon: float | None = None,
    lat: float | None = None,
    building: Building | None = None,
    organization: Organization | None = None,
    component: Component | None = None,
    note: str = "",
) -> CheckIn:
    """Check in at a registered place of the worker's grids, or at a free point with a note."""
    _own(patrol, actor)
    places = [p for p in (building, organization, component) if p is not None]
    if len(places) > 1:
        raise PatrolError("place", _("Check in at one place at a time."))
    note = (note or "").strip()
    if places:
        place = places[0]
        require(actor, WORK, place.org_path, action="patrol.checkin")
        lon = place.lon if lon is None else lon
        lat = place.lat if lat is None else lat
    elif not note:
        raise PatrolError("note", _("Say where you are: choose a place or write a note."), "required")
    if lon is None or lat is None:
        raise PatrolError("lon", _("Give the location."), "required")
    checkin = CheckIn.objects.create(
        patrol=patrol,
        at=_aware(at, "at") if at else timezone.now(),
        lon=float(lon),
        lat=float(lat),
        building=building,
        organization=organization,
        component=component,
        note=note[:200],
        org_path=places[0].org_path if places else patrol.org_path,
    )
    record("patrol.checkin", actor=actor, target=checkin, details={"patrol": patrol.pk})
    return checkin


@atomic_action
def report_finding(patrol: Patrol, actor, data: NewCase, *, request=None) -> Case:
    """Report what the worker found on the patrol as a case (source patrol), linked to the patrol.

    A retry with the same idempotency key returns the same case and link. Workflow errors
    come back as PatrolError naming the same field.
    """
    _own(patrol, actor)
    data.source = Source.PATROL
    try:
        case, _created = report_case(data, actor=actor, request=request)
    except WorkflowError as error:
        raise PatrolError(error.field or ALL, error.message, error.code) from None
    _finding, created = Finding.objects.get_or_create(case=case, defaults={"patrol": patrol})
    if created:
        record("patrol.finding", actor=actor, target=patrol, request=request, details={"case": case.number})
    return case
