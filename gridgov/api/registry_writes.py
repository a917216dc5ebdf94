"""From a validated API body to a people.services call.

Ids in the body are resolved inside the caller's `people.edit` jurisdiction (another grid's
house answers like a missing one), the service does the write with its own checks, and the
record must end inside that jurisdiction: a building moved by its point to another street is
refused. The views run these in one transaction, so a refusal after the service ran rolls the
write and its audit entry back: nothing changes.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, models
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from gridgov.access.scope import in_scope, scoped
from gridgov.geo.models import Level, OrgUnit
from gridgov.people import services
from gridgov.people.models import Building, Component, House, Household, Organization, Person, Tenancy

EDIT = "people.edit"
VERIFY_ID = "people.verify_id"
POINT_FIELDS = ("lon", "lat")

M = TypeVar("M", bound=models.Model)


def refused(fields: tuple[str, ...] | str, message: str) -> ValidationError:
    names = (fields,) if isinstance(fields, str) else fields
    return ValidationError({name: [message] for name in names})


def in_jurisdiction(user, model: type[M], pk: int, field: str) -> M:
    """The record `pk` of `model` the user may edit; a 400 naming `field` otherwise."""
    found = scoped(user, model._default_manager.all(), EDIT).filter(pk=pk).first()
    if found is None:
        raise refused(
            field,
            _("No %(record)s of your jurisdiction has the id %(id)s.")
            % {"record": model._meta.verbose_name, "id": pk},
        )
    return found


def optional_in_jurisdiction(user, model: type[M], pk: int | None, field: str) -> M | None:
    """As in_jurisdiction, and None (the reference cleared) for None."""
    return None if pk is None else in_jurisdiction(user, model, pk, field)


def grid_in_jurisdiction(user, code: str, field: str = "grid") -> OrgUnit:
    grid = OrgUnit.objects.filter(code=code, level=Level.GRID, is_active=True).first()
    if grid is None or not in_scope(user, grid.path, EDIT):
        raise refused(field, _("No grid of your jurisdiction has this code."))
    return grid


def must_stay_in_jurisdiction(user, record, fields: tuple[str, ...]) -> None:
    if not in_scope(user, record.org_path, EDIT):
        raise refused(fields, _("This would place the record outside your jurisdiction."))


def _assign(record, data: dict[str, Any], names: list[str]) -> None:
    for name in names:
        if name in data:
            setattr(record, name, data[name])


def write_person(person: Person, data: dict[str, Any], *, user, request) -> Person:
    """Create or update a person. Raises ValidationError or services.RegistryError."""
    _assign(person, data, ["name", "ethnicity", "residence_type", "registered_address", "relation", "note"])
    if "house" in data:
        person.house = optional_in_jurisdiction(user, House, data["house"], "house")
    if "household" in data:
        person.household = optional_in_jurisdiction(user, Household, data["household"], "household")
    if data.get("grid") is not None:  # null leaves the grid to the house
        person.grid = grid_in_jurisdiction(user, data["grid"])
    verified_before = person.id_verified
    _assign(person, data, ["id_verified"])
    services.save_person(
        person,
        actor=user,
        request=request,
        id_number=data.get("id_number", services.UNCHANGED),
        phone=data.get("phone", services.UNCHANGED),
    )
    must_stay_in_jurisdiction(user, person, ("house", "household", "grid"))
    verifying = "id_verified" in data and data["id_verified"] != verified_before
    if verifying and not in_scope(user, person.org_path, VERIFY_ID):
        raise refused("id_verified", _("You may not mark ID numbers as checked."))
    return person


def write_household(household: Household, data: dict[str, Any], *, user, request) -> Household:
    _assign(household, data, ["number", "is_active"])
    if "house" in data:
        household.house = optional_in_jurisdiction(user, House, data["house"], "house")
    if "head" in data:
        household.head = optional_in_jurisdiction(user, Person, data["head"], "head")
    if data.get("grid") is not None:
        household.grid = grid_in_jurisdiction(user, data["grid"])
    services.save_household(household, actor=user, request=request)
    must_stay_in_jurisdiction(user, household, ("house", "grid"))
    return household


def write_building(building: Building, data: dict[str, Any], *, user, request) -> Building:
    _assign(building, data, ["name", "address", "kind", "lon", "lat", "floors", "units", "external_ref"])
    try:
        services.save_building(building, actor=user, request=request)
    except IntegrityError:
        # The only unique rule save_building does not check itself: a reference per grid.
        raise refused("external_ref", _("Another building of this grid has this reference.")) from None
    must_stay_in_jurisdiction(user, building, POINT_FIELDS)
    return building


def write_house(house: House, data: dict[str, Any], *, user, request) -> House:
    _assign(house, data, ["unit", "floor", "number", "area_m2", "use"])
    if "building" in data:
        house.building = in_jurisdiction(user, Building, data["building"], "building")
    services.save_house(house, actor=user, request=request)
    must_stay_in_jurisdiction(user, house, ("building",))
    return house


def write_organization(organization: Organization, data: dict[str, Any], *, user, request) -> Organization:
    _assign(
        organization,
        data,
        [
            "name",
            "kind",
            "credit_code",
            "legal_representative",
            "contact_name",
            "address",
            "lon",
            "lat",
            "employees",
            "is_active",
            "fire_inspected_on",
            "fire_risk",
            "extinguishers_ok",
            "exits_clear",
            "fire_notes",
        ],
    )
    if "building" in data:
        organization.building = optional_in_jurisdiction(user, Building, data["building"], "building")
    services.save_organization(
        organization,
        actor=user,
        request=request,
        contact_phone=data.get("contact_phone", services.UNCHANGED),
    )
    must_stay_in_jurisdiction(user, organization, POINT_FIELDS)
    return organization


def write_component(component: Component, data: dict[str, Any], *, user, request) -> Component:
    _assign(component, data, ["code", "kind", "name", "lon", "lat", "state", "owner", "installed_on", "note"])
    services.save_component(component, actor=user, request=request)
    must_stay_in_jurisdiction(user, component, POINT_FIELDS)
    return component


def write_tenancy(house: House, data: dict[str, Any], *, user, request) -> Tenancy:
    tenancy = Tenancy(house=house)
    _assign(tenancy, data, ["tenant_name", "landlord_name", "starts_on", "ends_on", "note"])
    if data.get("tenant") is not None:
        tenancy.tenant = in_jurisdiction(user, Person, data["tenant"], "tenant")
    return services.add_tenancy(tenancy, actor=user, request=request)
