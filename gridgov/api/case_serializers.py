"""Serializers of the case API: what a report and each action accept, and what a case looks like.

Input serializers check only shapes and types; the business rules (which category, which
addressee, whether a reason is given) are the workflow's, which names the field itself.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from rest_framework import serializers

from gridgov.access.display import display_name
from gridgov.access.roles import OWNER_SCOPED_ROLES
from gridgov.access.scope import roles_of
from gridgov.cases.models import Case, CasePhoto, Category, Source, TimelineEntry, Urgency
from gridgov.cases.states import TRANSITIONS
from gridgov.cases.workflow import NewCase
from gridgov.geo.crs import CRS_NAMES

# Which channels a role may report through. A resident's report is always a resident report
# (its photos lose their GPS tags); grid staff report what they find on patrol; the command
# centre also enters hotline calls and sensor alarms. "campaign" is set by the campaigns app only.

# Timeline notes a resident reads: what he reported, what was done, why it was refused or
# closed. Dispatch notes, return/escalation reasons, extensions and supervision stay internal.
PUBLIC_NOTE_ACTIONS = frozenset({"report", "self_handle", "handle", "reject", "close", "rate"})
# Case fields shown to staff only; a resident's view has them null.
STAFF_ONLY_FIELDS = (
    "level",
    "responsible_unit",
    "handling_unit",
    "handler",
    "reporter",
    "caller_name",
    "caller_phone",
    "hotline_ref",
    "stage",
    "deadline",
    "alert",
    "rework_count",
    "extension_requested",
    "extension_hours",
    "extension_reason",
    "supervised",
    "urge_count",
)
OTHER_ACTION_LABELS = {"report": gettext_lazy("Report"), "self_handle": gettext_lazy("Handled on the spot")}


def resident_view(user) -> bool:
    """True when the user sees cases only as their reporter (the reduced view)."""
    roles = roles_of(user)
    return bool(roles) and roles <= set(OWNER_SCOPED_ROLES)


def _name(item) -> str:
    if get_language() and get_language().startswith("en") and getattr(item, "name_en", ""):
        return item.name_en
    return item.name_zh


# --- Output ----------------------------------------------------------------------------------


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, item) -> str:
        return _name(item)


class CaseSummarySerializer(serializers.ModelSerializer):
    """A case in a list. Fields of STAFF_ONLY_FIELDS are null in a resident's view."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    category = CodeNameSerializer(read_only=True)
    grid = CodeNameSerializer(read_only=True)
    responsible_unit = CodeNameSerializer(read_only=True, allow_null=True)
    department = CodeNameSerializer(read_only=True, allow_null=True)
    handling_unit = CodeNameSerializer(read_only=True, allow_null=True)
    level = serializers.IntegerField(read_only=True, allow_null=True)
    stage = serializers.CharField(read_only=True, allow_null=True)
    deadline = serializers.DateTimeField(read_only=True, allow_null=True)
    alert = serializers.CharField(read_only=True, allow_null=True)
    supervised = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "state",
            "state_label",
            "source",
            "source_label",
            "category",
            "urgency",
            "description",
            "address",
            "lon",
            "lat",
            "grid",
            "level",
            "responsible_unit",
            "department",
            "handling_unit",
            "stage",
            "deadline",
            "alert",
            "supervised",
            "reported_at",
            "closed_at",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, case: Case) -> dict:
        data = super().to_representation(case)
        if self.context.get("resident_view"):
            for name in STAFF_ONLY_FIELDS:
                if name in data:
                    data[name] = None
        return data


class TimelineEntrySerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    details = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEntry
        fields = ["at", "action", "action_label", "from_state", "to_state", "actor", "note", "details"]
        read_only_fields = fields

    def get_action_label(self, entry: TimelineEntry) -> str:
        transition = TRANSITIONS.get(entry.action)
        return str(transition.label if transition else OTHER_ACTION_LABELS.get(entry.action, entry.action))

    def get_actor(self, entry: TimelineEntry) -> str | None:
        if self.context.get("resident_view") or entry.actor is None:
            return None
        return display_name(entry.actor)

    def get_note(self, entry: TimelineEntry) -> str | None:
        if self.context.get("resident_view") and entry.action not in PUBLIC_NOTE_ACTIONS:
            return None
        return entry.note

    def get_details(self, entry: TimelineEntry) -> dict | None:
        return None if self.context.get("resident_view") else entry.details


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = CasePhoto
        fields = ["id", "kind", "width", "height", "uploaded_at", "url", "thumbnail_url"]
        read_only_fields = fields

    def _url(self, photo: CasePhoto, name: str) -> str:
        path = reverse(name, kwargs={"number": photo.case.number, "photo_id": photo.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, photo: CasePhoto) -> str:
        return self._url(photo, "api:case-photo")

    def get_thumbnail_url(self, photo: CasePhoto) -> str:
        return self._url(photo, "api:case-photo-thumbnail")


class AvailableActionSerializer(serializers.Serializer):
    action = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)


