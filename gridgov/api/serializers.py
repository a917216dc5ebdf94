from __future__ import annotations

from django.utils.translation import get_language
from rest_framework import serializers

from gridgov.access.display import display_name
from gridgov.geo.crs import CRS_NAMES
from gridgov.geo.models import OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True, allow_null=True)
    name = serializers.SerializerMethodField()
    child_count = serializers.IntegerField(read_only=True)
    bbox = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnit
        fields = [
            "code",
            "parent_code",
            "level",
            "kind",
            "name",
            "name_zh",
            "name_en",
            "path",
            "area_m2",
            "bbox",
            "child_count",
        ]

    def get_name(self, unit: OrgUnit) -> str:
        return unit.name_for(get_language())

    def get_bbox(self, unit: OrgUnit) -> list[float] | None:
        if unit.min_lon is None:
            return None
        return [unit.min_lon, unit.min_lat, unit.max_lon, unit.max_lat]


class GridLookupQuerySerializer(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="Longitude in the given crs.")
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="Latitude in the given crs.")
    crs = serializers.ChoiceField(
        choices=CRS_NAMES,
        default="wgs84",
        help_text="wgs84 (GPS), gcj02 (most Chinese phone maps) or bd09 (Baidu).",
    )


class GridLookupSerializer(serializers.Serializer):
    grid = OrgUnitSerializer()
    lon_wgs84 = serializers.FloatField()
    lat_wgs84 = serializers.FloatField()


class MembershipSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    org_unit = serializers.CharField(source="org_unit.code", default=None, allow_null=True)
    department = serializers.CharField(source="department.code", default=None, allow_null=True)
    scope_path = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.SerializerMethodField()
    memberships = MembershipSerializer(many=True, source="memberships.all")
    permissions = serializers.ListField(child=serializers.CharField())

    def get_full_name(self, user) -> str:
        return display_name(user)
