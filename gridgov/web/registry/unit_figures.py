"""The registry card of the org-unit page: people.stats figures with the list behind each one."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from gridgov.access.scope import in_scope
from gridgov.geo.models import OrgUnit
from gridgov.people.models import HouseUse, PersonStatus
from gridgov.people.stats import TagCount, unit_counts


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int
    url: str  # "" when there is no list, or the user may not open it


@dataclass(frozen=True)
class RegistryCard:
    figures: list[Figure]
    tags: list[tuple[TagCount, str]] | None  # None: the user sees no special-group tag here
    quality_url: str


def _url(name: str, **params: str) -> str:
    return reverse(name) + "?" + urlencode(params)


def registry_card(user, unit: OrgUnit) -> RegistryCard | None:
    """The card for users with people.view_counts in `unit`; lists are linked only for
    people.view there (a leader sees the figures alone)."""
    if not in_scope(user, unit.path, "people.view_counts"):
        return None
    counts = unit_counts(user, unit)
    linked = in_scope(user, unit.path, "people.view")
    code = unit.code

    def link(name: str, **params: str) -> str:
        return _url(name, unit=code, **params) if linked else ""

    persons = link("registry:search", status=PersonStatus.ACTIVE.value)
    figures = [
        Figure("population", str(_("Population")), counts.population, persons),
        Figure("households", str(_("Households")), counts.households, link("registry:households")),
    ]
    if counts.special_groups is not None:
        figures.append(Figure("special_groups", str(_("Special groups")), counts.special_groups, ""))
    figures += [
        Figure(
            "rented",
            str(_("Rented houses")),
            counts.rented_houses,
            link("registry:houses", use=HouseUse.RENTED.value),
        ),
        Figure("buildings", str(_("Buildings")), counts.buildings, link("registry:buildings")),
        Figure(
            "organizations", str(_("Organizations")), counts.organizations, link("registry:organizations")
        ),
        Figure("components", str(_("Components")), counts.components, link("registry:components")),
    ]
    tags = None
    if counts.special_groups is not None:
        tags = [
            (tag, link("registry:search", tag=tag.code, status=PersonStatus.ACTIVE.value))
            for tag in counts.by_tag
        ]
    return RegistryCard(figures=figures, tags=tags, quality_url=link("registry:quality"))
