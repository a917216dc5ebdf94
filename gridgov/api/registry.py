"""The registry endpoints (/api/v1/registry/): persons, households, buildings, houses,
organizations and components — list, create, detail, update — and the tag definitions.

Thin, like the rest of the API: parse the body, find the record through access.scope (404 alike
for missing and out of scope), write through people.services (gridgov.api.registry_writes),
serialize. Reads need people.view, writes people.edit. Identifiers are masked in every answer;
the clear value comes only from the audited reveal endpoints (gridgov.api.registry_actions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.access.scope import get_for_user, scoped
from gridgov.api import registry_filters as filters
from gridgov.api import registry_inputs as inputs
from gridgov.api import registry_serializers as out
from gridgov.api import registry_writes as writes
from gridgov.api.id_keyset import IdKeysetPagination
from gridgov.api.permissions import policy
from gridgov.people.models import (
    Building,
    Component,
    House,
    Household,
    Organization,
    Person,
    PersonStatus,
    PersonTag,
    StatusChange,
)
from gridgov.people.services import RegistryError
from gridgov.people.visibility import visible_tags

VIEW = "people.view"
EDIT = "people.edit"
SCHEMA_TAGS = ["registry"]


class StaleVersion(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The record was changed meanwhile; read it again.")


_CODED = inline_serializer(
    "RegistryCodedError", {"detail": serializers.CharField(), "code": serializers.CharField()}
)
CONFLICT = OpenApiResponse(_CODED, description="stale_version: the person changed since the version sent.")
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Record id.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The version you read (the ETag of the detail, e.g. "3"); wins over `version`.',
)


class RegistryAPIMixin(APIView):
    """JSON bodies only; the services' RegistryError becomes 400 {field: [reason]}."""

    parser_classes = [JSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, RegistryError):
            # Placement names the point as a whole; the body has its two coordinates.
            fields = writes.POINT_FIELDS if exc.field == "location" else (exc.field,)
            exc = writes.refused(fields, str(exc.message))
        return super().handle_exception(exc)


def record_pk(text: str) -> int:
    """The id in a URL; anything but a plain number is a missing record (404, not an error page)."""
    if not text.isascii() or not text.isdigit() or len(text) > 15:
        raise Http404
    return int(text)


def expected_version(request, sent: int | None) -> int:
    """The version the caller read: If-Match (an ETag of the detail) or the `version` field."""
    header = request.headers.get("If-Match")
    if header:
        text = header.strip().removeprefix("W/").strip('"')
        if not text.isascii() or not text.isdigit() or len(text) > 9:
            raise ValidationError(
                {"version": [_("If-Match must carry the record's version, a whole number.")]}
            )
        return int(text)
    if sent is None:
        raise ValidationError({"version": [_("Send the version you read (field version or If-Match).")]})
    return sent


def check_version(record, request, sent: int | None) -> None:
    if expected_version(request, sent) != record.version:
        raise StaleVersion({"detail": StaleVersion.default_detail, "code": "stale_version"})


# --- Querysets: what each list and detail loads, in a fixed number of queries -----------------


def _tags_prefetch(user) -> Prefetch:
    tags = visible_tags(user, PersonTag.objects.select_related("tag")).order_by("sensitivity", "tag__code")
    return Prefetch("person_tags", queryset=tags, to_attr="visible_tags")


def persons(user, records: QuerySet, detail: bool) -> QuerySet:
    records = records.select_related("grid", "house__building", "household").prefetch_related(
        _tags_prefetch(user)
    )
    if detail:
        records = records.prefetch_related(
            Prefetch("status_changes", StatusChange.objects.order_by("-at", "-id"))
        )
    return records


