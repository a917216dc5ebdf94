"""Admin for campaigns: where a campaign's checklist is defined (questions inline, checked by
campaigns.checklist), and where a draft is started or an active campaign ended through the
launch actions. Staff need campaigns.manage and see only campaigns in their jurisdiction.
Targets, results and follow-ups are never edited here: they change only through the services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from gridgov.access.admin_policy import PolicyPermissions
from gridgov.access.scope import in_scope, jurisdiction_paths, path_filter
from gridgov.audit.log import record
from gridgov.campaigns import checklist, launch, targeting
from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import Campaign, CampaignStatus, Question
from gridgov.campaigns.rights import MANAGE
from gridgov.cases.taxonomy import Category

QUESTION_FIELDS = [
    "position",
    "code",
    "text",
    "kind",
    "required",
    "choices",
    "condition",
    "exception",
    "exception_action",
    "exception_label",
    "exception_category",
]


class QuestionFormSet(forms.BaseInlineFormSet):
    """Checks the checklist as a whole: conditions refer to earlier questions (by position),
    tests fit the question kinds, case categories exist, codes are unique."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        kept.sort(key=lambda form: (form.cleaned_data.get("position") or 0, form.prefix))
        questions = [
            Question(**{name: form.cleaned_data.get(name) for name in QUESTION_FIELDS}) for form in kept
        ]
        for question in questions:
            question.required = bool(question.required)
            question.exception_action = question.exception_action or ""
            question.exception_label = question.exception_label or ""
            question.exception_category = question.exception_category or ""
        codes = list(Category.objects.filter(is_active=True).values_list("code", flat=True))
        for index, errors in checklist.checklist_errors(questions, codes).items():
            for name, message in errors.items():
                kept[index].add_error(name, message)


class QuestionInline(PolicyPermissions, admin.StackedInline):
    policy_permission = MANAGE
    model = Question
    formset = QuestionFormSet
    fields = QUESTION_FIELDS
    extra = 0
    ordering = ["position", "id"]

    def _draft(self, obj) -> bool:
        return obj is None or obj.status == CampaignStatus.DRAFT

    # The checklist is fixed once the campaign runs: recorded answers were checked against it.
    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


class CampaignForm(forms.ModelForm):
    user = None  # set by CampaignAdmin.get_form

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "description",
            "units",
            "target_mode",
            "target_tags",
            "target_min_age",
            "target_max_age",
            "target_residence_types",
            "starts_at",
            "ends_at",
            "retention_days",
        ]

    def clean(self):
        cleaned = super().clean()
        units = cleaned.get("units")
        if units is not None:
            for unit in units:
                if self.user is not None and not (
                    self.user.is_superuser or in_scope(self.user, unit.path, MANAGE)
                ):
                    self.add_error("units", _("%(unit)s is outside your jurisdiction.") % {"unit": unit})
            if units and not launch.common_ancestor(unit.path for unit in units):
                self.add_error("units", _("The units must lie in one district."))
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        retention = cleaned.get("retention_days")
        if retention is not None and not 1 <= retention <= 3650:
            self.add_error("retention_days", _("Keep personal data between 1 and 3650 days."))
        if cleaned.get("target_mode"):
            try:
                targeting.check_target(
                    cleaned["target_mode"],
                    cleaned.get("target_tags"),
                    cleaned.get("target_min_age"),
                    cleaned.get("target_max_age"),
                    cleaned.get("target_residence_types"),
                )
            except CampaignError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(PolicyPermissions, admin.ModelAdmin):
    policy_permission = MANAGE
    form = CampaignForm
    inlines = [QuestionInline]
    list_display = ["name", "kind", "status", "org_path", "starts_at", "ends_at", "started_at", "ended_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]
    autocomplete_fields = ["units"]
    actions = ["start_selected", "end_selected"]
    DESIGN = ("kind", "units", "target_mode", "target_tags", "target_min_age", "target_max_age")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(path_filter("org_path", jurisdiction_paths(request.user, MANAGE)))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a fresh class per request (modelform_factory)
        return form

    def get_readonly_fields(self, request, obj=None):
        state = ["status", "org_path", "started_at", "ended_at", "purged_at", "created_by"]
        if obj is not None and obj.status != CampaignStatus.DRAFT:
            # A running campaign's targets were built from its design; only words and dates move.
            return [*state, *self.DESIGN, "target_residence_types", "starts_at", "retention_days"]
        return state

    def has_delete_permission(self, request, obj=None):
        # Campaigns are ended and purged, never deleted: the aggregates outlive them.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        units = form.cleaned_data.get("units")
        if units:
            obj.org_path = launch.common_ancestor(unit.path for unit in units)
        super().save_model(request, obj, form, change)
        record(
            "campaigns.change" if change else "campaigns.create",
            request=request,
            target=obj,
            details={"fields": sorted(form.changed_data), "admin": True},
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            record(
                "campaigns.checklist_change",
                request=request,
                target=form.instance,
                details={"questions": list(form.instance.questions.values_list("code", flat=True))},
            )

    @admin.action(description=_lazy("Start the selected draft campaigns"))
    def start_selected(self, request, queryset):
        self._run(request, queryset, launch.start_campaign, _("%(name)s started: %(count)s households."))

    @admin.action(description=_lazy("End the selected active campaigns"))
    def end_selected(self, request, queryset):
        self._run(request, queryset, launch.end_campaign, _("%(name)s ended."))

    def _run(self, request, queryset, action, done: str) -> None:
        for campaign in queryset:
            try:
                result = action(request.user, campaign)
            except CampaignError as error:
                self.message_user(request, f"{campaign}: {error.message}", messages.ERROR)
                continue
            count = result if isinstance(result, int) else 0
            self.message_user(request, done % {"name": campaign, "count": count}, messages.SUCCESS)
