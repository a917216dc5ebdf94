"""What the registry endpoints accept: shapes and types only.

Lengths and choices come from the models; references to other records are plain ids (or a grid
code) that gridgov.api.registry_writes resolves inside the caller's jurisdiction; the business
rules (a valid ID number, a point inside a grid, a house number free in its unit) are
people.services', which name the field themselves. Uniqueness is left to the services too, so
that a duplicate is refused with the same message on every path.
"""

from __future__ import annotations

from rest_framework import serializers

from gridgov.api.json_fields import (
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
    StrictModelSerializer,
    StrictSlugField,
)
from gridgov.people.models import Building, Component, House, Household, Organization, Person, PersonStatus

_LARGEST_ID = 2**53  # ids clients may send; far above any real row, inside every integer type


def record_id(**kwargs) -> serializers.IntegerField:
    return StrictIntegerField(min_value=1, max_value=_LARGEST_ID, **kwargs)


def _identifier(help_text: str) -> serializers.CharField:
    return StrictCharField(
        max_length=40,
        required=False,
        allow_blank=True,
        allow_null=True,
        write_only=True,
        help_text=help_text + " Write-only: answers show the masked form; '' or null clears it.",
    )


def _version() -> serializers.IntegerField:
    return StrictIntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version you read (or send If-Match); a person changed since answers 409.",
    )


def _unchecked_uniques(*names: str) -> dict:
    # The services check uniqueness (with their own message); the serializer's query would repeat it.
    return {name: {"validators": []} for name in names}


class PersonWrite(StrictModelSerializer):
    house = record_id(required=False, allow_null=True, help_text="Id of the house the person lives in.")
    household = record_id(
        required=False,
        allow_null=True,
        help_text="Id of the household; its house is taken when no house is given.",
    )
    grid = StrictCharField(
        max_length=20, required=False, allow_null=True, help_text="Grid code, for a person without a house."
    )
    id_number = _identifier("National ID number (18 characters, or a legacy 15-digit number).")
    phone = _identifier("Mainland mobile number.")
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)
    version = _version()

    class Meta:
        model = Person
        fields = [
            "name",
            "ethnicity",
            "residence_type",
            "registered_address",
            "house",
            "household",
            "relation",
            "grid",
            "note",
            "id_verified",
            "id_number",
            "phone",
            "version",
        ]
        extra_kwargs = {
            "id_verified": {"help_text": "Needs people.verify_id (community and street admins)."},
        }


class StatusChangeWrite(serializers.Serializer):
    status = StrictChoiceField(choices=PersonStatus.choices)
    effective_on = serializers.DateField(required=False, help_text="Default: today.")
    reason = StrictCharField(max_length=200, allow_blank=True)
    version = _version()


class PersonTagWrite(serializers.Serializer):
    tag = StrictSlugField(max_length=32, help_text="Tag code (see registry/tags/).")
    since = serializers.DateField(required=False, allow_null=True)
    note = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class HouseholdWrite(StrictModelSerializer):
    house = record_id(required=False, allow_null=True)
    head = record_id(required=False, allow_null=True, help_text="Id of a member of this household.")
    grid = StrictCharField(
        max_length=20,
        required=False,
        allow_null=True,
        help_text="Grid code, for a household without a house.",
    )

    class Meta:
        model = Household
        fields = ["number", "house", "head", "grid", "is_active"]
        extra_kwargs = {
            "number": {"validators": [], "required": False, "help_text": "Generated when left out."}
        }


class BuildingWrite(StrictModelSerializer):
    floors = StrictIntegerField(min_value=1, max_value=200, required=False)
    units = StrictIntegerField(min_value=1, max_value=99, required=False)

    class Meta:
        model = Building
        fields = ["name", "address", "kind", "lon", "lat", "floors", "units", "external_ref"]
        extra_kwargs = {
            "lon": {"help_text": "WGS-84 longitude; the grid follows from the point."},
            "lat": {"help_text": "WGS-84 latitude."},
        }


class HouseWrite(StrictModelSerializer):
    building = record_id()

    class Meta:
        model = House
        fields = ["building", "unit", "floor", "number", "area_m2", "use"]
        validators: list = []
        extra_kwargs = {"area_m2": {"min_value": 0}}


class TenancyWrite(serializers.Serializer):
    tenant = record_id(required=False, allow_null=True, help_text="Id of the tenant, when registered.")
    tenant_name = StrictCharField(max_length=50, allow_blank=True)
    landlord_name = StrictCharField(max_length=50, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class OrganizationWrite(StrictModelSerializer):
    building = record_id(required=False, allow_null=True)
    credit_code = StrictCharField(
        max_length=40,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Unified social credit code.",
    )
    contact_phone = _identifier("The contact's mobile number.")

    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "credit_code",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "address",
            "lon",
            "lat",
            "building",
            "employees",
            "is_active",
            "fire_inspected_on",
            "fire_risk",
            "extinguishers_ok",
            "exits_clear",
            "fire_notes",
        ]
        extra_kwargs = {
            "lon": {"help_text": "WGS-84 longitude; the grid follows from the point."},
            "lat": {"help_text": "WGS-84 latitude."},
        }


class ComponentWrite(StrictModelSerializer):
    class Meta:
        model = Component
        fields = ["code", "kind", "name", "lon", "lat", "state", "owner", "installed_on", "note"]
        extra_kwargs = {
            **_unchecked_uniques("code"),
            "lon": {"help_text": "WGS-84 longitude; the grid follows from the point."},
            "lat": {"help_text": "WGS-84 latitude."},
        }


def reveal_input(name: str, fields: list[str]) -> type[serializers.Serializer]:
    """The body of a reveal request for a record whose revealable fields are `fields`."""
    body = {
        "field": StrictChoiceField(choices=fields),
        "reason": StrictCharField(
            max_length=300, allow_blank=True, help_text="Why you need the full value (at least 4 characters)."
        ),
    }
    return type(name, (serializers.Serializer,), body)


PersonRevealWrite = reveal_input("PersonRevealWrite", ["id_number", "phone"])
OrganizationRevealWrite = reveal_input("OrganizationRevealWrite", ["contact_phone"])