class CaseDetailSerializer(CaseSummarySerializer):
    """One case with its timeline, photos and the actions open to the caller.

    In a resident's view the STAFF_ONLY_FIELDS are null, timeline entries carry no actor and no
    details, and only the notes of PUBLIC_NOTE_ACTIONS are shown.
    """

    handler = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()
    merged_into = serializers.CharField(
        source="merged_into.number", default=None, read_only=True, allow_null=True
    )
    caller_name = serializers.CharField(read_only=True, allow_null=True)
    caller_phone = serializers.CharField(read_only=True, allow_null=True)
    hotline_ref = serializers.CharField(read_only=True, allow_null=True)
    rework_count = serializers.IntegerField(read_only=True, allow_null=True)
    extension_requested = serializers.BooleanField(read_only=True, allow_null=True)
    extension_hours = serializers.IntegerField(read_only=True, allow_null=True)
    extension_reason = serializers.CharField(read_only=True, allow_null=True)
    urge_count = serializers.IntegerField(read_only=True, allow_null=True)
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "self_handled",
            "result",
            "merged_into",
            "handler",
            "reporter",
            "hide_reporter",
            "caller_name",
            "caller_phone",
            "hotline_ref",
            "rework_count",
            "extension_requested",
            "extension_hours",
            "extension_reason",
            "urge_count",
            "rating",
            "rating_comment",
            "timeline",
            "photos",
            "actions",
        ]
        read_only_fields = fields

    def get_handler(self, case: Case) -> str | None:
        return display_name(case.handler) if case.handler else None

    def get_reporter(self, case: Case) -> str | None:
        return display_name(case.reporter) if case.reporter else None

    @staticmethod
    def _action_url(case: Case, action: str) -> str:
        return reverse(f"api:case-action-{action}", kwargs={"number": case.number})

    def get_actions(self, case: Case) -> list[dict]:
        return AvailableActionSerializer(
            [
                {"action": t.action, "label": str(t.label), "url": self._action_url(case, t.action)}
                for t in self.context.get("actions", [])
            ],
            many=True,
        ).data


# --- Input -----------------------------------------------------------------------------------


