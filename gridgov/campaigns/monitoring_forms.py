"""Web forms of the health-monitoring pages: input only; the rules (ranges, lists, periods,
two persons) live in campaigns.monitoring, whose errors the views put back on the fields."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import ChangeAction, HelpKind, MonitoringKind, TestResult
from gridgov.campaigns.monitoring import SYMPTOMS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrors:
    """Puts a CampaignError on its field (or on the form when the field is not shown)."""

    def add_service_error(self, error: CampaignError) -> None:
        field = error.field if error.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, str(error.message))  # type: ignore[attr-defined]


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class CheckInForm(ServiceErrors, forms.Form):
    temperature = forms.CharField(
        label=_("Temperature (°C)"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "36.5"}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=list(SYMPTOMS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    test_result = forms.ChoiceField(label=_("Test result"), choices=TestResult.choices, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)
        _style(self)


class HelpForm(ServiceErrors, forms.Form):
    kind = forms.ChoiceField(label=_("Needed"), choices=HelpKind.choices)
    text = forms.CharField(label=_("What exactly"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ProposeForm(ServiceErrors, forms.Form):
    action = forms.ChoiceField(label=_("Proposal"), choices=ChangeAction.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *MonitoringKind.choices], required=False)
    starts_on = forms.DateField(label=_("First day"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [c for c in ChangeAction.choices if c[0] in actions]
        _style(self)
