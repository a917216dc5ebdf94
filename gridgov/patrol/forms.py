"""Web forms of the patrol app: input only; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.geo.models import OrgUnit
from gridgov.patrol.corrections import HOUSEHOLD_FIELDS, PERSON_FIELDS
from gridgov.patrol.errors import PatrolError
from gridgov.patrol.models import Frequency, Need, Situation, TargetKind
from gridgov.patrol.visits import Correction, NewVisit
from gridgov.people.models import Household, Person, Sensitivity, Tag

WEEKDAY_LABELS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)


def _bootstrap(form: forms.Form) -> None:
    """Bootstrap classes on the widgets (the templates render fields as they are)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(
        label=_("Visited"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    nobody_home = forms.BooleanField(label=_("Nobody at home"), required=False)
    met = forms.ModelMultipleChoiceField(
        label=_("Who was met"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    situation = forms.ChoiceField(label=_("Situation"), choices=Situation.choices, widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    needs_other = forms.CharField(label=_("Other needs"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(label=_("Photo"), required=False)
    # One information correction per visit on the web form; the field app sends any number.
    correction_person = forms.ModelChoiceField(
        label=_("Correct the record of"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("the household"),
    )
    correction_field = forms.ChoiceField(label=_("Field"), required=False)
    correction_value = forms.CharField(label=_("Correct value"), max_length=200, required=False)

    # Service error fields -> form fields.
    FIELD_MAP = {
        "corrections.0.field": "correction_field",
        "corrections.0.value": "correction_value",
        "corrections.0.person": "correction_person",
        "photos": "photo",
    }

    def __init__(self, *args, household: Household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        members = Person.objects.filter(household=household).order_by("birth_date", "name")
        self.fields["met"].queryset = members
        self.fields["correction_person"].queryset = members
        choices = [("", "—")] + [(k, v) for k, v in {**PERSON_FIELDS, **HOUSEHOLD_FIELDS}.items()]
        self.fields["correction_field"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("visited_at", timezone.localtime().replace(second=0, microsecond=0))
        _bootstrap(self)

    def to_visit(self) -> NewVisit:
        data = self.cleaned_data
        corrections = []
        if data.get("correction_field"):
            corrections.append(
                Correction(
                    data["correction_field"], data.get("correction_value", ""), data.get("correction_person")
                )
            )
        return NewVisit(
            household=self.household,
            situation=data["situation"],
            visited_at=data["visited_at"],
            nobody_home=data["nobody_home"],
            met=list(data["met"]),
            needs=list(data["needs"]),
            needs_other=data["needs_other"],
            notes=data["notes"],
            corrections=corrections,
            photos=[data["photo"]] if data.get("photo") else [],
        )

    def add_service_error(self, error: PatrolError) -> None:
        name = self.FIELD_MAP.get(error.field, error.field)
        self.add_error(name if name in self.fields else None, str(error.message))


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else obj.username


class TaskForm(forms.Form):
    """A one-off task for a worker of a grid, optionally about a household (by its number)."""

    title = forms.CharField(label=_("Title"), max_length=100)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=OrgUnit.objects.none())
    household_number = forms.CharField(label=_("Household number (optional)"), max_length=30, required=False)
    assignee = WorkerChoiceField(label=_("Assigned to"), queryset=get_user_model().objects.none())
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, grids, workers, households, **kwargs) -> None:
        super().__init__(*args, prefix="task", **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["assignee"].queryset = workers
        self.households = households
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        number = (data.get("household_number") or "").strip()
        data["household"] = None
        if number:
            data["household"] = self.households.filter(number=number).first()
            if data["household"] is None:
                self.add_error("household_number", _("No such household in your area."))
        return data


class RuleForm(forms.Form):
    """A recurring task over the persons of a special group in an area."""

    title = forms.CharField(label=_("Title"), max_length=100)
    area = forms.ModelChoiceField(label=_("Community or grid"), queryset=OrgUnit.objects.none())
    tag = forms.ModelChoiceField(label=_("Special group"), queryset=Tag.objects.none())
    target = forms.ChoiceField(label=_("Target"), choices=TargetKind.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    due_weekday = forms.TypedChoiceField(
        label=_("Due weekday (weekly)"), coerce=int, choices=list(enumerate(WEEKDAY_LABELS)), initial=4
    )

    def __init__(self, *args, areas, **kwargs) -> None:
        super().__init__(*args, prefix="rule", **kwargs)
        self.fields["area"].queryset = areas
        self.fields["tag"].queryset = Tag.objects.filter(
            is_active=True, sensitivity__lt=Sensitivity.RESTRICTED
        )
