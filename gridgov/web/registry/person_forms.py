"""Forms of the person and household pages. They parse input and offer only records in the
user's jurisdiction; people.services validates the rest and names the field of any error,
which the view puts back on the form (gridgov.web.form_errors)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gridgov.access.scope import has_permission, scoped
from gridgov.geo.models import Level, OrgUnit, path_for_code
from gridgov.people.ethnicities import Ethnicity
from gridgov.people.models import (
    House,
    Household,
    Person,
    PersonStatus,
    Relation,
    ResidenceType,
    Tag,
)
from gridgov.people.search import PersonQuery
from gridgov.people.services import UNCHANGED
from gridgov.people.visibility import LEVEL_PERMISSION, may_see_level

EDIT = "people.edit"
VIEW = "people.view"
# Above this many grids and communities in a jurisdiction, the search's unit filter stops at
# communities: a select of a thousand grids helps nobody.
UNIT_FILTER_GRID_CAP = 200


def _bootstrap(form: forms.Form) -> None:
    """Bootstrap classes on every widget."""
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        elif isinstance(widget, forms.HiddenInput):
            continue
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


# --- Search ------------------------------------------------------------------------------------


def visible_tag_choices(user) -> list[tuple[str, str]]:
    """Active tags of the levels the user may see somewhere (people.visibility)."""
    levels = [level for level, code in LEVEL_PERMISSION.items() if has_permission(user, code)]
    tags = Tag.objects.filter(is_active=True, sensitivity__in=levels).order_by("sensitivity", "code")
    english = (get_language() or "").startswith("en")
    return [(tag.code, tag.name_en if english and tag.name_en else tag.name_zh) for tag in tags]


def unit_filter_choices(user) -> list[tuple[str, str]]:
    """Units of the people.view jurisdiction below its tops, indented by level; grids only when
    there are few of them."""
    units = list(
        scoped(user, OrgUnit.objects.active().filter(level__lte=Level.GRID), VIEW)
        .only("code", "path", "level", "name_zh", "name_en")
        .order_by("path")
    )
    if sum(unit.level == Level.GRID for unit in units) > UNIT_FILTER_GRID_CAP:
        units = [unit for unit in units if unit.level < Level.GRID]
    language = get_language()
    top = min((unit.level for unit in units), default=0)
    return [(unit.code, "\u2003" * (unit.level - top) + unit.name_for(language)) for unit in units]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, pinyin, ID number or phone"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "autofocus": True}),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=100)
    tag = forms.ChoiceField(label=_("Special group"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *PersonStatus.choices]
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": PersonStatus.ACTIVE})
        super().__init__(*args, **kwargs)
        _choice(self, "tag").choices = _blank(_("Any group")) + visible_tag_choices(user)
        units = unit_filter_choices(user)
        if len(units) > 1:
            _choice(self, "unit").choices = _blank(_("Whole jurisdiction")) + units
        else:
            del self.fields["unit"]
        _bootstrap(self)

    def query(self) -> PersonQuery:
        """The search this form asks for (an unbound form: people living here)."""
        if not self.is_bound:
            return PersonQuery(status=PersonStatus.ACTIVE)
        data = self.cleaned_data
        unit = data.get("unit") or ""
        return PersonQuery(
            text=data["q"],
            address=data["address"],
            tag=data["tag"],
            status=data["status"],
            grid_path=path_for_code(unit) if unit else "",
        )


# --- Places: grid, then the houses and households of that grid ---------------------------------


def editable_grids(user) -> QuerySet[OrgUnit]:
    """Active grids of the user's people.edit jurisdiction, without their (large) boundaries."""
    grids = (
        OrgUnit.objects.active().filter(level=Level.GRID).only("code", "path", "level", "name_zh", "name_en")
    )
    return scoped(user, grids, EDIT).order_by("path")


def house_choices(houses: QuerySet[House]) -> list:
    """Houses grouped by building: [(building name, [(pk, "1号楼 1-101"), …]), …]."""
    groups: dict[int, tuple[str, list]] = {}
    rows = houses.order_by("building__name", "building_id", "unit", "floor", "number").values_list(
        "pk", "building_id", "building__name", "unit", "number"
    )
    for pk, building_id, building_name, unit, number in rows:
        # The label repeats the building's name: a closed select does not show its group.
        groups.setdefault(building_id, (building_name, []))[1].append(
            (pk, f"{building_name} {unit}-{number}")
        )
    return list(groups.values())


