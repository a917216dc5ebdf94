"""The case endpoints: list, report, detail, one endpoint per workflow action, photos, and the
category and department lists the forms need.

Thin, like the rest of the API: parse the input, find the case through access/ scoping, call
gridgov.cases.workflow, serialize. The workflow's errors become HTTP answers in one place
(`CaseAPIMixin.handle_exception`).
"""

from __future__ import annotations

from datetime import datetime, time

import django_filters
from django import forms
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.access.models import Department
from gridgov.access.scope import get_for_user
from gridgov.api.case_serializers import (
    CaseDetailSerializer,
    CaseSummarySerializer,
    CategoryTreeSerializer,
    DepartmentSerializer,
    ReportedSerializer,
    ReportSerializer,
    action_serializer,
    category_tree,
    resident_view,
)
from gridgov.api.filters import StrictChoiceFilter
from gridgov.api.keyset import KeysetPagination
from gridgov.api.permissions import policy
from gridgov.cases import workflow
from gridgov.cases.errors import CaseNotFound, Conflict, IdempotencyMismatch, InvalidInput, NotAllowed
from gridgov.cases.models import Alert, Case, CasePhoto, Category, Source, State, TimelineEntry
from gridgov.cases.rights import available_actions
from gridgov.cases.states import TRANSITIONS
from gridgov.geo.models import OrgUnit

VIEW = workflow.VIEW
REPORT = "cases.report"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 64  # Case.idempotency_key


class WorkflowConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The case was changed meanwhile.")


