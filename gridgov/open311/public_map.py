"""The public map of reports: a page anyone may open and its GeoJSON feed of public cases.

No names, phones or accounts; free text masked (cases.public decides what is public).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gridgov.cases.models import Case, State
from gridgov.cases.public import public_cases, public_text
from gridgov.open311 import ratelimit
from gridgov.open311.catalog import public_services
from gridgov.open311.jurisdiction import district
from gridgov.open311.reading import status_of, w3c
from gridgov.web.cases.display import state_label

PERIODS = {
    "7": gettext_lazy("Last 7 days"),
    "30": gettext_lazy("Last 30 days"),
    "90": gettext_lazy("Last 90 days"),
}
DEFAULT_PERIOD = "30"
DESCRIPTION_CHARS = 140


def _groups(language: str) -> list[dict]:
    groups: dict[str, dict] = {}
    for category in public_services():
        parent = category.parent
        assert parent is not None
        group = groups.setdefault(parent.code, {"name": parent.name_for(language), "services": []})
        group["services"].append({"code": category.code, "name": category.name_for(language)})
    return list(groups.values())


@require_GET
def page(request: HttpRequest):
    language = get_language() or settings.LANGUAGE_CODE
    unit = district()
    return render(
        request,
        "open311/map.html",
        {
            "groups": _groups(language),
            "periods": PERIODS,
            "default_period": DEFAULT_PERIOD,
            "district_name": unit.name_for(language),
            # The district's boundary is public; with no tile server it is the map's only context.
            "outline": unit.geometry,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "labels": {
                "none": _("No public reports match these filters."),
                "count": _("Reports shown: %(count)s"),
                "capped": _("Showing the newest %(count)s reports."),
                "failed": _("The reports could not be loaded."),
            },
        },
    )


def _filtered(request: HttpRequest):
    cases = public_cases()
    code = (request.GET.get("category") or "").strip()
    if code:
        cases = (
            cases.filter(category__code=code) if len(code) > 2 else cases.filter(category__parent__code=code)
        )
    status = request.GET.get("status")
    if status == "open":
        cases = cases.exclude(state=State.CLOSED)
    elif status == "closed":
        cases = cases.filter(state=State.CLOSED)
    period = request.GET.get("period") or DEFAULT_PERIOD
    days = int(period) if period in PERIODS else int(DEFAULT_PERIOD)
    return cases.filter(reported_at__gte=timezone.now() - timedelta(days=days))


def _feature(case: Case, language: str) -> dict:
    description = public_text(case.description)
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(case.lon, 6), round(case.lat, 6)]},
        "properties": {
            "number": case.number,
            "category": case.category.name_for(language),
            "status": status_of(case),
            "state": case.state,
            "state_label": state_label(case.state),
            "reported": w3c(case.reported_at),
            "description": description,
        },
    }


@require_GET
def cases_geojson(request: HttpRequest) -> JsonResponse:
    """Public cases as a GeoJSON FeatureCollection, newest first, at most OPEN311_MAP_LIMIT."""
    if not ratelimit.allow(f"map:{request.META.get('REMOTE_ADDR', '')}", settings.OPEN311_READS_PER_MINUTE):
        return JsonResponse({"error": _("Too many requests: try again in a minute.")}, status=429)
    language = get_language() or settings.LANGUAGE_CODE
    limit = settings.OPEN311_MAP_LIMIT
    cases = list(
        _filtered(request)
        .select_related("category")
        .only("number", "lon", "lat", "state", "reported_at", "description", "category")
        .order_by("-reported_at", "-id")[: limit + 1]
    )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "capped": len(cases) > limit,
            "features": [_feature(case, language) for case in cases[:limit]],
        },
        json_dumps_params={"ensure_ascii": False},
    )
