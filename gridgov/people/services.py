"""Registry actions: every write of a registry record goes through one of these functions.

Each runs in one transaction, places the record in its grid, keeps the history (residences,
status changes) and writes an audit entry that names the changed fields but never a clear
identifier. Views, the API, imports and commands call these; nothing else saves the models.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.errors import FieldError
from gridgov.people import bulk, pii
from gridgov.people.credit_codes import check_credit_code
from gridgov.people.identity_numbers import IdentifierError, check_id_number
from gridgov.people.models import (
    Building,
    Component,
    House,
    Household,
    HouseUse,
    Organization,
    Person,
    PersonStatus,
    PersonTag,
    Residence,
    StatusChange,
    Tag,
    Tenancy,
)
from gridgov.people.names import pinyin_keys
from gridgov.people.phones import check_mobile
from gridgov.people.placement import PlacementError, grid_for_point


class RegistryError(FieldError):
    """A registry write refused."""


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()  # an identifier argument left out: keep the stored value


def _changed_fields(instance, names: list[str]) -> list[str]:
    if instance.pk is None:
        return sorted(names)
    stored = type(instance).objects.filter(pk=instance.pk).values(*names).first() or {}
    return sorted(n for n in names if stored.get(n) != getattr(instance, n))


def _audit(action: str, instance, *, actor, request, fields: list[str], extra: dict | None = None) -> None:
    record(action, actor=actor, request=request, target=instance, details={"fields": fields, **(extra or {})})


def _place_by_point(instance) -> None:
    try:
        grid = grid_for_point(instance.lon, instance.lat)
    except PlacementError as exc:
        raise RegistryError(exc.field, exc.message, "outside") from None
    instance.grid, instance.org_path = grid, grid.path


def _identifier(check, text: str | None, field: str) -> str:
    if not text:
        return ""
    try:
        return check(text)
    except IdentifierError as exc:
        raise RegistryError(field, str(exc.message), exc.code) from None


# Persons ---------------------------------------------------------------------------------

_PERSON_FIELDS = [
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "residence_type",
    "registered_address",
    "house_id",
    "household_id",
    "relation",
    "grid_id",
    "note",
    "id_verified",
]


def _apply_id_number(person: Person, text: str | None) -> bool:
    """Validate and seal the ID number; derive sex and birth date. True if it changed."""
    if not text:
        changed = bool(person.id_number_index)
        person.id_number_token, person.id_number_index, person.id_number_masked = "", None, ""
        person.id_verified = False
        return changed
    try:
        number = check_id_number(text)
    except IdentifierError as exc:
        raise RegistryError("id_number", str(exc.message), exc.code) from None
    index = pii.index_of(number.number, pii.ID_NUMBER)
    if index == person.id_number_index:
        return False
    if Person.objects.filter(id_number_index=index).exclude(pk=person.pk).exists():
        raise RegistryError(
            "id_number", _("A person with this ID number is already registered."), "duplicate"
        )
    bulk.set_id_number(person, number, index=index)
    return True


def _apply_phone(person: Person, text: str | None) -> bool:
    value = _identifier(check_mobile, text, "phone")
    index = pii.index_of(value, pii.PHONE) if value else ""
    if index == person.phone_index:
        return False
    bulk.set_phone(person, value)
    return True


def _place_person(person: Person) -> None:
    if person.household is not None and not person.house_id:
        person.house_id = person.household.house_id
    if person.house is not None:
        person.grid_id, person.org_path = person.house.grid_id, person.house.org_path
    elif person.grid_id:
        person.org_path = person.grid.path
    else:
        raise RegistryError("grid", _("Give the person's house or grid."), "required")


def _record_residence(person: Person, now) -> None:
    """Close the open residence if the person's place changed, and open the current one."""
    current = Residence.objects.filter(person=person, ended_at__isnull=True).first()
    place = (person.house_id, person.household_id, person.grid_id)
    if current and (current.house_id, current.household_id, current.grid_id) == place:
        return
    if current:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    if person.status == PersonStatus.ACTIVE:
        Residence.objects.create(
            person=person,
            house_id=person.house_id,
            household_id=person.household_id,
            grid_id=person.grid_id,
            org_path=person.org_path,
            started_at=now,
        )


@transaction.atomic
def save_person(
    person: Person, *, actor, request=None, id_number: Any = UNCHANGED, phone: Any = UNCHANGED
) -> Person:
    """Create or update a person. `id_number`/`phone` are raw input ('' or None clears them).

    Raises RegistryError naming the field: a bad or already registered ID number, a bad mobile
    number, no place (neither house nor grid).
    """
    if not (person.name or "").strip():
        raise RegistryError("name", _("Enter the name."), "required")
    person.name = person.name.strip()
    person.name_pinyin, person.name_initials = pinyin_keys(person.name)
    _place_person(person)
    fields = _changed_fields(person, _PERSON_FIELDS)
    if id_number is not UNCHANGED and _apply_id_number(person, id_number):
        fields.append("id_number")
    if phone is not UNCHANGED and _apply_phone(person, phone):
        fields.append("phone")
    creating = person.pk is None
    if not creating:
        person.version += 1
    person.save()
    _record_residence(person, timezone.now())
    if not creating:
        PersonTag.objects.filter(person=person).exclude(org_path=person.org_path).update(
            org_path=person.org_path
        )
    _audit(
        "people.person.create" if creating else "people.person.update",
        person,
        actor=actor,
        request=request,
        fields=fields,
    )
    return person


