"""The household card (一户一档): who moved in and out of a household, and the cases reported
around its building.

Read-only: the caller has loaded the household through access.scope; cases are scoped here with
cases.view, so a viewer without it sees none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from gridgov.access.scope import scoped
from gridgov.cases.models import Case
from gridgov.people.models import Household, Person, Residence, StatusChange

CASE_RADIUS_M = 50.0
CASE_PERIOD = timedelta(days=365)  # "the last 12 months"
CASE_LIMIT = 50
# The mean Earth radius (IUGG); at 50 m the spherical error is far below a GPS fix's.
EARTH_RADIUS_M = 6_371_008.8
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
# A residence that ends this close to a status change was closed by it: one event, not two.
_SAME_MOMENT = timedelta(minutes=1)

MOVED_IN = "moved_in"
MOVED_OUT = "moved_out"
STATUS = "status"


@dataclass(frozen=True)
class HouseholdEvent:
    """One line of the household's history: a member moved in or out, or changed status."""

    at: datetime
    kind: str  # MOVED_IN, MOVED_OUT or STATUS
    person: Person
    change: StatusChange | None = None


@dataclass(frozen=True)
class NearbyCase:
    case: Case
    distance_m: float


def household_history(household: Household) -> list[HouseholdEvent]:
    """Members' arrivals, departures and status changes while they belonged to `household`,
    newest first."""
    residences = list(
        Residence.objects.filter(household=household).select_related("person").order_by("started_at", "id")
    )
    if not residences:
        return []
    periods: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for residence in residences:
        periods.setdefault(residence.person_id, []).append((residence.started_at, residence.ended_at))
    changes = [
        change
        for change in StatusChange.objects.filter(person_id__in=periods).select_related("person")
        if _during(change.at, periods[change.person_id])
    ]
    closing = {(c.person_id, c.at) for c in changes}
    events = [HouseholdEvent(r.started_at, MOVED_IN, r.person) for r in residences]
    for residence in residences:
        if residence.ended_at is None:
            continue
        if any(
            p == residence.person_id and abs(at - residence.ended_at) <= _SAME_MOMENT for p, at in closing
        ):
            continue
        events.append(HouseholdEvent(residence.ended_at, MOVED_OUT, residence.person))
    events += [HouseholdEvent(c.at, STATUS, c.person, c) for c in changes]
    return sorted(events, key=lambda e: (e.at, e.kind != MOVED_IN), reverse=True)


def _during(moment: datetime, periods: list[tuple[datetime, datetime | None]]) -> bool:
    return any(start <= moment and (end is None or moment <= end + _SAME_MOMENT) for start, end in periods)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _cases_in_box(cases: QuerySet[Case], lon: float, lat: float, radius_m: float) -> QuerySet[Case]:
    """A cheap prefilter: the bounding box of the circle, widened by a metre for rounding."""
    d_lat = (radius_m + 1) / _METRES_PER_DEGREE
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.01)
    return cases.filter(lon__range=(lon - d_lon, lon + d_lon), lat__range=(lat - d_lat, lat + d_lat))


def cases_near(
    user,
    household: Household,
    *,
    radius_m: float = CASE_RADIUS_M,
    now: datetime | None = None,
    limit: int = CASE_LIMIT,
) -> list[NearbyCase]:
    """Cases `user` may see (cases.view) reported within `radius_m` of the household's building in
    the last 12 months, newest first; none when the household has no house."""
    house = household.house
    if house is None:
        return []
    building = house.building
    since = (now or timezone.now()) - CASE_PERIOD
    candidates = _cases_in_box(
        scoped(user, Case.objects.all(), "cases.view"), building.lon, building.lat, radius_m
    ).filter(reported_at__gte=since)
    nearby = []
    for case in candidates.select_related("category").order_by("-reported_at", "-id"):
        distance = distance_m(building.lon, building.lat, case.lon, case.lat)
        if distance <= radius_m:
            nearby.append(NearbyCase(case, distance))
            if len(nearby) >= limit:
                break
    return nearby
