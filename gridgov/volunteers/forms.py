"""Forms of the volunteer pages. They only parse input: the services check it and name the
field of any error, which gridgov.web.form_errors puts next to that field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.geo.models import OrgUnit
from gridgov.volunteers.models import PointsMode

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RegisterForm(forms.Form):
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    availability = forms.CharField(
        label=_("When you are available"),
        max_length=200,
        required=False,
        help_text=_("For example: weekends, weekday evenings."),
    )


class _StyledForm(forms.Form):
    """Bootstrap classes on every widget of the staff forms."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")


class ActivityForm(_StyledForm):
    community = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Community"))
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=_WHEN)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=_WHEN)
    signup_limit = forms.IntegerField(label=_("Sign-up limit"), min_value=1, max_value=10000)
    points_mode = forms.ChoiceField(label=_("Points"), choices=PointsMode.choices)
    points = forms.IntegerField(label=_("Points (per hour or fixed)"), min_value=0, max_value=10000)

    def __init__(self, *args, communities=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities


class ItemForm(_StyledForm):
    community = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Community"))
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    price = forms.IntegerField(label=_("Price (points)"), min_value=1, max_value=1_000_000)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)

    def __init__(self, *args, communities=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities


class ItemUpdateForm(forms.Form):
    price = forms.IntegerField(label=_("Price (points)"), min_value=1, max_value=1_000_000)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)
    is_active = forms.BooleanField(label=_("Offered"), required=False)


class AdjustForm(forms.Form):
    amount = forms.IntegerField(label=_("Points (+ or −)"), min_value=-100_000, max_value=100_000)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
