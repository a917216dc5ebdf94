"""Forms of the export pages. They parse input and offer only the units the user may export;
people.exports / people.export_requests check the rest and name the field of any error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.access.scope import has_permission
from gridgov.geo.models import OrgUnit
from gridgov.people.exports import export_units
from gridgov.people.transfers import ExportFormat, RecordKind

MASKED = "masked"
UNMASKED = "unmasked"


def _bootstrap(form: forms.Form) -> None:
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.RadioSelect):
            continue  # styled in the template
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Records"), choices=RecordKind.choices)
    unit = forms.ChoiceField(label=_("Unit"))
    file_format = forms.ChoiceField(
        label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.XLSX, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(
        label=_("ID numbers and phones"),
        choices=[
            (MASKED, _("Masked (download now)")),
            (UNMASKED, _("In full (needs a second person's approval)")),
        ],
        initial=MASKED,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Purpose of the full list"),
        required=False,
        max_length=300,
        help_text=_(
            "Required for a list in full: what it is for. "
            "The file carries it, with your name and the approver's."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.code: unit for unit in export_units(user).only("code", "name_zh", "level", "path")}
        self.fields["unit"].choices = [
            (code, "\u3000" * (unit.level - 1) + f"{unit.name_zh} ({code})")
            for code, unit in self.units.items()
        ]
        self.may_request = has_permission(user, "people.export_unmasked")
        if not self.may_request:
            del self.fields["mode"]
            del self.fields["reason"]
        _bootstrap(self)

    @property
    def unmasked(self) -> bool:
        return self.may_request and self.cleaned_data.get("mode") == UNMASKED

    def clean_unit(self) -> OrgUnit:
        return self.units[self.cleaned_data["unit"]]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
