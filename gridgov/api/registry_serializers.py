"""What registry records look like in the API.

Identifiers appear only in their masked form (`id_number_masked`, `phone_masked`,
`contact_phone_masked`); no serializer here names a token or keyed-hash column, and the clear
value is served only by the audited reveal endpoint. A person's `tags` are those the caller may
see: the views prefetch them through people.visibility into `visible_tags`.
"""

from __future__ import annotations

from rest_framework import serializers

from gridgov.api.case_serializers import CodeNameSerializer
from gridgov.people.ethnicities import Ethnicity
from gridgov.people.models import (
    Building,
    Component,
    FireRisk,
    House,
    Household,
    Organization,
    Person,
    PersonTag,
    Relation,
    Sex,
    StatusChange,
    Tag,
    Tenancy,
)

_STAMPS = ["created_at", "updated_at"]


def _may_be_blank(choices) -> serializers.ChoiceField:
    """A choice the record may leave blank (""), so that the schema lists "" too."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class RefSerializer(serializers.Serializer):
    """Another registry record: its id and how people call it."""

    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(source="__str__", read_only=True)


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["code", "name_zh", "name_en", "sensitivity", "is_active"]
        read_only_fields = fields


class PersonTagSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="tag.code", read_only=True)
    name_zh = serializers.CharField(source="tag.name_zh", read_only=True)
    name_en = serializers.CharField(source="tag.name_en", read_only=True)

    class Meta:
        model = PersonTag
        fields = ["code", "name_zh", "name_en", "sensitivity", "since", "note"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    """A person in a list: identifiers masked, tags limited to what the caller may see."""

    grid = CodeNameSerializer(read_only=True)
    house = RefSerializer(read_only=True, allow_null=True)
    household = RefSerializer(read_only=True, allow_null=True)
    tags = PersonTagSerializer(source="visible_tags", many=True, read_only=True)
    sex = _may_be_blank(Sex.choices)
    ethnicity = _may_be_blank(Ethnicity.choices)
    relation = _may_be_blank(Relation.choices)
    birth_month = serializers.CharField(
        read_only=True, help_text="Year and month of birth, YYYY-MM ('' if unknown)."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "sex",
            "birth_month",
            "ethnicity",
            "id_number_masked",
            "id_verified",
            "phone_masked",
            "residence_type",
            "registered_address",
            "house",
            "household",
            "relation",
            "status",
            "grid",
            "tags",
            "note",
            "version",
            *_STAMPS,
        ]
        read_only_fields = fields


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["old_status", "new_status", "effective_on", "reason", "at"]
        read_only_fields = fields


class PersonDetailSerializer(PersonSerializer):
    """One person, as in the list, with the history of their status."""

    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "status_history"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "relation", "status"]
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer):
    grid = CodeNameSerializer(read_only=True)
    house = RefSerializer(read_only=True, allow_null=True)
    head = RefSerializer(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True, help_text="Members living here (active).")

    class Meta:
        model = Household
        fields = ["id", "number", "house", "head", "grid", "is_active", "member_count", *_STAMPS]
        read_only_fields = fields


class HouseholdDetailSerializer(HouseholdSerializer):
    """One household with the members the caller may see."""

    members = MemberSerializer(source="visible_members", many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members"]
        read_only_fields = fields


class BuildingSerializer(serializers.ModelSerializer):
    grid = CodeNameSerializer(read_only=True)

    class Meta:
        model = Building
        fields = [
            "id",
            "name",
            "address",
            "kind",
            "lon",
            "lat",
            "floors",
            "units",
            "external_ref",
            "grid",
            *_STAMPS,
        ]
        read_only_fields = fields


class HouseSerializer(serializers.ModelSerializer):
    grid = CodeNameSerializer(read_only=True)
    building = RefSerializer(read_only=True)
    address = serializers.CharField(source="building.address", read_only=True)
    area_m2 = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )

    class Meta:
        model = House
        fields = ["id", "building", "address", "unit", "floor", "number", "area_m2", "use", "grid", *_STAMPS]
        read_only_fields = fields


class TenancySerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenancy
        fields = ["id", "tenant", "tenant_name", "landlord_name", "starts_on", "ends_on", "note"]
        read_only_fields = fields


class HouseDetailSerializer(HouseSerializer):
    """One house with its tenancies."""

    tenancies = TenancySerializer(many=True, read_only=True)

    class Meta(HouseSerializer.Meta):
        fields = [*HouseSerializer.Meta.fields, "tenancies"]
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer):
    grid = CodeNameSerializer(read_only=True)
    building = RefSerializer(read_only=True, allow_null=True)
    fire_risk = _may_be_blank(FireRisk.choices)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "kind",
            "credit_code",
            "legal_representative",
            "contact_name",
            "contact_phone_masked",
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
            "grid",
            *_STAMPS,
        ]
        read_only_fields = fields


class ComponentSerializer(serializers.ModelSerializer):
    grid = CodeNameSerializer(read_only=True)

    class Meta:
        model = Component
        fields = [
            "id",
            "code",
            "kind",
            "name",
            "lon",
            "lat",
            "state",
            "owner",
            "installed_on",
            "note",
            "grid",
            *_STAMPS,
        ]
        read_only_fields = fields


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField(help_text="The clear value ('' when none is stored).")
    reveals_left = serializers.IntegerField(help_text="Reveals the caller has left this hour.")
