"""Forms of the community pages. They only parse input: the actions in notices.py and
consultations.py validate it and name the field of any error (gridgov.web.form_errors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.geo.models import OrgUnit


class NoticeForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(), label=_("For the residents of"), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    ends_on = forms.DateField(
        label=_("Shown until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    pinned = forms.BooleanField(label=_("Pinned on top"), required=False)

    def __init__(self, *args, units=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["org_unit"].queryset = units


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    description = forms.CharField(
        label=_("What do you propose, and why?"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        required=False,
    )


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Supports needed"),
        required=False,
        help_text=_("Leave empty for the community default."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class OpenVoteForm(forms.Form):
    options = forms.CharField(
        label=_("Options, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        initial="",
    )
    closes_at = forms.DateTimeField(
        label=_("Voting closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def option_labels(self) -> list[str]:
        return (self.cleaned_data.get("options") or "").splitlines()


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=300, required=False)
    case_number = forms.CharField(label=_("Case number (optional)"), max_length=32, required=False)
