"""Forms of the case pages. They only parse input; gridgov.cases.workflow validates it and names
the field of any error, which the view puts back on the form (gridgov.web.form_errors)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gridgov.access.models import Department
from gridgov.cases.models import Case, Category, State, Urgency
from gridgov.geo.models import OrgUnit

CRS_CHOICES = [
    ("wgs84", _("WGS-84 (GPS, this page's map)")),
    ("gcj02", _("GCJ-02 (Gaode/Amap, Tencent, WeChat)")),
    ("bd09", _("BD-09 (Baidu Maps)")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; the workflow checks type, size and count."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"accept": "image/*", "capture": "environment", "multiple": True}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(upload, initial) for upload in files]


def category_choices(*, blank: str | None = None) -> list:
    """Active categories grouped under their top-level category: the parent first, then its children."""
    language = get_language()
    categories = list(Category.objects.filter(is_active=True).select_related("parent").order_by("code"))
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    groups: list = [("", blank)] if blank is not None else []
    for top in (c for c in categories if c.parent_id is None):
        name = top.name_for(language)
        options = [(top.code, f"{top.code} {name} · {_('general')}")]
        options += [(c.code, f"{c.code} {c.name_for(language)}") for c in children.get(top.pk, [])]
        groups.append((f"{top.code} {name}", options))
    return groups


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget."""
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        elif isinstance(widget, forms.HiddenInput):
            continue
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


# --- Actions on a case -------------------------------------------------------------------------


def _note() -> forms.CharField:
    return forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _reason() -> forms.CharField:
    return forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _fields_for(action: str, case: Case) -> dict[str, forms.Field]:
    """The input of each action (see the `_<action>` functions of gridgov.cases.workflow)."""
    if action == "register":
        return {
            "category": forms.ChoiceField(
                label=_("Category"), required=False, choices=category_choices(blank=str(_("(keep)")))
            ),
            "urgency": forms.ChoiceField(
                label=_("Urgency"), required=False, choices=[("", _("(keep)")), *Urgency.choices]
            ),
            "note": _note(),
        }
    if action == "merge":
        return {
            "into": forms.CharField(
                label=_("Number of the case this one repeats"), required=False, max_length=32
            ),
            "note": _note(),
        }
    if action == "dispatch":
        return {
            "addressee": forms.ChoiceField(
                label=_("Send to"), required=False, choices=addressee_choices(case)
            ),
            "deadline": forms.DateTimeField(
                label=_("Deadline (empty: the category's time limit)"),
                required=False,
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            ),
            "note": _note(),
        }
    if action == "handle":
        return {
            "result": forms.CharField(
                label=_("What was done"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            ),
            "photos": PhotosField(),
        }
    if action == "verify":
        return {"note": _note(), "photos": PhotosField()}
    if action == "reopen":
        return {
            "reason": forms.CharField(
                label=_("What is still wrong"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            ),
            "photos": PhotosField(),
        }
    if action == "request_extension":
        return {
            "hours": forms.IntegerField(
                label=_("Extra working hours"),
                required=False,
                widget=forms.NumberInput(attrs={"min": 1, "max": 720}),
            ),
            "reason": _reason(),
        }
    if action == "rate":
        return {
            "rating": forms.TypedChoiceField(
                label=_("Your rating"),
                required=False,
                coerce=int,
                choices=[(n, str(n)) for n in range(1, 6)],
                widget=forms.RadioSelect,
            ),
            "comment": forms.CharField(
                label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            ),
        }
    if action in ("reject", "return", "escalate", "suspend", "not_fixed"):
        return {"reason": _reason()}
    return {"note": _note()}


class ActionForm(forms.Form):
    """One action on one case. `version` is the case version the page showed (409 when stale)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    # Fields the workflow names differently from this form.
    ALIASES = {"department": "addressee", "handling_unit": "addressee"}

    def __init__(self, action: str, case: Case, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.action = action
        self.case = case
        self.fields.update(_fields_for(action, case))
        self.initial.setdefault("version", case.version)
        if action == "dispatch":
            self.initial.setdefault("addressee", suggested_addressee(case))
        _style(self)

    @property
    def has_photos(self) -> bool:
        return "photos" in self.fields

    def params(self) -> dict[str, Any]:
        """Keyword arguments for workflow.perform."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        if self.action == "dispatch":
            kind, _sep, code = (data.pop("addressee") or "").partition(":")
            data["department" if kind == "department" else "handling_unit"] = code if kind else ""
        return {name: value for name, value in data.items() if value not in ("", None, [])}


def suggested_addressee(case: Case) -> str:
    if case.suggested_department_id:
        return f"department:{case.suggested_department.code}"
    if case.suggested_unit_id:
        return f"unit:{case.suggested_unit.code}"
    return ""


def _ancestor_paths(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def addressee_choices(case: Case) -> list:
    """Departments serving the case's area and the units below the responsible level that contain it."""
    language = get_language()
    english = bool(language and language.startswith("en"))
    paths = _ancestor_paths(case.org_path)
    departments = Department.objects.filter(is_active=True, org_unit__path__in=paths).order_by("code")
    units = OrgUnit.objects.active().filter(path__in=paths, level__gt=case.level).order_by("level")
    suggested = suggested_addressee(case)
    mark = " ★"

    def label(value: str, name: str) -> str:
        return name + (mark if value == suggested else "")

    return [
        ("", _("Choose…")),
        (
            _("Departments"),
            [
                (
                    f"department:{d.code}",
                    label(f"department:{d.code}", (d.name_en if english and d.name_en else d.name_zh)),
                )
                for d in departments
            ],
        ),
        (
            _("Lower units"),
            [(f"unit:{u.code}", label(f"unit:{u.code}", u.name_for(language))) for u in units],
        ),
    ]


# --- Filters -----------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Number or text"), "type": "search"}),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *State.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    unit = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 150502001"), "inputmode": "numeric"}),
    )
    alert = forms.ChoiceField(
        label=_("Time status"),
        required=False,
        choices=[("", _("Any")), ("yellow", _("Warning")), ("red", _("Overdue"))],
    )
    date_from = forms.DateField(
        label=_("Reported from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=str(_("Any category")))
        _style(self)

    def clean_unit(self) -> str:
        code = self.cleaned_data["unit"].strip()
        if code and not (code.isdigit() and len(code) in (6, 9, 12, 15)):
            raise forms.ValidationError(_("A unit code has 6, 9, 12 or 15 digits."))
        return code


# --- New report --------------------------------------------------------------------------------


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    crs = forms.ChoiceField(label=_("Coordinate system"), choices=CRS_CHOICES, initial="wgs84")
    photos = PhotosField()
    self_handled = forms.BooleanField(label=_("Handled on the spot"), required=False)
    result = forms.CharField(
        label=_("What was done on the spot"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hide_reporter = forms.BooleanField(
        label=_("Hide my name"),
        required=False,
        help_text=_("Staff handling the case still see who reported it."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, may_self_handle: bool, is_resident: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=str(_("Choose a category…")))
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        if not may_self_handle:
            del self.fields["self_handled"], self.fields["result"]
        if not is_resident:
            del self.fields["hide_reporter"]
        for name in ("lon", "lat"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        _style(self)
