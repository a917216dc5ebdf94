"""REST endpoints: thin — parse, check access through access/, call services, serialize."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.access.policy import PERMISSIONS
from gridgov.access.scope import get_for_user, has_permission
from gridgov.api.permissions import policy
from gridgov.api.serializers import (
    GridLookupQuerySerializer,
    GridLookupSerializer,
    MeSerializer,
    OrgUnitSerializer,
)
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.geo import crs, index, queries
from gridgov.geo.models import OrgUnit

VIEW_UNITS = "geo.view_units"


def visible_units(user):
    """Active org units in the user's jurisdiction, with their active-children count."""
    return (
        queries.visible_units(user)
        .select_related("parent")
        .annotate(child_count=Count("children", filter=Q(children__is_active=True)))
    )


class OrgUnitList(generics.ListAPIView):
    """Org units in the caller's jurisdiction, filterable by parent code and level."""

    serializer_class = OrgUnitSerializer
    permission_classes = [policy(VIEW_UNITS)]

    @extend_schema(
        parameters=[
            OpenApiParameter("parent", OpenApiTypes.STR, description="Code of the parent unit."),
            OpenApiParameter(
                "level", OpenApiTypes.INT, description="1 district, 2 street, 3 community, 4 grid."
            ),
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a code or a name."),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        units = visible_units(self.request.user)
        params = self.request.query_params
        if "parent" in params:
            parent = get_for_user(
                self.request.user, units, VIEW_UNITS, request=self.request, code=params["parent"]
            )
            units = units.filter(parent=parent)
        if "level" in params:
            try:
                units = units.filter(level=int(params["level"]))
            except ValueError:
                raise ValidationError({"level": [_("Level must be a whole number from 1 to 4.")]}) from None
        if params.get("q"):
            text = params["q"]
            units = units.filter(
                Q(code__startswith=text) | Q(name_zh__icontains=text) | Q(name_en__icontains=text)
            )
        return units.order_by("path")


class OrgUnitDetail(APIView):
    permission_classes = [policy(VIEW_UNITS)]

    @extend_schema(responses=OrgUnitSerializer)
    def get(self, request, code: str):
        unit = get_for_user(request.user, visible_units(request.user), VIEW_UNITS, request=request, code=code)
        return Response(OrgUnitSerializer(unit).data)


def feature(unit: OrgUnit) -> dict:
    return {
        "type": "Feature",
        "id": unit.code,
        "geometry": unit.geometry,
        "properties": {
            "code": unit.code,
            "parent_code": unit.parent.code if unit.parent_id else None,
            "level": unit.level,
            "kind": unit.kind,
            "name": unit.name_for(get_language()),
            "name_zh": unit.name_zh,
            "name_en": unit.name_en,
            "area_m2": unit.area_m2,
            "child_count": getattr(unit, "child_count", None),
        },
    }


_FEATURE_COLLECTION = inline_serializer(
    "UnitFeatureCollection",
    {
        "type": serializers.CharField(),
        "parent": serializers.DictField(allow_null=True),
        "breadcrumb": serializers.ListField(child=serializers.DictField()),
        "features": serializers.ListField(child=serializers.DictField()),
    },
)


class ChildrenGeoJSON(APIView):
    """The children of `parent` (or the caller's jurisdiction roots) as a GeoJSON FeatureCollection."""

    permission_classes = [policy(VIEW_UNITS)]

    @extend_schema(
        parameters=[OpenApiParameter("parent", OpenApiTypes.STR, description="Code of the unit to open.")],
        responses=_FEATURE_COLLECTION,
    )
    def get(self, request):
        user = request.user
        parent_code = request.query_params.get("parent")
        parent = None
        if parent_code:
            parent = get_for_user(user, visible_units(user), VIEW_UNITS, request=request, code=parent_code)
            units = visible_units(user).filter(parent=parent)
        else:
            units = visible_units(user).filter(pk__in=queries.jurisdiction_roots(user).values("pk"))
        language = get_language()
        breadcrumb = []
        if parent is not None:
            breadcrumb = [
                {"code": u.code, "name": u.name_for(language), "level": u.level}
                for u in [*queries.in_scope_ancestors(user, parent), parent]
            ]
        return Response(
            {
                "type": "FeatureCollection",
                "parent": {"code": parent.code, "name": parent.name_for(language), "level": parent.level}
                if parent
                else None,
                "breadcrumb": breadcrumb,
                "features": [feature(unit) for unit in units.order_by("path")],
            }
        )


class UnitGeoJSON(APIView):
    """One org unit as a GeoJSON Feature."""

    permission_classes = [policy(VIEW_UNITS)]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code: str):
        unit = get_for_user(request.user, visible_units(request.user), VIEW_UNITS, request=request, code=code)
        return Response(feature(unit))


class GridLookup(APIView):
    """The grid that contains a point, with the point converted to WGS-84."""

    permission_classes = [policy(VIEW_UNITS)]

    @extend_schema(parameters=[GridLookupQuerySerializer], responses=GridLookupSerializer)
    def get(self, request):
        query = GridLookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        lon, lat = crs.to_wgs84(
            query.validated_data["lon"], query.validated_data["lat"], query.validated_data["crs"]
        )
        grid = index.grid_at(lon, lat)
        if grid is None:
            message = _("The point is outside every grid of the district.")
            raise ValidationError({"lon": [message], "lat": [message]})
        units = visible_units(request.user)
        if not units.filter(pk=grid.pk).exists():
            record(
                "access.denied",
                request=request,
                target=grid,
                outcome=Outcome.DENIED,
                details={"permission": VIEW_UNITS, "path": request.path},
            )
            raise NotFound(_("No grid of your jurisdiction contains this point."))
        return Response(
            {"grid": OrgUnitSerializer(units.get(pk=grid.pk)).data, "lon_wgs84": lon, "lat_wgs84": lat}
        )


class Me(APIView):
    """The caller: account, memberships and the permissions they grant."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        user.permissions = [p.code for p in PERMISSIONS if has_permission(user, p.code)]
        return Response(MeSerializer(user).data)
