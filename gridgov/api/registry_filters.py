"""Query parameters of the registry lists, each validated: a bad value is a 400 naming it.

Every list is already scoped by the view (access.scope); `unit` narrows inside that jurisdiction
and refuses a unit outside it like an unknown one. The persons list hands its parameters to
people.search.persons_matching, the one place that knows how persons are found.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from gridgov.access.scope import in_scope, jurisdiction_paths, path_filter
from gridgov.api.cases import MomentFilter
from gridgov.api.filters import StrictChoiceFilter
from gridgov.geo.models import OrgUnit
from gridgov.people.models import (
    Building,
    BuildingKind,
    Component,
    ComponentKind,
    ComponentState,
    House,
    Household,
    HouseUse,
    Organization,
    OrganizationKind,
    Person,
    PersonStatus,
    PersonTag,
    Tag,
)
from gridgov.people.search import PersonQuery, persons_matching
from gridgov.people.visibility import LEVEL_PERMISSION, visible_tags_q

VIEW = "people.view"


def visible_levels(user) -> list[int]:
    """The tag sensitivity levels `user` may see somewhere in the jurisdiction."""
    return [level for level, code in LEVEL_PERMISSION.items() if jurisdiction_paths(user, code)]


def visible_tag_definitions(user):
    return Tag.objects.filter(sensitivity__in=visible_levels(user))


def unit_path(user, code: str) -> str:
    """The path of the unit `code` inside the caller's registry jurisdiction; a 400 naming `unit`
    otherwise (a unit elsewhere answers like a missing one)."""
    path = OrgUnit.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None or not in_scope(user, path, VIEW):
        raise ValidationError({"unit": [_("No org unit of your jurisdiction has this code.")]})
    return path


def checked_tag(user, code: str) -> str:
    if not visible_tag_definitions(user).filter(code=code).exists():
        raise ValidationError({"tag": [_("No tag you may see has this code.")]})
    return code


def _record_id(value: str, field: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 15:
        raise ValidationError({field: [_("Must be a whole number.")]})
    return int(value)


class RegistryFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(
        method="filter_unit",
        max_length=20,
        help_text="Org-unit code inside your jurisdiction: records in it.",
    )
    updated_since = MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="ISO date or date-time: records changed at or after it (for clients that sync).",
    )

    def filter_unit(self, records, name, code):
        return records.filter(path_filter("org_path", [unit_path(self.request.user, code)]))


class PersonFilter(RegistryFilter):
    status = StrictChoiceFilter(choices=PersonStatus.choices, method="through_search")
    tag = django_filters.CharFilter(
        max_length=32, method="through_search", help_text="Tag code; only tags you may see."
    )
    q = django_filters.CharFilter(
        max_length=100,
        method="through_search",
        help_text="Name (prefix), pinyin or its initials, or an exact ID or mobile number.",
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def through_search(self, persons, name, value):
        return persons  # applied together in filter_queryset, through persons_matching

    def filter_unit(self, persons, name, code):
        return persons

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        user = self.request.user
        query = PersonQuery(
            text=data.get("q") or "",
            tag=checked_tag(user, data["tag"]) if data.get("tag") else "",
            status=data.get("status") or "",
            grid_path=unit_path(user, data["unit"]) if data.get("unit") else "",
        )
        # The search scopes by itself; combining keeps the view's select_related and prefetches.
        persons = queryset & persons_matching(user, query).order_by()
        return super().filter_queryset(persons)


class HouseholdFilter(RegistryFilter):
    tag = django_filters.CharFilter(
        max_length=32, method="filter_tag", help_text="Tag code: households with a member carrying it."
    )
    q = django_filters.CharFilter(max_length=30, method="filter_number", help_text="Household number prefix.")

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_tag(self, households, name, code):
        user = self.request.user
        tagged = PersonTag.objects.filter(
            visible_tags_q(user), person__household=OuterRef("pk"), tag__code=checked_tag(user, code)
        )
        return households.filter(Exists(tagged))

    def filter_number(self, households, name, text):
        return households.filter(number__startswith=text.strip())


class BuildingFilter(RegistryFilter):
    kind = StrictChoiceFilter(choices=BuildingKind.choices)
    q = django_filters.CharFilter(
        max_length=100, method="filter_text", help_text="Part of the name or address."
    )

    class Meta:
        model = Building
        fields: list[str] = []

    def filter_text(self, buildings, name, text):
        text = text.strip()
        return buildings.filter(Q(name__icontains=text) | Q(address__icontains=text))


class HouseFilter(RegistryFilter):
    use = StrictChoiceFilter(choices=HouseUse.choices)
    building = django_filters.CharFilter(method="filter_building", help_text="Building id.")

    class Meta:
        model = House
        fields: list[str] = []

    def filter_building(self, houses, name, value):
        return houses.filter(building_id=_record_id(value, "building"))


class OrganizationFilter(RegistryFilter):
    kind = StrictChoiceFilter(choices=OrganizationKind.choices)
    q = django_filters.CharFilter(
        max_length=100, method="filter_text", help_text="Part of the name, or the exact credit code."
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_text(self, organizations, name, text):
        text = text.strip()
        return organizations.filter(Q(name__icontains=text) | Q(credit_code=text.upper()))


class ComponentFilter(RegistryFilter):
    kind = StrictChoiceFilter(choices=ComponentKind.choices)
    state = StrictChoiceFilter(choices=ComponentState.choices)
    q = django_filters.CharFilter(max_length=30, method="filter_code", help_text="Component code prefix.")

    class Meta:
        model = Component
        fields: list[str] = []

    def filter_code(self, components, name, text):
        return components.filter(code__startswith=text.strip())
