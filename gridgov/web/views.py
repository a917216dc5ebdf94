"""Pages: home, map, org units and their topology check. Thin: access through access.scope,
queries in geo.queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from gridgov.access.roles import Role
from gridgov.access.scope import get_for_user, has_permission, in_scope, roles_of
from gridgov.geo import queries as units
from gridgov.geo import topology
from gridgov.geo.models import Level, OrgUnit
from gridgov.web.identity import memberships_of, posts_of
from gridgov.web.permissions import permission_required
from gridgov.web.registry.unit_figures import registry_card

GEOJSON_URL = "/api/v1/geojson/"
CHECK_TOPOLOGY = "geo.check_topology"

# In the order the summary and the table list them.
PROBLEM_LABELS = {
    topology.OVERLAP: gettext_lazy("Overlap"),
    topology.GAP: gettext_lazy("Gap"),
    topology.OUTSIDE: gettext_lazy("Outside the parent"),
}


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
        # in_scope rather than has_permission: the button must not lead to a 404.
        "can_check_topology": not unit.is_grid and in_scope(user, unit.path, CHECK_TOPOLOGY),
        "language": get_language(),
        "registry": registry_card(user, unit),
    }
    return render(request, "web/unit_detail.html", context)


@dataclass(frozen=True)
class ProblemRow:
    kind: str
    label: str
    units: list[tuple[str, OrgUnit | None]]  # (code, the unit when the viewer may open its page)
    lon: float
    lat: float
    area_m2: float

    @property
    def area_text(self) -> str:
        # Grouped by thousands in every language: the zh-hans locale format has no separator,
        # and six-digit square metres are hard to read without one. Both locales use "." decimals.
        return f"{self.area_m2:,.1f}"


def _problem_rows(user, problems: list[topology.Problem]) -> list[ProblemRow]:
    """Problems ready for the table. Units the user may not see keep their bare code: no name, no link."""
    codes = {code for problem in problems for code in problem.codes}
    visible = {u.code: u for u in units.visible_units(user).filter(code__in=codes)} if codes else {}
    order = list(PROBLEM_LABELS)
    return [
        ProblemRow(
            kind=problem.kind,
            label=str(PROBLEM_LABELS[problem.kind]),
            units=[(code, visible.get(code)) for code in problem.codes],
            lon=problem.location[0],
            lat=problem.location[1],
            area_m2=problem.area_m2,
        )
        for problem in sorted(problems, key=lambda p: (order.index(p.kind), p.codes, -p.area_m2))
    ]


@permission_required(CHECK_TOPOLOGY)
def unit_topology(request, code: str):
    user = request.user
    unit = get_for_user(user, OrgUnit.objects.active(), CHECK_TOPOLOGY, request=request, code=code)
    context = {"unit": unit, "ancestors": units.in_scope_ancestors(user, unit), "language": get_language()}
    if not unit.is_grid:
        problems = topology.check_children(unit)
        by_kind = Counter(problem.kind for problem in problems)
        children = unit.children.active()
        context |= {
            "checked": children.filter(geometry__isnull=False).count(),
            "without_boundary": children.filter(geometry__isnull=True).count(),
            "counts": [(label, by_kind[kind]) for kind, label in PROBLEM_LABELS.items() if by_kind[kind]],
            "rows": _problem_rows(user, problems),
        }
    return render(request, "web/unit_topology.html", context)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the Django admin's, for one)."""
    return redirect(static("web/favicon.svg"), permanent=True)
