"""What the place, organization, component and quality pages share: the unit a list is asked
for, writes kept inside the writer's jurisdiction, pagination and the map settings."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from gridgov.access.scope import get_for_user, in_scope
from gridgov.geo import queries as units
from gridgov.geo.models import OrgUnit
from gridgov.people.services import RegistryError
from gridgov.web.registry.place_forms import add_service_error

VIEW = "people.view"
EDIT = "people.edit"
PAGE_SIZE = 50


def unit_asked(request, permission: str = VIEW) -> OrgUnit | None:
    """The unit named by ?unit=<code>, which must be in the user's jurisdiction for `permission`
    (404 otherwise, as for a missing unit); None when no unit is asked for."""
    code = request.GET.get("unit", "").strip()
    if not code:
        return None
    if not (code.isdigit() and len(code) <= 15):
        raise Http404
    return get_for_user(request.user, OrgUnit.objects.active(), permission, request=request, code=code)


def page_of(request, queryset) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def save_in_jurisdiction(user, record, save: Callable[[], object], *, field: str = "location") -> None:
    """Run `save` (a people.services action on `record`) and keep it only if the record lands in
    the user's people.edit jurisdiction: a point elsewhere raises RegistryError naming `field`,
    and nothing is written. A record placed by its point can leave the jurisdiction only this way."""
    creating = record.pk is None
    try:
        with transaction.atomic():
            save()
            if not in_scope(user, record.org_path, EDIT):
                raise RegistryError(
                    field, _("This place lies outside your jurisdiction."), "outside_jurisdiction"
                )
    except RegistryError:
        if creating:  # the rolled-back insert left its id on the object: the form must stay a "new" one
            record.pk = None
            record._state.adding = True
        raise


def save_form(
    request,
    form,
    *,
    render_form: Callable[[object, int], HttpResponse],
    save: Callable[[object], object],
    saved_message: str,
    detail_url: str,
) -> HttpResponse:
    """The POST half of a record form: validate, run `save(record)` (a people.services action)
    inside the writer's jurisdiction, then go to the record's page; a refusal comes back as a
    field error on the form (400), nothing saved."""
    if not form.is_valid():
        return render_form(form, 400)
    record = form.instance
    try:
        save_in_jurisdiction(request.user, record, lambda: save(record))
    except RegistryError as error:
        add_service_error(form, error.field, error.message)
        return render_form(form, 400)
    messages.success(request, saved_message)
    return redirect(detail_url, pk=record.pk)


def map_context(user=None, point: dict | None = None) -> dict:
    """The map settings of the pages with a small map (`point`) or a location picker (`user`:
    the outlines of the user's jurisdiction are drawn under it)."""
    roots = units.jurisdiction_roots(user).only("geometry") if user is not None else []
    outlines = [unit.geometry for unit in roots if unit.geometry]
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "outlines": outlines,
        "point": point,
    }


def point_of(record) -> dict:
    """The point of a building, organization or component with its grid's outline, for the small map."""
    return {"lon": record.lon, "lat": record.lat, "grid": record.grid.geometry}
