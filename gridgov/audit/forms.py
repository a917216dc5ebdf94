from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.audit.models import Outcome

# A browser date picker sends and expects ISO dates whatever the language.
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Account"), max_length=150, required=False)
    action = forms.CharField(
        label=_("Action"),
        max_length=64,
        required=False,
        help_text=_('Exact action, or a prefix ending in "." such as "auth."'),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any")), *Outcome.choices], required=False
    )
    target_type = forms.CharField(label=_("Target type"), max_length=64, required=False)
    target_id = forms.CharField(label=_("Target id"), max_length=64, required=False)
    q = forms.CharField(label=_("Target contains"), max_length=100, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=_DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=_DATE)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