def household_choices(households: QuerySet[Household]) -> list[tuple[int, str]]:
    """[(pk, "number · head's name"), …]."""
    rows = households.order_by("number").values_list("pk", "number", "head__name")
    return [(pk, f"{number} · {head}" if head else number) for pk, number, head in rows]


class _PlaceForm(forms.Form):
    """A grid select, and the houses (and households) of the chosen grid to pick from.

    The selects validate against everything in the user's people.edit jurisdiction, but list only
    the chosen grid's records (a district holds hundreds of thousands of houses); picking another
    grid reloads them (htmx, registry:person_places).
    """

    PLACE_FIELDS = ("grid", "house", "household")

    def _add_places(self, user, *, grid: OrgUnit | None, households: bool) -> None:
        self.grids = {unit.code: unit for unit in editable_grids(user)}
        language = get_language()
        self.fields["grid"] = forms.ChoiceField(
            label=_("Grid"),
            choices=[(code, unit.name_for(language)) for code, unit in self.grids.items()],
            help_text=_("With a house chosen, the house's grid counts."),
            widget=forms.Select(
                attrs={
                    "hx-get": reverse("registry:person_places"),
                    "hx-vals": json.dumps({"form": "person" if households else "household"}),
                    "hx-target": "#gg-places",
                    "hx-swap": "outerHTML",
                }
            ),
        )
        chosen = self._chosen_grid(grid)
        if chosen is not None:
            self.initial["grid"] = chosen.code
        in_scope_houses = scoped(user, House.objects.all(), EDIT)
        self.fields["house"] = forms.ModelChoiceField(
            label=_("House"), queryset=in_scope_houses, required=False, empty_label=str(_("(no house)"))
        )
        self.fields["house"].widget.choices = _blank(_("(no house)")) + (
            house_choices(in_scope_houses.filter(grid=chosen)) if chosen else []
        )
        if households:
            in_scope_households = scoped(user, Household.objects.filter(is_active=True), EDIT)
            self.fields["household"] = forms.ModelChoiceField(
                label=_("Household"), queryset=in_scope_households, required=False
            )
            self.fields["household"].widget.choices = _blank(_("(no household)")) + (
                household_choices(in_scope_households.filter(grid=chosen)) if chosen else []
            )

    def _chosen_grid(self, default: OrgUnit | None) -> OrgUnit | None:
        code = self.data.get(self.add_prefix("grid")) if self.is_bound else None
        if code in self.grids:
            return self.grids[code]
        if default is not None and default.code in self.grids:
            return default
        return next(iter(self.grids.values()), None)

    def clean_grid(self) -> OrgUnit:
        return self.grids[self.cleaned_data["grid"]]


# --- Persons -----------------------------------------------------------------------------------


class IdentifierInput(forms.TextInput):
    """A text input that never shows a value: not the stored identifier, nor one typed before."""

    def format_value(self, value: Any) -> None:
        return None


