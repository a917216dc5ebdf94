"""Building and house pages: the building list of a unit, the building view (floors × units
matrix), the house page, and the forms for buildings, houses and tenancies.

Thin: reads through people.listings / people.building_matrix and access.scope, writes through
people.services; a point outside the writer's jurisdiction is refused (place_common).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridgov.access.scope import get_for_user, has_permission, in_scope, scoped
from gridgov.people import services
from gridgov.people.building_matrix import building_matrix
from gridgov.people.listings import buildings_in, households_in, houses_in
from gridgov.people.models import (
    Building,
    House,
    Household,
    HouseUse,
    Organization,
    Person,
    PersonStatus,
    Tenancy,
)
from gridgov.people.services import RegistryError
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
from gridgov.web.registry.place_forms import (
    BuildingFilterForm,
    BuildingForm,
    HouseForm,
    TenancyForm,
    add_service_error,
)
from gridgov.web.templatetags.registry_places import USE_LETTERS


def _use_legend(by_use: dict[str, int] | None = None) -> list[dict]:
    """The legend of the building view: colour class, letter and label of each use (with counts)."""
    return [
        {"use": use.value, "label": use.label, "letter": str(letter), "count": (by_use or {}).get(use.value)}
        for use, letter in USE_LETTERS.items()
    ]


# --- Lists -------------------------------------------------------------------------------------


@permission_required(VIEW)
def building_list(request):
    unit = unit_asked(request)
    form = BuildingFilterForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    page = page_of(request, buildings_in(request.user, unit, text=text))
    context = {
        "unit": unit,
        "form": form,
        "page": page,
        "can_add": in_scope(request.user, unit.path, EDIT) if unit else has_permission(request.user, EDIT),
    }
    return render(request, "web/registry/building_list.html", context)


@permission_required(VIEW)
def house_list(request):
    unit = unit_asked(request)
    use = request.GET.get("use", "")
    if use not in HouseUse.values:
        use = ""
    page = page_of(request, houses_in(request.user, unit, use=use))
    context = {"unit": unit, "use": use, "uses": HouseUse.choices, "page": page, "legend": _use_legend()}
    return render(request, "web/registry/house_list.html", context)


@permission_required(VIEW)
def household_list(request):
    unit = unit_asked(request)
    page = page_of(request, households_in(request.user, unit))
    return render(request, "web/registry/household_list.html", {"unit": unit, "page": page})


# --- The building view -------------------------------------------------------------------------


def _building(request, pk: int, permission: str = VIEW) -> Building:
    return get_for_user(
        request.user, Building.objects.select_related("grid"), permission, request=request, pk=pk
    )


@permission_required(VIEW)
def building_detail(request, pk: int):
    user = request.user
    building = _building(request, pk)
    matrix = building_matrix(user, building)
    organizations = list(
        scoped(user, Organization.objects.filter(building=building), VIEW)
        .only("pk", "name", "kind", "is_active")
        .order_by("name")
    )
    context = {
        "building": building,
        "matrix": matrix,
        "legend": _use_legend(matrix.by_use),
        "organizations": organizations,
        "can_edit": in_scope(user, building.org_path, EDIT),
        **map_context(point=point_of(building)),
    }
    return render(request, "web/registry/building_detail.html", context)


def _render_building_form(request, form, building: Building | None, status: int = 200):
    context = {"form": form, "building": building, **map_context(request.user)}
    return render(request, "web/registry/building_form.html", context, status=status)


def _save_building(request, form: BuildingForm, building: Building | None):
    return save_form(
        request,
        form,
        render_form=lambda form, status: _render_building_form(request, form, building, status),
        save=lambda record: services.save_building(record, actor=request.user, request=request),
        saved_message=_("Building saved."),
        detail_url="registry:building",
    )


@permission_required(EDIT)
def building_new(request):
    if request.method == "POST":
        return _save_building(request, BuildingForm(request.POST), None)
    return _render_building_form(request, BuildingForm(), None)


@permission_required(EDIT)
def building_edit(request, pk: int):
    building = _building(request, pk, EDIT)
    if request.method == "POST":
        return _save_building(request, BuildingForm(request.POST, instance=building), building)
    return _render_building_form(request, BuildingForm(instance=building), building)


# --- Houses ------------------------------------------------------------------------------------


def _house(request, pk: int, permission: str = VIEW) -> House:
    return get_for_user(
        request.user, House.objects.select_related("building", "grid"), permission, request=request, pk=pk
    )


def _active_residents(user, house: House):
    return (
        scoped(user, Person.objects.all(), VIEW)
        .filter(house=house, status=PersonStatus.ACTIVE)
        .order_by("name", "pk")
    )


@permission_required(VIEW)
def house_detail(request, pk: int):
    user = request.user
    house = _house(request, pk)
    households = (
        scoped(user, Household.objects.all(), VIEW).filter(house=house).order_by("-is_active", "number")
    )
    context = {
        "house": house,
        "building": house.building,
        "households": list(households),
        "residents": list(_active_residents(user, house).only("pk", "name", "relation", "household_id")),
        "tenancies": list(
            Tenancy.objects.filter(house=house).select_related("tenant").order_by("-starts_on")
        ),
        "can_edit": in_scope(user, house.org_path, EDIT),
    }
    return render(request, "web/registry/house_detail.html", context)


def _render_house_form(request, form, building: Building, house: House | None, status: int = 200):
    context = {"form": form, "building": building, "house": house}
    return render(request, "web/registry/house_form.html", context, status=status)


def _save_house(request, form: HouseForm, building: Building, house: House | None):
    form.instance.building = building
    return save_form(
        request,
        form,
        render_form=lambda form, status: _render_house_form(request, form, building, house, status),
        save=lambda record: services.save_house(record, actor=request.user, request=request),
        saved_message=_("House saved."),
        detail_url="registry:house",
    )


@permission_required(EDIT)
def house_new(request, pk: int):
    building = _building(request, pk, EDIT)
    initial = {"unit": request.GET.get("unit", 1), "floor": request.GET.get("floor", 1)}
    if request.method == "POST":
        return _save_house(request, HouseForm(request.POST), building, None)
    return _render_house_form(request, HouseForm(initial=initial), building, None)


@permission_required(EDIT)
def house_edit(request, pk: int):
    house = _house(request, pk, EDIT)
    if request.method == "POST":
        return _save_house(request, HouseForm(request.POST, instance=house), house.building, house)
    return _render_house_form(request, HouseForm(instance=house), house.building, house)


@permission_required(EDIT)
def tenancy_new(request, pk: int):
    house = _house(request, pk, EDIT)
    residents = _active_residents(request.user, house)
    status = 200
    if request.method == "POST":
        form = TenancyForm(request.POST, residents=residents)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            tenancy = Tenancy(
                house=house,
                tenant=data["tenant"],
                tenant_name=data["tenant_name"],
                landlord_name=data["landlord_name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
            try:
                services.add_tenancy(tenancy, actor=request.user, request=request)
            except RegistryError as error:
                add_service_error(form, error.field, error.message)
            else:
                messages.success(request, _("Tenancy recorded; the house is marked as rented."))
                return redirect("registry:house", pk=house.pk)
    else:
        form = TenancyForm(residents=residents)
    context = {"form": form, "house": house, "building": house.building}
    return render(request, "web/registry/tenancy_form.html", context, status=status)
