"""Query-parameter filters shared by the API's lists."""

from __future__ import annotations

import django_filters
from django import forms
from django_filters.fields import ChoiceField


class PresentChoiceField(ChoiceField):
    """A choice that must be one of the listed values whenever the parameter is sent: an empty
    `kind=` is refused like any other unknown value rather than read as "any"."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().clean(value)


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = PresentChoiceField
