"""Registry endpoints beyond plain records: revealing an identifier, a person's status change,
adding and removing a person's tags, and recording a tenancy.

Reveal answers carry `Cache-Control: no-store` (errors too): a clear ID number must not stay in
a browser or proxy cache. Every reveal attempt is audited by people.reveal, refused ones included.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.access.scope import get_for_user
from gridgov.api import registry_inputs as inputs
from gridgov.api import registry_serializers as out
from gridgov.api import registry_writes as writes
from gridgov.api.permissions import policy
from gridgov.api.registry import (
    CONFLICT,
    EDIT,
    ID_PARAMETER,
    IF_MATCH,
    RESOURCES,
    SCHEMA_TAGS,
    VIEW,
    RegistryAPIMixin,
    check_version,
    detail_response,
    record_pk,
)
from gridgov.api.registry_filters import visible_tag_definitions
from gridgov.people import services
from gridgov.people.models import Organization, Person, Tag
from gridgov.people.reveal import RevealError, reveal, reveals_left
from gridgov.people.visibility import may_see_level

PERSONS = RESOURCES["persons"]
HOUSES = RESOURCES["houses"]


class TooManyReveals(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("Too many values revealed in the last hour.")


_CODED = inline_serializer(
    "RevealLimitError", {"detail": serializers.CharField(), "code": serializers.CharField()}
)


class RevealView(RegistryAPIMixin, APIView):
    """Base of the reveal endpoints: the clear value of one identifier of one record."""

    permission_classes = [policy(VIEW)]
    model: type[Person] | type[Organization] = Person
    body: type[serializers.Serializer] = inputs.PersonRevealWrite

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    def post(self, request, pk: str):
        body = self.body(data=request.data)
        body.is_valid(raise_exception=True)
        field, reason = body.validated_data["field"], body.validated_data["reason"]
        # get_for_user answers the queryset's model; both models here are revealable.
        target: Person | Organization = get_for_user(  # type: ignore[assignment]
            request.user, self.model.objects.all(), VIEW, request=request, pk=record_pk(pk)
        )
        try:
            value = reveal(request.user, target, field, reason, request=request)
        except RevealError as error:
            if error.code == "forbidden":
                raise PermissionDenied(error.message) from None
            if error.code == "rate_limited":
                raise TooManyReveals({"detail": error.message, "code": error.code}) from None
            raise ValidationError({error.field: [error.message]}) from None
        return Response({"field": field, "value": value, "reveals_left": reveals_left(request.user)})


def _reveal_schema(model_label: str, body: type[serializers.Serializer]):
    return extend_schema(
        operation_id=f"registry_{model_label}_reveal",
        tags=SCHEMA_TAGS,
        description="The clear value of an identifier, with a stated reason: needs people.reveal over the "
        "record, counts against an hourly limit and is audited. Answers are never cached (no-store).",
        parameters=[ID_PARAMETER],
        request=body,
        responses={
            200: out.RevealedSerializer,
            429: OpenApiResponse(_CODED, description="rate_limited: the hourly limit is used up."),
        },
    )


class PersonReveal(RevealView):
    model = Person
    body = inputs.PersonRevealWrite

    @_reveal_schema("persons", inputs.PersonRevealWrite)
    def post(self, request, pk: str):
        return super().post(request, pk)


class OrganizationReveal(RevealView):
    model = Organization
    body = inputs.OrganizationRevealWrite

    @_reveal_schema("organizations", inputs.OrganizationRevealWrite)
    def post(self, request, pk: str):
        return super().post(request, pk)


class PersonStatusChange(RegistryAPIMixin, APIView):
    """Record that a person moved out, died or came back; the history keeps every change."""

    permission_classes = [policy(EDIT)]

    @extend_schema(
        operation_id="registry_persons_status",
        tags=SCHEMA_TAGS,
        parameters=[ID_PARAMETER, IF_MATCH],
        request=inputs.StatusChangeWrite,
        responses={200: out.PersonDetailSerializer, 409: CONFLICT},
    )
    def post(self, request, pk: str):
        body = inputs.StatusChangeWrite(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        with transaction.atomic():
            person = PERSONS.find(request, pk, EDIT, lock=True)
            check_version(person, request, values.get("version"))
            services.change_status(
                person,
                values["status"],
                effective_on=values.get("effective_on") or timezone.localdate(),
                reason=values["reason"],
                actor=request.user,
                request=request,
            )
        return detail_response(request, PERSONS, PERSONS.reload(request, person))


def _tag_for(user, person: Person, code: str, *, field: str = "tag") -> Tag | None:
    """The tag `code` if the user may see its level where the person lives, else None."""
    tag = visible_tag_definitions(user).filter(code=code).first()
    if tag is None or not may_see_level(user, tag.sensitivity, person.org_path):
        return None
    return tag


class PersonTags(RegistryAPIMixin, APIView):
    """Give a person a special-group tag of a level the caller may see for that person."""

    permission_classes = [policy(EDIT)]

    @extend_schema(
        operation_id="registry_persons_tag_add",
        tags=SCHEMA_TAGS,
        parameters=[ID_PARAMETER],
        request=inputs.PersonTagWrite,
        responses={201: out.PersonDetailSerializer, 200: out.PersonDetailSerializer},
    )
    def post(self, request, pk: str):
        body = inputs.PersonTagWrite(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        with transaction.atomic():
            person = PERSONS.find(request, pk, EDIT, lock=True)
            tag = _tag_for(request.user, person, values["tag"])
            if tag is None:
                raise ValidationError({"tag": [_("No tag you may see has this code.")]})
            if not tag.is_active:
                raise ValidationError({"tag": [_("This tag is no longer in use.")]})
            had = person.person_tags.filter(tag=tag).exists()
            services.add_tag(
                person,
                tag,
                actor=request.user,
                request=request,
                since=values.get("since"),
                note=values["note"],
            )
        return detail_response(
            request,
            PERSONS,
            PERSONS.reload(request, person),
            status.HTTP_200_OK if had else status.HTTP_201_CREATED,
        )


class PersonTagRemove(RegistryAPIMixin, APIView):
    """Take a tag off a person; a tag the caller may not see there answers 404."""

    permission_classes = [policy(EDIT)]

    @extend_schema(
        operation_id="registry_persons_tag_remove",
        tags=SCHEMA_TAGS,
        parameters=[
            ID_PARAMETER,
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="Tag code."),
        ],
        request=None,
        responses={204: None},
    )
    def delete(self, request, pk: str, code: str):
        with transaction.atomic():
            person = PERSONS.find(request, pk, EDIT, lock=True)
            tag = _tag_for(request.user, person, code)
            if tag is None or not services.remove_tag(person, tag, actor=request.user, request=request):
                raise NotFound(_("The person has no such tag."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class HouseTenancies(RegistryAPIMixin, APIView):
    """Record a tenancy of a house; the house becomes rented."""

    permission_classes = [policy(EDIT)]

    @extend_schema(
        operation_id="registry_houses_tenancy_add",
        tags=SCHEMA_TAGS,
        parameters=[ID_PARAMETER],
        request=inputs.TenancyWrite,
        responses={201: out.HouseDetailSerializer},
    )
    def post(self, request, pk: str):
        body = inputs.TenancyWrite(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            house = HOUSES.find(request, pk, EDIT, lock=True)
            writes.write_tenancy(house, dict(body.validated_data), user=request.user, request=request)
        return detail_response(request, HOUSES, HOUSES.reload(request, house), status.HTTP_201_CREATED)
