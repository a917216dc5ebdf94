"""Pages: home, map and org units. Thin: access through access.scope, queries in web.units."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gridgov.access.roles import Role
from gridgov.access.scope import get_for_user, has_permission, roles_of
from gridgov.geo import queries as units
from gridgov.geo.models import Level, OrgUnit
from gridgov.web.identity import memberships_of, posts_of
from gridgov.web.permissions import permission_required

GEOJSON_URL = "/api/v1/geojson/"


def _with_grid_counts(user, parent, children):
    counts = units.grid_counts_below(user, parent, children)
    return [(child, counts.get(child.path, 0)) for child in children]


@login_required
def home(request):
    user = request.user
    language = get_language()
    can_view_units = has_permission(user, units.VIEW_UNITS)
    roles = roles_of(user)
    memberships = memberships_of(user)
    roots = list(units.jurisdiction_roots(user)) if can_view_units else []
    # Counting streets and communities means nothing to someone whose jurisdiction is one grid.
    show_summary = any(not root.is_grid for root in roots)
    context = {
        "posts": posts_of(user),
        "summary": units.summarize(user) if show_summary else None,
        "roots": roots,
        "can_view_units": can_view_units,
        "is_auditor": Role.AUDITOR in roles,
        "can_view_log": has_permission(user, "audit.view_log"),
        "can_use_token": has_permission(user, "api.use_token"),
        "resident_units": [
            (m.org_unit, units.in_scope_ancestors(user, m.org_unit))
            for m in memberships
            if m.role == Role.RESIDENT and m.org_unit_id
        ],
        "departments": [
            m.department for m in memberships if m.role == Role.DEPARTMENT_HANDLER and m.department_id
        ],
        "language": language,
    }
    return render(request, "web/home.html", context)


@permission_required(units.VIEW_UNITS)
def map_view(request):
    context = {
        "geojson_url": GEOJSON_URL,
        "focus": request.GET.get("unit", "")[:15],
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_labels": {
            "levels": {str(level.value): str(level.label) for level in Level},
            "jurisdiction": _("Jurisdiction"),
            "children": _("sub-units"),
            "open": _("Open the unit page"),
            "area": _("Area"),
            "km2": _("km²"),
            "empty": _("No units to show here."),
            "error": _("The map data could not be loaded."),
            "loading": _("Loading…"),
        },
    }
    return render(request, "web/map.html", context)


@permission_required(units.VIEW_UNITS)
def unit_list(request):
    roots = list(units.jurisdiction_roots(request.user))
    context = {
        "rows": _with_grid_counts(request.user, None, roots),
        "language": get_language(),
    }
    return render(request, "web/unit_list.html", context)


@permission_required(units.VIEW_UNITS)
def unit_detail(request, code: str):
    user = request.user
    unit = get_for_user(user, OrgUnit.objects.active(), units.VIEW_UNITS, request=request, code=code)
    children = units.children_of(user, unit)
    can_view_staff = has_permission(user, "geo.view_staff")
    context = {
        "unit": unit,
        "ancestors": units.in_scope_ancestors(user, unit),
        "rows": _with_grid_counts(user, unit, children),
        "staff": units.staff_of(unit) if can_view_staff else None,
        "language": get_language(),
    }
    return render(request, "web/unit_detail.html", context)