class IdempotencyConflict(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy("This idempotency key was already used for a different request.")


_CODED = inline_serializer("CodedError", {"detail": serializers.CharField(), "code": serializers.CharField()})
CONFLICT = OpenApiResponse(
    _CODED,
    description="The case changed meanwhile (stale_version) or is in a state "
    "where the action does not apply (wrong_state, …).",
)
MISMATCH = OpenApiResponse(_CODED, description="The idempotency key was used before for a different report.")


class CaseAPIMixin:
    """Turns the workflow's errors into the API's answers: 400 {field: [reason]}, 403, 404,
    409 and 422 {"detail", "code"}."""

    def handle_exception(self, exc):
        if isinstance(exc, InvalidInput):
            exc = ValidationError({exc.field or "non_field_errors": [str(exc.message)]})
        elif isinstance(exc, NotAllowed):
            exc = PermissionDenied(str(exc.message))
        elif isinstance(exc, CaseNotFound):
            exc = NotFound(str(exc.message))
        elif isinstance(exc, Conflict):
            exc = WorkflowConflict({"detail": str(exc.message), "code": exc.code})
        elif isinstance(exc, IdempotencyMismatch):
            exc = IdempotencyConflict({"detail": str(exc.message), "code": exc.code})
        return super().handle_exception(exc)


def list_queryset(cases=None):
    return (Case.objects.all() if cases is None else cases).select_related(
        "category", "grid", "responsible_unit", "department", "handling_unit"
    )


def detail_queryset():
    return (
        list_queryset()
        .select_related("handler", "reporter", "merged_into")
        .prefetch_related(
            Prefetch("timeline", TimelineEntry.objects.select_related("actor")),
            "photos",
        )
    )


def detail_response(request, case: Case, status_code: int = status.HTTP_200_OK, **headers) -> Response:
    context = {
        "request": request,
        "resident_view": resident_view(request.user),
        "actions": available_actions(request.user, case),
    }
    response = Response(CaseDetailSerializer(case, context=context).data, status=status_code, headers=headers)
    response["ETag"] = f'"{case.version}"'
    return response


# --- Filters -----------------------------------------------------------------------------------


class MomentField(forms.Field):
    """An ISO 8601 date or date-time; a date means its local midnight, a naive time is local time."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            moment = parse_datetime(value)
            if moment is None:
                day = parse_date(value)
                moment = datetime.combine(day, time()) if day else None
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError(_("Give an ISO 8601 date (2026-11-24) or date and time."))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error rather than silently ignored."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        answer = {"true": True, "1": True, "false": False, "0": False}.get(str(value).lower())
        if answer is None:
            raise forms.ValidationError(_("Give true or false."))
        return answer


@extend_schema_field(OpenApiTypes.STR)
class MomentFilter(django_filters.Filter):
    field_class = MomentField


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class CaseFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=State.choices, help_text="Repeat for several states.")
    category = django_filters.CharFilter(
        method="filter_category", help_text="Category code; includes its sub-categories."
    )
    unit = django_filters.CharFilter(method="filter_unit", help_text="Org-unit code: cases in its area.")
    department = django_filters.CharFilter(method="filter_department", help_text="Addressed department code.")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="true: red only; false: not red.")
    alert = StrictChoiceFilter(choices=Alert.choices)
    source = django_filters.MultipleChoiceFilter(choices=Source.choices)
    reported_after = MomentFilter(
        field_name="reported_at", lookup_expr="gte", help_text="ISO date or date-time, inclusive."
    )
    reported_before = MomentFilter(
        field_name="reported_at", lookup_expr="lt", help_text="ISO date or date-time, exclusive."
    )
    q = django_filters.CharFilter(
        method="filter_text", max_length=100, help_text="Case number or words of the description or address."
    )
    supervised = StrictBooleanFilter(field_name="supervised")

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_category(self, cases, name, code):
        category = Category.objects.filter(code=code).first()
        if category is None:
            raise ValidationError({"category": [_("No category has this code.")]})
        return cases.filter(Q(category=category) | Q(category__parent=category))

    def filter_unit(self, cases, name, code):
        path = OrgUnit.objects.filter(code=code).values_list("path", flat=True).first()
        if path is None:
            raise ValidationError({"unit": [_("No org unit has this code.")]})
        return cases.filter(Q(org_path=path) | Q(org_path__startswith=path + "."))

    def filter_department(self, cases, name, code):
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise ValidationError({"department": [_("No department has this code.")]})
        return cases.filter(department=department)

    def filter_overdue(self, cases, name, overdue):
        return cases.filter(alert=Alert.RED) if overdue else cases.exclude(alert=Alert.RED)

    def filter_text(self, cases, name, text):
        text = text.strip()
        return cases.filter(
            Q(number__startswith=text) | Q(description__icontains=text) | Q(address__icontains=text)
        )


# --- Cases ---------------------------------------------------------------------------------------


class CaseList(CaseAPIMixin, generics.ListAPIView):
    """GET: the cases the caller may see, newest first, keyset-paginated. POST: report a case."""

    serializer_class = CaseSummarySerializer
    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter

    def get_permissions(self):
        return [policy(REPORT if self.request.method == "POST" else VIEW)()]

    def get_queryset(self):
        return list_queryset(workflow.visible_cases(self.request.user))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "resident_view": resident_view(self.request.user)}

    @extend_schema(operation_id="cases_list", description="The cases the caller may see, newest first.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="cases_report",
        description="Report a case: JSON, or multipart/form-data with `photos` (repeat for several).",
        request={"application/json": ReportSerializer, "multipart/form-data": ReportSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Up to 64 characters. A retry with the same key and body answers 200 with "
                "the case first created; the same key with another body answers 422.",
            )
        ],
        responses={201: ReportedSerializer, 200: ReportedSerializer, 422: MISMATCH},
    )
    def post(self, request, *args, **kwargs):
        report = ReportSerializer(data=request.data, context={"request": request})
        report.is_valid(raise_exception=True)
        field_key = report.validated_data.pop("idempotency_key", "")
        key = request.headers.get(IDEMPOTENCY_HEADER) or field_key
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationError({"idempotency_key": [_("At most 64 characters.")]})
        case, created = workflow.report_case(report.new_case(key), actor=request.user, request=request)
        # A short answer built from the case in hand: intake is the hot path; the detail is a GET away.
        body = ReportedSerializer(case).data
        headers = {"ETag": f'"{case.version}"', "Location": body["url"]}
        return Response(
            body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK, headers=headers
        )


class CaseDetail(CaseAPIMixin, APIView):
    """One case with its timeline, photos and the actions open to the caller (reduced for residents)."""

    permission_classes = [policy(VIEW)]

    @extend_schema(operation_id="cases_retrieve", responses=CaseDetailSerializer)
    def get(self, request, number: str):
        case = get_for_user(request.user, detail_queryset(), VIEW, request=request, number=number)
        return detail_response(request, case)


def expected_version(request, field_value: int | None) -> int | None:
    """The version the caller saw: the If-Match header (an ETag of the detail) or the `version` field."""
    header = request.headers.get("If-Match")
    if not header:
        return field_value
    text = header.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 9:
        raise ValidationError({"version": [_("If-Match must carry the case version, a whole number.")]})
    return int(text)


class CaseAction(CaseAPIMixin, APIView):
    """Base of the per-action endpoints built by `action_views()`."""

    action_name = ""
    input_serializer: type[serializers.Serializer] = serializers.Serializer

    def post(self, request, number: str):
        params = self.input_serializer(data=request.data)
        params.is_valid(raise_exception=True)
        values = dict(params.validated_data)
        version = expected_version(request, values.pop("version", None))
        case_id = Case.objects.filter(number=number).values_list("pk", flat=True).first()
        if case_id is None:
            raise Http404
        case = workflow.perform(
            case_id, self.action_name, actor=request.user, expected_version=version, request=request, **values
        )
        # Answer with the case after the action even when it left the caller's scope (returned
        # by a department): the actor is entitled to see the outcome of what they just did.
        return detail_response(request, detail_queryset().get(pk=case.pk))


def _action_view(action: str) -> type[CaseAction]:
    transition = TRANSITIONS[action]
    body = action_serializer(action)
    sources = ", ".join(sorted(transition.sources))
    with translation.override("en"):  # the schema is written in English
        label = str(transition.label)
    description = (
        f"{label}: from {sources}"
        + (f" to {transition.target}" if transition.target else " (state unchanged)")
        + f". Needs `{transition.permission}` over the case."
    )
    view = type(
        f"Case{body.__name__.removesuffix('Serializer')}",
        (CaseAction,),
        {"action_name": action, "input_serializer": body, "__doc__": description},
    )

    # A function of its own per action: extend_schema annotates the function it is given.
    def post(self, request, number: str):
        return CaseAction.post(self, request, number)

    view.post = extend_schema(
        operation_id=f"cases_action_{action}",
        summary=label,
        description=description,
        request={"application/json": body, "multipart/form-data": body},
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='The version you saw (the ETag of the detail, e.g. "3"); wins over `version`.',
            )
        ],
        responses={200: CaseDetailSerializer, 409: CONFLICT},
    )(post)
    return view


ACTION_VIEWS: dict[str, type[CaseAction]] = {action: _action_view(action) for action in TRANSITIONS}


# --- Photos --------------------------------------------------------------------------------------

_IMAGE_RESPONSES = {
    (200, media): OpenApiResponse(OpenApiTypes.BINARY) for media in ("image/jpeg", "image/png", "image/webp")
}


class CasePhotoFile(CaseAPIMixin, APIView):
    """A photo of a case, for those who may see the case (404 otherwise); cached privately only."""

    permission_classes = [policy(VIEW)]
    thumbnail = False

    def perform_content_negotiation(self, request, force=False):
        # Image clients send Accept: image/*; errors still answer in JSON rather than 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[OpenApiParameter("photo_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=_IMAGE_RESPONSES,
    )
    def get(self, request, number: str, photo_id: str):
        case = get_for_user(request.user, Case.objects.all(), VIEW, request=request, number=number)
        if not photo_id.isdigit() or len(photo_id) > 18:
            raise Http404
        photo = CasePhoto.objects.filter(case=case, pk=int(photo_id)).first()
        if photo is None:
            raise Http404
        stored = photo.thumbnail if self.thumbnail else photo.image
        try:
            response = FileResponse(stored.open("rb"))
        except OSError:
            raise Http404 from None
        response["Cache-Control"] = "private, max-age=86400"
        return response


class CasePhotoThumbnail(CasePhotoFile):
    thumbnail = True


# --- Reference lists ------------------------------------------------------------------------------


class CategoryTree(APIView):
    """Active categories as a tree (sub-categories under their category) with their time limits."""

    permission_classes = [policy(VIEW)]

    @extend_schema(responses=CategoryTreeSerializer(many=True))
    def get(self, request):
        categories = list(Category.objects.filter(is_active=True).prefetch_related("limits").order_by("code"))
        return Response(category_tree(categories))


class DepartmentList(generics.ListAPIView):
    """Active departments, the addressees of dispatch (an office directory, not scoped)."""

    permission_classes = [policy(VIEW)]
    serializer_class = DepartmentSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return Department.objects.filter(is_active=True).select_related("org_unit").order_by("code")
