"""Forms of the building, house, organization and component pages, and the filters of their lists.

They parse input only: people.services validates (grid under the point, credit code, units and
floors of the building …) and names the field of any error, which the view puts back on the form.
Uniqueness too is left to the services, which check it after normalizing the value.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.people.models import (
    Building,
    Component,
    ComponentKind,
    ComponentState,
    FireRisk,
    House,
    Organization,
    OrganizationKind,
    Person,
)
from gridgov.people.services import UNCHANGED
from gridgov.web.cases.forms import PhotosField
from gridgov.web.cases.forms import _style as style
from gridgov.web.form_errors import add_error


def _date_input() -> forms.DateInput:
    # The browser's date picker takes and gives ISO dates, whatever the page's language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Service errors about the point ("location") show under the longitude, beside the latitude.
ALIASES = {"location": "lon"}


def add_service_error(form: forms.Form, field: str | None, message: str) -> None:
    add_error(form, field, message, ALIASES)


def _coordinate(label) -> forms.FloatField:
    return forms.FloatField(
        label=label, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
    )


class _ServiceModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepare()
        style(self)

    def prepare(self) -> None:
        """Adjust the fields; runs before styling, since bound fields copy a field when first made."""

    def validate_unique(self) -> None:
        """Left to people.services, which compare normalized values and name the field."""


class BuildingForm(_ServiceModelForm):
    lon = _coordinate(_("Longitude"))
    lat = _coordinate(_("Latitude"))
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=200)
    units = forms.IntegerField(label=_("Units (entrances)"), min_value=1, max_value=50)

    class Meta:
        model = Building
        fields = ["name", "address", "kind", "lon", "lat", "floors", "units"]


class HouseForm(_ServiceModelForm):
    unit = forms.IntegerField(label=_("Unit"))
    floor = forms.IntegerField(label=_("Floor"), help_text=_("Negative for a basement; there is no floor 0."))

    class Meta:
        model = House
        fields = ["unit", "floor", "number", "area_m2", "use"]


class TenancyForm(forms.Form):
    """A plain form: the service checks the dates and names the field (the model's database
    check would otherwise answer first, without a field)."""

    tenant = forms.ModelChoiceField(
        label=_("Tenant among the residents"), queryset=Person.objects.none(), required=False
    )
    tenant_name = forms.CharField(label=_("Tenant's name"), max_length=50, required=False)
    landlord_name = forms.CharField(label=_("Landlord's name"), max_length=50, required=False)
    starts_on = forms.DateField(label=_("From"), widget=_date_input())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=_date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, residents, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tenant"].queryset = residents
        self.fields["tenant"].empty_label = _("(not registered here)")
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A registered tenant gives the name; the service still requires one.
        if data.get("tenant") and not data.get("tenant_name"):
            data["tenant_name"] = data["tenant"].name
        return data


class OrganizationForm(_ServiceModelForm):
    lon = _coordinate(_("Longitude"))
    lat = _coordinate(_("Latitude"))
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    clear_contact_phone = forms.BooleanField(label=_("Remove the stored contact phone"), required=False)

    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "credit_code",
            "legal_representative",
            "contact_name",
            "address",
            "lon",
            "lat",
            "building",
            "employees",
            "is_active",
            "fire_inspected_on",
            "fire_risk",
            "extinguishers_ok",
            "exits_clear",
            "fire_notes",
        ]
        widgets = {"fire_inspected_on": _date_input()}

    def __init__(self, *args: Any, buildings, **kwargs: Any) -> None:
        self.buildings = buildings
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        self.fields["building"].queryset = self.buildings
        self.fields["building"].empty_label = _("(none)")
        self.fields["credit_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        stored = self.instance.contact_phone_masked if self.instance.pk else ""
        if stored:
            self.fields["contact_phone"].help_text = _(
                "Stored: %(masked)s. Leave empty to keep it; type a new number to replace it."
            ) % {"masked": stored}
        else:
            del self.fields["clear_contact_phone"]

    def contact_phone_argument(self):
        """The contact_phone argument of services.save_organization: None clears, UNCHANGED keeps."""
        if self.cleaned_data.get("clear_contact_phone"):
            return None
        return self.cleaned_data["contact_phone"].strip() or UNCHANGED


class ComponentForm(_ServiceModelForm):
    lon = _coordinate(_("Longitude"))
    lat = _coordinate(_("Latitude"))
    photos = PhotosField(label=_("Add photos"))

    class Meta:
        model = Component
        fields = ["code", "kind", "name", "lon", "lat", "state", "owner", "installed_on", "note"]
        widgets = {"installed_on": _date_input()}


class PhotoForm(forms.Form):
    photos = PhotosField(label=_("Add photos"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


# --- List filters ------------------------------------------------------------------------------


def _any(label, choices) -> list:
    return [("", label), *choices]


class _FilterForm(forms.Form):
    """A GET filter; the unit travels as ?unit=<code> and is checked by the view."""

    q = forms.CharField(
        label=_("Name or address"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class BuildingFilterForm(_FilterForm):
    pass


class OrganizationFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_any(_("Any kind"), OrganizationKind.choices)
    )
    fire_risk = forms.ChoiceField(
        label=_("Fire risk"), required=False, choices=_any(_("Any risk"), FireRisk.choices)
    )
    overdue = forms.BooleanField(label=_("Fire-safety inspection overdue (over 12 months)"), required=False)


class ComponentFilterForm(_FilterForm):
    q = forms.CharField(
        label=_("Code or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_any(_("Any kind"), ComponentKind.choices)
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_any(_("Any state"), ComponentState.choices)
    )
