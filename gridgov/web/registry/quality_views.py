"""The data-quality view of a unit: per grid (per street for a district), how many records lack
what the registry needs, each count linking to the list of those records."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from gridgov.access.scope import jurisdiction_paths
from gridgov.geo import queries as units
from gridgov.geo.models import OrgUnit
from gridgov.people.models import Building, Component, House, Household, Organization, Person
from gridgov.people.quality import CHECKS, CHECKS_BY_KEY, failing, quality_table
from gridgov.web.permissions import permission_required
from gridgov.web.registry.place_common import VIEW, page_of, unit_asked

# What each list shows with its rows, loaded in the list's one query.
RELATED = {
    Person: ("grid", "house__building"),
    Household: ("grid", "house__building"),
    House: ("grid", "building"),
    Building: ("grid",),
    Organization: ("grid",),
    Component: ("grid",),
}


def _roots(user) -> list[OrgUnit]:
    """The top units of the user's people.view jurisdiction (a grid worker may serve two grids)."""
    return list(OrgUnit.objects.active().filter(path__in=jurisdiction_paths(user, VIEW)).order_by("path"))


@permission_required(VIEW)
def quality(request):
    unit = unit_asked(request)
    roots = _roots(request.user)
    if unit is None:
        if not roots:
            raise Http404
        return redirect(reverse("registry:quality") + "?" + urlencode({"unit": roots[0].code}))
    table = quality_table(request.user, unit)
    context = {
        "unit": unit,
        "ancestors": units.in_scope_ancestors(request.user, unit),
        "roots": roots if len(roots) > 1 else [],
        "checks": CHECKS,
        "summary": list(zip(CHECKS, table.totals, strict=True)),
        "rows": [(row, list(zip(CHECKS, counts, strict=True))) for row, counts in table.rows],
    }
    return render(request, "web/registry/quality.html", context)


@permission_required(VIEW)
def quality_list(request):
    unit = unit_asked(request)
    check = CHECKS_BY_KEY.get(request.GET.get("check", ""))
    if unit is None or check is None:
        raise Http404
    records = (
        failing(request.user, check, unit).select_related(*RELATED[check.model]).order_by("org_path", "pk")
    )
    context = {
        "unit": unit,
        "check": check,
        "page": page_of(request, records),
        "kind": check.kind,
    }
    return render(request, "web/registry/quality_list.html", context)
