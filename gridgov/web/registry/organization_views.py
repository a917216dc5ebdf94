"""Organization pages: the list of a unit with its filters, the organization page (contact phone
masked, revealed only through registry:reveal), and the create/edit form."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridgov.access.scope import get_for_user, has_permission, in_scope, scoped
from gridgov.people import services
from gridgov.people.listings import OrganizationFilter, organizations_in
from gridgov.people.models import Building, Organization
from gridgov.people.quality import inspection_overdue
from gridgov.people.reveal import RevealError, reveal, reveals_left
from gridgov.web.permissions import permission_required
from gridgov.web.registry.place_common import (
    EDIT,
    VIEW,
    map_context,
    page_of,
    point_of,
    save_form,
    unit_asked,
)
from gridgov.web.registry.place_forms import OrganizationFilterForm, OrganizationForm

REVEAL = "people.reveal"
REVEAL_STATUS = {"forbidden": 403, "rate_limited": 429}


@permission_required(VIEW)
def organization_list(request):
    unit = unit_asked(request)
    form = OrganizationFilterForm(request.GET or None)
    where = OrganizationFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        where = OrganizationFilter(
            kind=data["kind"], fire_risk=data["fire_risk"], inspection_overdue=data["overdue"], text=data["q"]
        )
    page = page_of(request, organizations_in(request.user, unit, where))
    context = {
        "unit": unit,
        "form": form,
        "page": page,
        "can_add": in_scope(request.user, unit.path, EDIT) if unit else has_permission(request.user, EDIT),
    }
    return render(request, "web/registry/organization_list.html", context)


def _organization(request, pk: int, permission: str = VIEW) -> Organization:
    return get_for_user(
        request.user,
        Organization.objects.select_related("grid", "building"),
        permission,
        request=request,
        pk=pk,
    )


@permission_required(VIEW)
def organization_detail(request, pk: int):
    user = request.user
    organization = _organization(request, pk)
    can_reveal = bool(organization.contact_phone_masked) and in_scope(user, organization.org_path, REVEAL)
    context = {
        "organization": organization,
        "overdue": inspection_overdue(organization),
        "can_edit": in_scope(user, organization.org_path, EDIT),
        "can_reveal": can_reveal,
        "reveals_left": reveals_left(user) if can_reveal else None,
        **map_context(point=point_of(organization)),
    }
    return render(request, "web/registry/organization_detail.html", context)


@require_POST
@never_cache
@permission_required(VIEW)
def organization_reveal(request, pk: int):
    """The organization's contact phone in clear, as a fragment for the page (htmx) — or the refusal:
    400 (no or short reason), 403 (no people.reveal here), 429 (hourly limit used up). people.reveal
    audits every attempt; the answer is never cached."""
    organization = _organization(request, pk)
    context: dict = {"organization": organization}
    status = 200
    try:
        context["value"] = reveal(
            request.user, organization, "contact_phone", request.POST.get("reason", ""), request=request
        )
    except RevealError as error:
        context["error"] = error.message
        status = REVEAL_STATUS.get(error.code, 400)
    context["reveals_left"] = (
        reveals_left(request.user) if in_scope(request.user, organization.org_path, REVEAL) else 0
    )
    # htmx puts the answer into the page; without script it comes as a small page of its own.
    fragment = request.headers.get("HX-Request") == "true"
    template = "web/registry/_reveal_result.html" if fragment else "web/registry/organization_reveal.html"
    return render(request, template, context, status=status)


def _buildings_near(user, organization: Organization | None, building: Building | None):
    """Buildings offered in the form: those of the organization's (or the given building's) grid."""
    grid_id = (
        organization.grid_id if organization and organization.pk else (building.grid_id if building else None)
    )
    if grid_id is None:
        return Building.objects.none()
    return scoped(user, Building.objects.all(), EDIT).filter(grid_id=grid_id).order_by("name")


def _render_form(request, form, organization: Organization | None, status: int = 200):
    context = {"form": form, "organization": organization, **map_context(request.user)}
    return render(request, "web/registry/organization_form.html", context, status=status)


def _save(request, form: OrganizationForm, organization: Organization | None):
    return save_form(
        request,
        form,
        render_form=lambda form, status: _render_form(request, form, organization, status),
        save=lambda record: services.save_organization(
            record, actor=request.user, request=request, contact_phone=form.contact_phone_argument()
        ),
        saved_message=_("Organization saved."),
        detail_url="registry:organization",
    )


@permission_required(EDIT)
def organization_new(request):
    building = None
    building_pk = request.GET.get("building", "")
    if building_pk.isdigit():
        building = get_for_user(
            request.user, Building.objects.all(), EDIT, request=request, pk=int(building_pk)
        )
    buildings = _buildings_near(request.user, None, building)
    if request.method == "POST":
        # The grid of the building chosen on the page, so that the same choices validate.
        chosen = request.POST.get("building", "")
        if chosen.isdigit() and building is None:
            found = scoped(request.user, Building.objects.all(), EDIT).filter(pk=int(chosen)).first()
            buildings = _buildings_near(request.user, None, found)
        return _save(request, OrganizationForm(request.POST, buildings=buildings), None)
    initial = {}
    if building is not None:
        initial = {
            "building": building.pk,
            "address": building.address,
            "lon": round(building.lon, 6),
            "lat": round(building.lat, 6),
        }
    return _render_form(request, OrganizationForm(initial=initial, buildings=buildings), None)


@permission_required(EDIT)
def organization_edit(request, pk: int):
    organization = _organization(request, pk, EDIT)
    buildings = _buildings_near(request.user, organization, None)
    if request.method == "POST":
        form = OrganizationForm(request.POST, instance=organization, buildings=buildings)
        return _save(request, form, organization)
    return _render_form(request, OrganizationForm(instance=organization, buildings=buildings), organization)