class PersonForm(_PlaceForm):
    """Create or correct a person. The identifiers are never shown: empty keeps the stored value,
    "clear" removes it."""

    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=30,
        widget=IdentifierInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    clear_id_number = forms.BooleanField(label=_("Remove the ID number"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=20,
        widget=IdentifierInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    clear_phone = forms.BooleanField(label=_("Remove the phone"), required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False)
    residence_type = forms.ChoiceField(label=_("Residence type"), choices=ResidenceType.choices)
    registered_address = forms.CharField(
        label=_("Registered address (户籍地)"), required=False, max_length=200
    )
    relation = forms.ChoiceField(
        label=_("Relation to the head"), required=False, choices=_blank("—") + list(Relation.choices)
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    ORDER = (
        "name",
        "id_number",
        "clear_id_number",
        "phone",
        "clear_phone",
        "ethnicity",
        "residence_type",
        "registered_address",
        "grid",
        "house",
        "household",
        "relation",
        "note",
    )

    def __init__(
        self,
        *args: Any,
        user,
        person: Person | None = None,
        household: Household | None = None,
        grid: OrgUnit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        _choice(self, "ethnicity").choices = _blank("—") + list(Ethnicity.choices)
        if person is not None:
            self.initial.update(
                {
                    "name": person.name,
                    "ethnicity": person.ethnicity,
                    "residence_type": person.residence_type,
                    "registered_address": person.registered_address,
                    "house": person.house_id,
                    "household": person.household_id,
                    "relation": person.relation,
                    "note": person.note,
                }
            )
            self.fields["id_number"].help_text = self._keep_hint(person.id_number_masked)
            self.fields["phone"].help_text = self._keep_hint(person.phone_masked)
        else:
            del self.fields["clear_id_number"], self.fields["clear_phone"]
        if household is not None:
            self.initial.update({"household": household.pk, "house": household.house_id})
        if grid is None:
            grid = person.grid if person else household.grid if household else None
        self._add_places(user, grid=grid, households=True)
        self.order_fields(self.ORDER)
        _bootstrap(self)

    @staticmethod
    def _keep_hint(masked: str) -> str:
        if not masked:
            return str(_("None recorded."))
        return str(_("Recorded: %(masked)s. Leave empty to keep it.") % {"masked": masked})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("id_number", "phone"):
            if data.get(name) and data.get(f"clear_{name}"):
                self.add_error(name, _("Enter a new value or remove the old one, not both."))
        return data

    def apply(self, person: Person) -> dict[str, Any]:
        """Copy the input onto `person`; return the identifier arguments of services.save_person."""
        data = self.cleaned_data
        person.name = data["name"]
        person.ethnicity = data["ethnicity"]
        person.residence_type = data["residence_type"]
        person.registered_address = data["registered_address"]
        person.relation = data["relation"]
        person.note = data["note"]
        person.household = data["household"]
        person.house = data["house"]
        person.grid = data["house"].grid if data["house"] else data["grid"]
        return {
            "id_number": self._identifier(data, "id_number"),
            "phone": self._identifier(data, "phone"),
        }

    @staticmethod
    def _identifier(data: dict[str, Any], name: str) -> Any:
        if data.get(f"clear_{name}"):
            return ""
        return data[name].strip() or UNCHANGED


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=PersonStatus.choices)
    effective_on = forms.DateField(
        label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)
        _choice(self, "status").choices = [c for c in PersonStatus.choices if c[0] != person.status]
        self.initial.setdefault("effective_on", timezone.localdate())
        _bootstrap(self)

    def clean_effective_on(self) -> date:
        day = self.cleaned_data["effective_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class TagForm(forms.Form):
    """Add a special-group tag: only tags whose level the user may see in the person's unit."""

    tag = forms.ChoiceField(label=_("Special group"))
    since = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, user, person: Person, present: set[int], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "tag")
        super().__init__(*args, **kwargs)
        english = (get_language() or "").startswith("en")
        self.tags = {
            tag.code: tag
            for tag in Tag.objects.filter(is_active=True)
            .exclude(pk__in=present)
            .order_by("sensitivity", "code")
            if may_see_level(user, tag.sensitivity, person.org_path)
        }
        _choice(self, "tag").choices = [
            (code, tag.name_en if english and tag.name_en else tag.name_zh) for code, tag in self.tags.items()
        ]
        _bootstrap(self)

    def clean_tag(self) -> Tag:
        return self.tags[self.cleaned_data["tag"]]


# --- Households --------------------------------------------------------------------------------


class HouseholdForm(_PlaceForm):
    number = forms.CharField(
        label=_("Household number"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to have one generated."),
    )

    def __init__(
        self,
        *args: Any,
        user,
        household: Household | None = None,
        grid: OrgUnit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        if household is not None:
            self.initial.update({"number": household.number, "house": household.house_id})
            self.fields["head"] = forms.ModelChoiceField(
                label=_("Head of household"),
                queryset=household.members.order_by("name", "id"),
                required=False,
                empty_label="—",
            )
            self.initial["head"] = household.head_id
        self._add_places(user, grid=grid or (household.grid if household else None), households=False)
        self.order_fields(("number", "grid", "house", "head"))
        _bootstrap(self)

    def apply(self, household: Household) -> None:
        data = self.cleaned_data
        household.number = data["number"].strip()
        household.house = data["house"]
        household.grid = data["house"].grid if data["house"] else data["grid"]
        if "head" in data:
            household.head = data["head"]