class PhotosField(serializers.ListField):
    """Uploaded files (repeat `photos` in multipart/form-data); the workflow checks that they are images.

    Errors are one flat list, as for every other field (not keyed by position)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.FileField(), required=False, default=list, **kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            raise serializers.ValidationError(
                _("Send each photo as an uploaded file (multipart/form-data).")
            ) from None


def _text(max_length: int = 4000, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


class ReportSerializer(serializers.Serializer):
    """A new case (JSON, or multipart with `photos`)."""

    category = serializers.CharField(max_length=8, help_text="Category code (a 4-digit sub-category).")
    description = serializers.CharField(max_length=4000)
    lon = serializers.FloatField(help_text="Longitude in `crs`.")
    lat = serializers.FloatField(help_text="Latitude in `crs`.")
    crs = serializers.ChoiceField(choices=CRS_NAMES, default="wgs84")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    source = serializers.ChoiceField(
        choices=Source.choices,
        required=False,
        help_text="Residents: resident. Grid staff and community/street admins: patrol. Dispatchers and "
        "district admins: patrol, hotline or sensor. Default: patrol, or resident for residents.",
    )
    address = _text(200)
    caller_name = _text(50, help_text="Hotline reports only.")
    caller_phone = _text(20, help_text="Hotline reports only.")
    hotline_ref = _text(40, help_text="Hotline reports only: the 12345 ticket number.")
    hide_reporter = serializers.BooleanField(default=False)
    self_handled = serializers.BooleanField(default=False, help_text="Grid staff: handled on the spot.")
    result = _text(help_text="What was done, when self_handled.")
    photos = PhotosField()
    idempotency_key = _text(64, help_text="Same as the Idempotency-Key header (the header wins).")

    def new_case(self, idempotency_key: str) -> NewCase:
        data = dict(self.validated_data)
        data["idempotency_key"] = idempotency_key
        return NewCase(**data)


_ACTION_FIELDS = {
    "note": lambda: _text(help_text="A note for the timeline."),
    "reason": lambda: _text(help_text="Required: why."),
    "category": lambda: _text(8, help_text="Recategorise while registering (code)."),
    "urgency": lambda: serializers.ChoiceField(choices=Urgency.choices, required=False),
    "into": lambda: _text(32, help_text="Required: number of the case this one repeats."),
    "department": lambda: _text(32, help_text="Department code; give this or handling_unit."),
    "handling_unit": lambda: _text(20, help_text="Org-unit code below the responsible level; or department."),
    "deadline": lambda: serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="ISO 8601; a time without offset is Asia/Shanghai time. Default: the category's limit.",
    ),
    "result": lambda: _text(help_text="Required: what was done."),
    "photos": PhotosField,
    "hours": lambda: serializers.IntegerField(required=False, help_text="Required: 1 to 720 working hours."),
    "rating": lambda: serializers.IntegerField(required=False, help_text="Required: 1 (bad) to 5 (good)."),
    "comment": lambda: _text(),
}
# The parameters each action reads (see the _<action> functions of gridgov.cases.workflow).
ACTION_PARAMS: dict[str, tuple[str, ...]] = {
    "register": ("category", "urgency", "note"),
    "reject": ("reason",),
    "merge": ("into", "note"),
    "dispatch": ("department", "handling_unit", "deadline", "note"),
    "accept": ("note",),
    "return": ("reason",),
    "handle": ("result", "photos"),
    "verify": ("note", "photos"),
    "reopen": ("reason", "photos"),
    "close": ("note",),
    "escalate": ("reason",),
    "suspend": ("reason",),
    "resume": ("note",),
    "request_extension": ("hours", "reason"),
    "approve_extension": ("note",),
    "deny_extension": ("note",),
    "supervise": ("note",),
    "urge": ("note",),
    "rate": ("rating", "comment"),
    # Resident participation (gridgov/participation).
    "not_fixed": ("reason",),
    "remind": ("note",),
}
assert set(ACTION_PARAMS) == set(TRANSITIONS), "every transition needs its API parameters"


def action_serializer(action: str) -> type[serializers.Serializer]:
    """The input serializer of `action`: its parameters and `version` (also accepted as If-Match)."""
    fields = {name: _ACTION_FIELDS[name]() for name in ACTION_PARAMS[action]}
    fields["version"] = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you saw; a changed case answers 409."
    )
    name = "".join(part.title() for part in action.split("_")) + "ActionSerializer"
    return type(name, (serializers.Serializer,), fields)


class CategoryLimitSerializer(serializers.Serializer):
    urgency = serializers.CharField()
    stage = serializers.CharField()
    amount = serializers.IntegerField()
    unit = serializers.CharField()


class CategoryTreeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    is_public = serializers.BooleanField()
    auto_escalate = serializers.BooleanField()
    limits = CategoryLimitSerializer(many=True)
    children = serializers.ListField(child=serializers.DictField(), help_text="Sub-categories, same shape.")


class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.SerializerMethodField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    area = serializers.CharField(source="org_unit.code", help_text="Code of the org unit it serves.")

    def get_name(self, department) -> str:
        return _name(department)


def category_tree(categories: list[Category]) -> list[dict]:
    """Nested dicts (roots first, children under them) of categories whose `limits` are prefetched."""
    language = get_language()
    nodes = {}
    for category in categories:
        nodes[category.pk] = {
            "code": category.code,
            "name": category.name_for(language),
            "name_zh": category.name_zh,
            "name_en": category.name_en,
            "is_public": category.is_public,
            "auto_escalate": category.auto_escalate,
            "limits": [
                {"urgency": limit.urgency, "stage": limit.stage, "amount": limit.amount, "unit": limit.unit}
                for limit in category.limits.all()
            ],
            "children": [],
        }
    roots = []
    for category in categories:
        parent = nodes.get(category.parent_id)
        (parent["children"] if parent else roots).append(nodes[category.pk])
    return roots


class ReportedSerializer(serializers.Serializer):
    """The answer to a report: where the case is and what it needs next, without a re-read of it."""

    number = serializers.CharField()
    state = serializers.CharField()
    source = serializers.CharField()
    version = serializers.IntegerField()
    grid = serializers.CharField(source="grid.code")
    level = serializers.IntegerField()
    deadline = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, case: Case) -> str:
        return reverse("api:case-detail", kwargs={"number": case.number})
