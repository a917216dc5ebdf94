"""Cockpit pages: the dashboard, the wall view, the map layers, the drill-down list, exports.

Thin: figures come from gridgov.analytics.cockpit / heatmap / hotspots, every list through
`cockpit.drill_cases` (the user's visible cases inside the cockpit's scope). GET views read
from the read replica when one is configured.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gridgov.analytics import cockpit as figures
from gridgov.analytics.exports import Link, xlsx_response
from gridgov.analytics.heatmap import Period, grid_choropleth, hexagons
from gridgov.analytics.hotspots import Hotspot, find_hotspots, min_cases, window_days
from gridgov.analytics.monthly_pdf import monthly_report
from gridgov.analytics.routers import reads_from_replica
from gridgov.cases.models import Category
from gridgov.web.cases.display import STATE_TONES, time_status
from gridgov.web.permissions import permission_required

PERMISSION = figures.PERMISSION
PAGE_SIZE = 50
WALL_REFRESH_SECONDS = 60


def _area(request) -> str:
    area = (request.GET.get("area") or "").strip()
    return area if area.isdigit() and len(area) in (6, 9, 12, 15) else ""


def _period(request) -> Period:
    default = Period.default()

    def day(key: str, fallback: date) -> date:
        try:
            return date.fromisoformat(request.GET.get(key, ""))
        except ValueError:
            return fallback

    cat = request.GET.get("cat", "")
    return Period(day("from", default.start), day("to", default.end), int(cat) if cat.isdigit() else None)


def _table_sheet(table: figures.Table) -> tuple[str, list[str], list[list]]:
    """A cockpit block as a sheet: each figure opens the cases its chart and table open."""
    rows = [[label, *(Link(c.value, c.url) for c in cells)] for label, cells in table.rows]
    return table.title, table.columns, rows


def _hotspot_sheet(spots: list[Hotspot]) -> tuple[str, list[str], list[list]]:
    return (
        _("Hotspots"),
        [_("Category"), _("H3 cell"), _("Cases"), _("Last report"), _("Latitude"), _("Longitude")],
        [
            [
                s.category,
                s.cell,
                Link(s.count, s.url),
                timezone.localtime(s.last_reported).strftime("%Y-%m-%d %H:%M") if s.last_reported else "",
                round(s.lat, 6),
                round(s.lon, 6),
            ]
            for s in spots
        ],
    )


def _context(request, *, wall: bool) -> dict | HttpResponse:
    area = _area(request)
    cockpit = figures.build_cockpit(request.user, area=area)
    spots = find_hotspots(request.user, area=area, today=cockpit.today)
    if request.GET.get("format") == "xlsx":
        key = request.GET.get("table", "")
        sheets = [_table_sheet(t) for t in cockpit.tables if not key or t.key == key]
        if not key or key == "hotspots":
            sheets.append(_hotspot_sheet(spots))
        if key and not sheets:
            raise Http404
        sheets = (
            [("KPI", [_("Figure"), _("Value")], [[t.label, Link(t.value, t.url)] for t in cockpit.tiles])]
            if not key
            else []
        ) + sheets
        return xlsx_response(request, sheets, f"cockpit-{key or 'all'}-{cockpit.today.isoformat()}.xlsx")
    period = Period.default(cockpit.today)
    language = get_language()
    return {
        "cockpit": cockpit,
        "charts": [t.chart_data() for t in cockpit.tables],
        "hotspots": spots,
        "hotspot_rule": {"minimum": min_cases(), "days": window_days()},
        "area": area,
        "units": figures.unit_choices(request.user),
        "period": period,
        "categories": [
            (c.pk, c.name_for(language))
            for c in Category.objects.filter(parent__isnull=True, is_active=True).order_by("code")
        ],
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "wall": wall,
        "refresh_seconds": WALL_REFRESH_SECONDS,
        "month": cockpit.today.strftime("%Y-%m"),
    }


@permission_required(PERMISSION)
@reads_from_replica
def cockpit_page(request):
    context = _context(request, wall=False)
    if isinstance(context, HttpResponse):
        return context
    return render(request, "analytics/cockpit.html", context)


@permission_required(PERMISSION)
@reads_from_replica
def wall(request):
    context = _context(request, wall=True)
    if isinstance(context, HttpResponse):
        return context
    return render(request, "analytics/wall.html", context)


@permission_required(PERMISSION)
@reads_from_replica
def hexagons_json(request):
    res = 7 if request.GET.get("res") == "7" else 9
    return JsonResponse(hexagons(request.user, _period(request), resolution=res, area=_area(request)))


@permission_required(PERMISSION)
@reads_from_replica
def grids_json(request):
    return JsonResponse(grid_choropleth(request.user, _period(request), area=_area(request)))


@permission_required(PERMISSION)
@reads_from_replica
def case_list(request):
    drill = figures.Drill.parse(request.GET)
    cases = figures.drill_cases(request.user, drill).order_by("-reported_at", "-id")
    if request.GET.get("format") == "xlsx":
        language = get_language()
        rows = [
            [
                Link(c.number, reverse("cases:detail", args=[c.number])),
                c.category.name_for(language),
                c.grid.name_for(language) if c.grid_id else "",
                c.get_state_display(),
                timezone.localtime(c.reported_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(c.closed_at).strftime("%Y-%m-%d %H:%M") if c.closed_at else "",
            ]
            for c in cases.select_related("category", "grid")[:50000]
        ]
        header = [_("Number"), _("Category"), _("Grid"), _("State"), _("Reported"), _("Closed")]
        return xlsx_response(request, [(_("Cases"), header, rows)], "cockpit-cases.xlsx")
    page = Paginator(cases.select_related("category", "grid"), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "page": page,
        "rows": [(case, time_status(case, now)) for case in page],
        "state_tones": STATE_TONES,
        "language": get_language(),
        "filters": drill.params(),
        "measure": drill.m,
        "query": request.GET.urlencode(),
    }
    return render(request, "analytics/cases.html", context)


@permission_required(PERMISSION)
@reads_from_replica
def monthly_pdf(request, year: int, month: int):
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    area = _area(request)
    pdf = monthly_report(request.user, year, month, area=area)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cockpit-{year}-{month:02d}.pdf"'
    return response
