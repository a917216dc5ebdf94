"""The upload form of the import pages: it offers only the units the user may import into;
people.imports.jobs checks the rest and names the field of any error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.geo.models import OrgUnit
from gridgov.people.imports.jobs import importable_units
from gridgov.people.transfers import RecordKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Records"), choices=RecordKind.choices)
    unit = forms.ChoiceField(label=_("Import into"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx, first sheet) or CSV (UTF-8 or GBK), with the template's headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {
            unit.code: unit for unit in importable_units(user).only("code", "name_zh", "level", "path")
        }
        self.fields["unit"].choices = [
            (code, "\u3000" * (unit.level - 1) + f"{unit.name_zh} ({code})")
            for code, unit in self.units.items()
        ]
        for bound in self:
            widget = bound.field.widget
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    def clean_unit(self) -> OrgUnit:
        return self.units[self.cleaned_data["unit"]]
