"""Web forms of the campaign pages: input only; launch.create_campaign checks the rules, and the
follow-up form's one action is the audited compare-and-swap that closes a follow-up."""

from __future__ import annotations

from datetime import date
from typing import cast

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from gridgov.audit.log import record
from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import CampaignKind, FollowUp, FollowUpState, TargetMode
from gridgov.geo.models import Level, OrgUnit
from gridgov.people.models import ResidenceType, Sensitivity, Tag
from gridgov.web.form_errors import add_field_error

# Service error fields that name no field of the form go to the form's top.
CAMPAIGN_FIELDS = (
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
)


def _bootstrap(form: forms.Form) -> None:
    """Bootstrap classes on the widgets (the templates render fields as they are)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def _local_datetime(**attrs) -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", **attrs}, format="%Y-%m-%dT%H:%M")


class UnitChoiceField(forms.ModelMultipleChoiceField):
    """Units shown indented by level, so the tree reads in a plain multiple select."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u3000" * (obj.level - Level.DISTRICT) + f"{obj.name_zh} ({obj.code})"


class CampaignForm(forms.Form):
    name = forms.CharField(label=_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=_lazy("Kind"), choices=CampaignKind.choices)
    description = forms.CharField(
        label=_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    units = UnitChoiceField(
        label=_lazy("Scope"),
        queryset=OrgUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_lazy("Streets, communities or grids of your jurisdiction; hold Ctrl to choose several."),
    )
    target_mode = forms.ChoiceField(
        label=_lazy("Target"), choices=TargetMode.choices, initial=TargetMode.ALL, widget=forms.RadioSelect
    )
    target_tags = forms.ModelMultipleChoiceField(
        label=_lazy("Special groups"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_min_age = forms.IntegerField(
        label=_lazy("Minimum age"), required=False, min_value=0, max_value=150
    )
    target_max_age = forms.IntegerField(
        label=_lazy("Maximum age"), required=False, min_value=0, max_value=150
    )
    target_residence_types = forms.MultipleChoiceField(
        label=_lazy("Residence types"),
        choices=ResidenceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(label=_lazy("Starts"), widget=_local_datetime())
    ends_at = forms.DateTimeField(label=_lazy("Ends"), widget=_local_datetime())
    retention_days = forms.IntegerField(
        label=_lazy("Retention (days after the end)"),
        initial=30,
        min_value=1,
        max_value=3650,
        help_text=_lazy("Personal answers and monitoring records are deleted this many days after the end."),
    )

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = units
        # Highly sensitive groups cannot be targeted (campaigns.targeting refuses them).
        cast(forms.ModelMultipleChoiceField, self.fields["target_tags"]).queryset = Tag.objects.filter(
            is_active=True, sensitivity__lt=Sensitivity.RESTRICTED
        )
        _bootstrap(self)

    def clean(self):
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        return data

    def service_arguments(self) -> dict:
        """The keyword arguments of launch.create_campaign."""
        data = dict(self.cleaned_data)
        data["target_tags"] = [tag.pk for tag in data["target_tags"]]
        return {name: data[name] for name in CAMPAIGN_FIELDS}

    def add_service_error(self, error: CampaignError) -> None:
        add_field_error(self, error)


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(label=_lazy("Note"), max_length=200, required=False)

    @transaction.atomic
    def save(self, user, follow_up: FollowUp) -> FollowUp:
        """Mark an open follow-up done (the caller has checked the user may see it). Only an open
        one changes (compare-and-swap), so two people closing it at once record one closure.

        Raises CampaignError("state") when it was already done.
        """
        now = timezone.now()
        note = self.cleaned_data.get("note", "").strip()
        changed = FollowUp.objects.filter(pk=follow_up.pk, state=FollowUpState.OPEN).update(
            state=FollowUpState.DONE, note=note, done_at=now, done_by=user
        )
        if not changed:
            raise CampaignError("state", _("This follow-up is already done."))
        follow_up.refresh_from_db()
        record(
            "campaigns.follow_up_done",
            actor=user,
            target=follow_up,
            details={"campaign": follow_up.campaign_id, "label": follow_up.label},
        )
        return follow_up


class ReportDayForm(forms.Form):
    day = forms.DateField(label=_lazy("Day"), required=False, input_formats=["%Y-%m-%d"])

    def chosen_day(self) -> date:
        return self.cleaned_data.get("day") or timezone.localdate()


class ListImportForm(forms.Form):
    """A workbook of households for a campaign targeted by list (TargetMode.LIST)."""

    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("The first row names a column 户号 (household number) or 身份证号 (ID number)."),
    )
    replace = forms.BooleanField(
        label=_("Replace the current list (otherwise the file's households are added)"), required=False
    )