def households(user, records: QuerySet, detail: bool) -> QuerySet:
    # A correlated count rather than a join and GROUP BY: it runs for the rows of the page only.
    living = (
        Person.objects.filter(household=OuterRef("pk"), status=PersonStatus.ACTIVE)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    records = records.select_related("grid", "house__building", "head").annotate(
        member_count=Coalesce(Subquery(living), 0)
    )
    if detail:
        members = scoped(user, Person.objects.all(), VIEW).order_by("id")
        records = records.prefetch_related(Prefetch("members", queryset=members, to_attr="visible_members"))
    return records


def buildings(user, records: QuerySet, detail: bool) -> QuerySet:
    return records.select_related("grid")


def houses(user, records: QuerySet, detail: bool) -> QuerySet:
    records = records.select_related("grid", "building")
    return records.prefetch_related("tenancies") if detail else records


def organizations(user, records: QuerySet, detail: bool) -> QuerySet:
    return records.select_related("grid", "building")


def components(user, records: QuerySet, detail: bool) -> QuerySet:
    return records.select_related("grid")


@dataclass(frozen=True)
class Resource:
    """One kind of registry record as the API serves it."""

    name: str  # the URL segment and operation-id prefix, plural
    model: type[models.Model]
    load: Callable[..., QuerySet]
    summary: type[serializers.Serializer]
    detail: type[serializers.Serializer]
    write_input: type[serializers.Serializer]
    write: Callable
    filterset: type
    versioned: bool = False

    def visible(self, user, *, detail: bool = False) -> QuerySet:
        return self.load(user, scoped(user, self.model._default_manager.all(), VIEW), detail)

    def find(self, request, pk: str, permission: str = VIEW, *, lock: bool = False):
        """The record the caller may see (or edit) by id: 404 alike for missing and out of scope."""
        records = self.model._default_manager.all()
        # A write locks only the row itself, for the version check and the write (PostgreSQL
        # refuses FOR UPDATE with the outer joins and counts of the detail).
        records = records.select_for_update() if lock else self.load(request.user, records, True)
        return get_for_user(request.user, records, permission, request=request, pk=record_pk(pk))

    def reload(self, request, record):
        return self.load(request.user, self.model._default_manager.all(), True).get(pk=record.pk)


RESOURCES = {
    resource.name: resource
    for resource in (
        Resource(
            "persons",
            Person,
            persons,
            out.PersonSerializer,
            out.PersonDetailSerializer,
            inputs.PersonWrite,
            writes.write_person,
            filters.PersonFilter,
            versioned=True,
        ),
        Resource(
            "households",
            Household,
            households,
            out.HouseholdSerializer,
            out.HouseholdDetailSerializer,
            inputs.HouseholdWrite,
            writes.write_household,
            filters.HouseholdFilter,
        ),
        Resource(
            "buildings",
            Building,
            buildings,
            out.BuildingSerializer,
            out.BuildingSerializer,
            inputs.BuildingWrite,
            writes.write_building,
            filters.BuildingFilter,
        ),
        Resource(
            "houses",
            House,
            houses,
            out.HouseSerializer,
            out.HouseDetailSerializer,
            inputs.HouseWrite,
            writes.write_house,
            filters.HouseFilter,
        ),
        Resource(
            "organizations",
            Organization,
            organizations,
            out.OrganizationSerializer,
            out.OrganizationSerializer,
            inputs.OrganizationWrite,
            writes.write_organization,
            filters.OrganizationFilter,
        ),
        Resource(
            "components",
            Component,
            components,
            out.ComponentSerializer,
            out.ComponentSerializer,
            inputs.ComponentWrite,
            writes.write_component,
            filters.ComponentFilter,
        ),
    )
}


def detail_response(request, resource: Resource, record, status_code: int = status.HTTP_200_OK) -> Response:
    response = Response(resource.detail(record, context={"request": request}).data, status=status_code)
    if resource.versioned:
        response["ETag"] = f'"{record.version}"'
    return response


# --- Views -------------------------------------------------------------------------------------


class RecordList(RegistryAPIMixin, generics.ListAPIView):
    """GET: records of the jurisdiction by ascending id, keyset-paginated. POST: create one."""

    resource: Resource
    pagination_class = IdKeysetPagination

    def get_permissions(self):
        return [policy(EDIT if self.request.method == "POST" else VIEW)()]

    def get_queryset(self):
        return self.resource.visible(self.request.user)

    def get_serializer_class(self):
        return self.resource.summary

    def post(self, request, *args, **kwargs):
        body = self.resource.write_input(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values.pop("version", None)
        with transaction.atomic():
            record = self.resource.write(self.resource.model(), values, user=request.user, request=request)
        return detail_response(
            request, self.resource, self.resource.reload(request, record), status.HTTP_201_CREATED
        )


class RecordDetail(RegistryAPIMixin, APIView):
    """GET: one record. PATCH: change the fields sent (persons: with the version read)."""

    resource: Resource

    def get_permissions(self):
        return [policy(EDIT if self.request.method == "PATCH" else VIEW)()]

    def get(self, request, pk: str):
        return detail_response(request, self.resource, self.resource.find(request, pk))

    def patch(self, request, pk: str):
        body = self.resource.write_input(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        sent_version = values.pop("version", None)
        with transaction.atomic():
            record = self.resource.find(request, pk, EDIT, lock=True)
            if self.resource.versioned:
                check_version(record, request, sent_version)
            record = self.resource.write(record, values, user=request.user, request=request)
        return detail_response(request, self.resource, self.resource.reload(request, record))


def _views(resource: Resource) -> tuple[type[RecordList], type[RecordDetail]]:
    label = resource.model._meta.verbose_name_plural
    singular = resource.model._meta.verbose_name
    prefix = f"registry_{resource.name}"
    list_view = type(
        f"{resource.model.__name__}List",
        (RecordList,),
        {"resource": resource, "filterset_class": resource.filterset, "__doc__": RecordList.__doc__},
    )
    detail_view = type(
        f"{resource.model.__name__}Detail",
        (RecordDetail,),
        {"resource": resource, "__doc__": RecordDetail.__doc__},
    )
    versioned = resource.versioned
    patch_responses: dict = {200: resource.detail}
    if versioned:
        patch_responses[409] = CONFLICT
    extend_schema_view(
        get=extend_schema(
            operation_id=f"{prefix}_list",
            tags=SCHEMA_TAGS,
            description=f"The {label} of your jurisdiction by ascending id (keyset pages).",
        ),
        post=extend_schema(
            operation_id=f"{prefix}_create",
            tags=SCHEMA_TAGS,
            description=f"Create a {singular}. Needs people.edit where it lands.",
            request=resource.write_input,
            responses={201: resource.detail},
        ),
    )(list_view)
    extend_schema_view(
        get=extend_schema(
            operation_id=f"{prefix}_retrieve",
            tags=SCHEMA_TAGS,
            parameters=[ID_PARAMETER],
            responses=resource.detail,
        ),
        patch=extend_schema(
            operation_id=f"{prefix}_update",
            tags=SCHEMA_TAGS,
            description=f"Change the fields sent of a {singular}"
            + (
                " (send the version you read: a changed record answers 409)."
                if versioned
                else " (last write wins)."
            ),
            parameters=[ID_PARAMETER, *([IF_MATCH] if versioned else [])],
            request=resource.write_input,
            responses=patch_responses,
        ),
    )(detail_view)
    return list_view, detail_view


VIEWS = {name: _views(resource) for name, resource in RESOURCES.items()}


class TagList(generics.ListAPIView):
    """The special-group tag definitions whose sensitivity level the caller may see somewhere.

    Definitions are not personal data, but a tag the caller can never see on a person is left
    out, so that clients offer only tags that filter and edit; `tag=` answers the others like
    an unknown code."""

    permission_classes = [policy(VIEW)]
    serializer_class = out.TagSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return filters.visible_tag_definitions(self.request.user).order_by("sensitivity", "code")

    @extend_schema(operation_id="registry_tags_list", tags=SCHEMA_TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
