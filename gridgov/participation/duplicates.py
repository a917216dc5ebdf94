"""\"The same problem?\": open cases of the same kind near a new report.

A bounding box on the indexed columns narrows the rows, then the haversine distance decides
(at 50 m any formula would do; haversine costs nothing). "Same kind" means the same top-level
category: residents often pick a different sub-category for the same pothole, and the offer
only asks — it merges nothing. Cases of exactly the same category come first, then the nearest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gridgov.cases.models import Case, Category
from gridgov.cases.public import public_cases
from gridgov.cases.states import OPEN_STATES
from gridgov.geo import crs as coordinates

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
LIMIT = 10


@dataclass(frozen=True)
class Nearby:
    case: Case
    distance_m: float
    same_category: bool


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _top(category: Category) -> Category:
    return category.parent if category.parent is not None else category


def nearby_open_cases(
    category: Category | str,
    lon: float,
    lat: float,
    crs: str = coordinates.WGS84,
    *,
    exclude_user=None,
    exclude_case: Case | None = None,
    public_only: bool = False,
    radius_m: float | None = None,
    days: int | None = None,
) -> list[Nearby]:
    """Open cases within settings.PARTICIPATION_DUPLICATE_RADIUS_M of (lon, lat) in `crs`, reported
    in the last settings.PARTICIPATION_DUPLICATE_DAYS, of the same top-level category.

    `exclude_user`: leave out the cases this user reported; `exclude_case`: the case being looked
    at (the staff page); `public_only`: only cases the public may see (what residents are offered).
    Bad coordinates or an unknown category give no cases.
    """
    if isinstance(category, str):
        found_category = Category.objects.select_related("parent").filter(code=category).first()
        if found_category is None:
            return []
        category = found_category
    try:
        lon, lat = coordinates.to_wgs84(float(lon), float(lat), crs)
    except (TypeError, ValueError):
        return []
    radius = float(settings.PARTICIPATION_DUPLICATE_RADIUS_M if radius_m is None else radius_m)
    since = timezone.now() - timedelta(days=settings.PARTICIPATION_DUPLICATE_DAYS if days is None else days)
    dlat = radius / METRES_PER_DEGREE
    dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    top = _top(category)
    cases = (public_cases() if public_only else Case.objects.all()).filter(
        Q(category=top) | Q(category__parent=top),
        state__in=sorted(OPEN_STATES),
        reported_at__gte=since,
        lon__range=(lon - dlon, lon + dlon),
        lat__range=(lat - dlat, lat + dlat),
    )
    if exclude_user is not None and getattr(exclude_user, "pk", None):
        cases = cases.exclude(reporter=exclude_user)
    if exclude_case is not None:
        cases = cases.exclude(pk=exclude_case.pk)
    found = []
    for case in cases.select_related("category", "category__parent"):
        distance = haversine_m(lon, lat, case.lon, case.lat)
        if distance <= radius:
            found.append(Nearby(case, distance, case.category_id == category.pk))
    found.sort(key=lambda n: (not n.same_category, n.distance_m, -n.case.reported_at.timestamp()))
    return found[:LIMIT]
