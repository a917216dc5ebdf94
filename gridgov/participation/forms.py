"""Forms of the resident portal. They only parse input: the workflow validates it and names the
field of any error, which the view puts back next to that field."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.web.cases.forms import PhotosField, category_choices

CRS_CHOICES = [
    ("wgs84", _("This phone's location or the map")),
    ("gcj02", _("Pasted from a phone map app (GCJ-02: Amap, Tencent, WeChat)")),
    ("bd09", _("Pasted from Baidu Maps (BD-09)")),
]
# The answer to "the same problem?": the resident saw the nearby cases and reports anyway.
NEW_PROBLEM = "new"


def _style(form: forms.Form) -> None:
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class PortalReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of problem?"))
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = PhotosField()
    lon = forms.FloatField(label=_("Longitude"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    crs = forms.ChoiceField(label=_("Where the coordinates come from"), choices=CRS_CHOICES, initial="wgs84")
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    hide_reporter = forms.BooleanField(
        label=_("Hide my name from the public"),
        required=False,
        help_text=_("Staff handling the problem still see who reported it."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    decision = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=str(_("Choose…")))
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        for name in ("lon", "lat"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        _style(self)

    @property
    def is_new_problem(self) -> bool:
        return self.cleaned_data.get("decision") == NEW_PROBLEM


class RateForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotFixedForm(StyledForm):
    reason = forms.CharField(
        label=_("What is still wrong?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RemindForm(StyledForm):
    note = forms.CharField(label=_("Message (optional)"), required=False, max_length=500)