@transaction.atomic
def change_status(
    person: Person, status: str, *, effective_on: date, reason: str, actor, request=None
) -> StatusChange:
    """Record that a person moved out, died or came back. Raises RegistryError for a missing
    reason or an unchanged status."""
    if status not in PersonStatus.values:
        raise RegistryError("status", _("Choose a valid status."))
    if status == person.status:
        raise RegistryError("status", _("The person already has this status."), "unchanged")
    if not (reason or "").strip():
        raise RegistryError("reason", _("Give the reason for the change."), "required")
    change = StatusChange.objects.create(
        person=person,
        old_status=person.status,
        new_status=status,
        effective_on=effective_on,
        reason=reason.strip()[:200],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    person.status = status
    person.version += 1
    person.save(update_fields=["status", "version", "updated_at"])
    now = timezone.now()
    if status == PersonStatus.ACTIVE:
        _record_residence(person, now)
    else:
        Residence.objects.filter(person=person, ended_at__isnull=True).update(ended_at=now)
    _audit(
        "people.person.status",
        person,
        actor=actor,
        request=request,
        fields=["status"],
        extra={"from": change.old_status, "to": status},
    )
    return change


@transaction.atomic
def add_tag(
    person: Person, tag: Tag, *, actor, request=None, since: date | None = None, note: str = ""
) -> PersonTag:
    person_tag, created = PersonTag.objects.get_or_create(
        person=person,
        tag=tag,
        defaults={"sensitivity": tag.sensitivity, "org_path": person.org_path, "since": since, "note": note},
    )
    if created:
        _audit(
            "people.tag.add", person, actor=actor, request=request, fields=["tags"], extra={"tag": tag.code}
        )
    return person_tag


@transaction.atomic
def remove_tag(person: Person, tag: Tag, *, actor, request=None) -> bool:
    deleted, _rows = PersonTag.objects.filter(person=person, tag=tag).delete()
    if deleted:
        _audit(
            "people.tag.remove",
            person,
            actor=actor,
            request=request,
            fields=["tags"],
            extra={"tag": tag.code},
        )
    return bool(deleted)


# Places ---------------------------------------------------------------------------------


@transaction.atomic
def save_building(building: Building, *, actor, request=None) -> Building:
    """Create or update a building; its grid follows from its point, and its houses (with their
    households and residents) follow the building. Raises RegistryError for a point in no grid."""
    _place_by_point(building)
    if building.pk is not None:
        _check_houses_fit(building)
    if (
        building.external_ref
        and Building.objects.filter(grid_id=building.grid_id, external_ref=building.external_ref)
        .exclude(pk=building.pk)
        .exists()
    ):
        raise RegistryError(
            "external_ref", _("Another building of this grid has this reference number."), "duplicate"
        )
    fields = _changed_fields(
        building, ["name", "address", "kind", "lon", "lat", "floors", "units", "grid_id"]
    )
    creating = building.pk is None
    building.save()
    if not creating and "grid_id" in fields:
        _carry_houses(building)
    _audit(
        "people.building.create" if creating else "people.building.update",
        building,
        actor=actor,
        request=request,
        fields=fields,
    )
    return building


def _check_houses_fit(building: Building) -> None:
    """Refuse fewer floors or units than the building's registered houses use."""
    used = House.objects.filter(building=building).aggregate(floor=Max("floor"), unit=Max("unit"))
    if used["floor"] and building.floors < used["floor"]:
        raise RegistryError(
            "floors",
            _("A registered house is on floor %(n)s; move or delete it first.") % {"n": used["floor"]},
        )
    if used["unit"] and building.units < used["unit"]:
        raise RegistryError(
            "units",
            _("A registered house is in unit %(n)s; move or delete it first.") % {"n": used["unit"]},
        )


def _carry_houses(building: Building) -> None:
    houses = House.objects.filter(building=building)
    houses.update(grid=building.grid, org_path=building.org_path)
    Household.objects.filter(house__building=building).update(grid=building.grid, org_path=building.org_path)
    persons = Person.objects.filter(house__building=building)
    PersonTag.objects.filter(person__in=persons).update(org_path=building.org_path)
    now = timezone.now()
    for person in persons.select_related("grid"):
        person.grid, person.org_path = building.grid, building.org_path
        person.save(update_fields=["grid", "org_path", "updated_at"])
        _record_residence(person, now)


@transaction.atomic
def save_house(house: House, *, actor, request=None) -> House:
    if house.unit < 1 or house.unit > house.building.units:
        raise RegistryError("unit", _("The building has units 1 to %(n)s.") % {"n": house.building.units})
    if house.floor == 0 or house.floor > house.building.floors:
        raise RegistryError("floor", _("The building has floors 1 to %(n)s.") % {"n": house.building.floors})
    duplicate = House.objects.filter(building=house.building, unit=house.unit, number=house.number)
    if duplicate.exclude(pk=house.pk).exists():
        raise RegistryError("number", _("This house number already exists in this unit."), "duplicate")
    house.grid_id, house.org_path = house.building.grid_id, house.building.org_path
    fields = _changed_fields(house, ["building_id", "unit", "floor", "number", "area_m2", "use"])
    creating = house.pk is None
    house.save()
    _audit(
        "people.house.create" if creating else "people.house.update",
        house,
        actor=actor,
        request=request,
        fields=fields,
    )
    return house


@transaction.atomic
def add_tenancy(tenancy: Tenancy, *, actor, request=None) -> Tenancy:
    """Record a tenancy; the house becomes rented. Raises RegistryError for dates in the wrong order."""
    if tenancy.ends_on and tenancy.ends_on < tenancy.starts_on:
        raise RegistryError("ends_on", _("The tenancy cannot end before it starts."))
    if not (tenancy.tenant_name or "").strip():
        raise RegistryError("tenant_name", _("Enter the tenant's name."), "required")
    tenancy.save()
    house = tenancy.house
    if house.use != HouseUse.RENTED:
        house.use = HouseUse.RENTED
        house.save(update_fields=["use", "updated_at"])
    _audit("people.tenancy.add", house, actor=actor, request=request, fields=["tenancies"])
    return tenancy


@transaction.atomic
def save_household(household: Household, *, actor, request=None) -> Household:
    """Create or update a household; it lives in its house's grid. A blank number is generated."""
    if household.house is not None:
        household.grid_id, household.org_path = household.house.grid_id, household.house.org_path
    elif household.grid_id:
        household.org_path = household.grid.path
    else:
        raise RegistryError("house", _("Give the household's house or grid."), "required")
    if household.head is not None and household.head.household_id not in (None, household.pk):
        raise RegistryError("head", _("The head of household must be a member of this household."))
    if not household.number:
        household.number = f"{household.grid.code}-{uuid.uuid4().hex[:8]}"
    elif Household.objects.filter(number=household.number).exclude(pk=household.pk).exists():
        raise RegistryError("number", _("This household number is already in use."), "duplicate")
    fields = _changed_fields(household, ["number", "house_id", "head_id", "grid_id", "is_active"])
    creating = household.pk is None
    household.save()
    if not creating and "house_id" in fields:
        for member in household.members.all():
            member.house_id = household.house_id
            save_person(member, actor=actor, request=request)
    _audit(
        "people.household.create" if creating else "people.household.update",
        household,
        actor=actor,
        request=request,
        fields=fields,
    )
    return household


# Organizations and components -------------------------------------------------------------


@transaction.atomic
def save_organization(
    organization: Organization, *, actor, request=None, contact_phone: Any = UNCHANGED
) -> Organization:
    """Create or update an organization. Raises RegistryError for a bad credit code, a code
    already registered, a bad contact phone or a point in no grid."""
    organization.credit_code = _identifier(check_credit_code, organization.credit_code, "credit_code") or None
    if (
        organization.credit_code
        and Organization.objects.filter(credit_code=organization.credit_code)
        .exclude(pk=organization.pk)
        .exists()
    ):
        raise RegistryError(
            "credit_code", _("An organization with this credit code is already registered."), "duplicate"
        )
    _place_by_point(organization)
    fields = _changed_fields(
        organization,
        [
            "name",
            "kind",
            "credit_code",
            "legal_representative",
            "contact_name",
            "address",
            "lon",
            "lat",
            "building_id",
            "employees",
            "is_active",
            "fire_inspected_on",
            "fire_risk",
            "extinguishers_ok",
            "exits_clear",
            "fire_notes",
            "grid_id",
        ],
    )
    if contact_phone is not UNCHANGED:
        value = _identifier(check_mobile, contact_phone, "contact_phone")
        sealed = pii.seal(value, pii.CONTACT_PHONE)
        if sealed.index != organization.contact_phone_index:
            organization.contact_phone_token = sealed.token
            organization.contact_phone_index = sealed.index
            organization.contact_phone_masked = sealed.masked
            fields.append("contact_phone")
    creating = organization.pk is None
    organization.save()
    _audit(
        "people.organization.create" if creating else "people.organization.update",
        organization,
        actor=actor,
        request=request,
        fields=fields,
    )
    return organization


@transaction.atomic
def save_component(component: Component, *, actor, request=None) -> Component:
    if not (component.code or "").strip():
        raise RegistryError("code", _("Enter the component code."), "required")
    if Component.objects.filter(code=component.code).exclude(pk=component.pk).exists():
        raise RegistryError("code", _("A component with this code already exists."), "duplicate")
    _place_by_point(component)
    fields = _changed_fields(
        component, ["code", "kind", "name", "lon", "lat", "state", "owner", "installed_on", "note", "grid_id"]
    )
    creating = component.pk is None
    component.save()
    _audit(
        "people.component.create" if creating else "people.component.update",
        component,
        actor=actor,
        request=request,
        fields=fields,
    )
    return component
