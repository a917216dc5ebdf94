"""Registry counts of an org unit, for its page: population, households, special groups, rented
houses, buildings, organizations, components.

A figure covers every grid below the unit (a street sums its grids) through one prefix match on
`org_path`: one query per figure whatever the number of grids, never a loop over them. Records
are counted through access.scope with people.view_counts; special groups count only the tag
levels the user may see (people.visibility).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from gridgov.access.scope import jurisdiction_paths, path_filter, scoped
from gridgov.geo.models import OrgUnit
from gridgov.people.models import (
    Building,
    Component,
    ComponentState,
    House,
    Household,
    HouseUse,
    Organization,
    Person,
    PersonStatus,
    PersonTag,
)
from gridgov.people.visibility import LEVEL_PERMISSION, visible_tags_q

VIEW_COUNTS = "people.view_counts"


@dataclass(frozen=True)
class TagCount:
    code: str
    name_zh: str
    name_en: str
    sensitivity: int
    persons: int

    def name_for(self, language: str | None) -> str:
        return self.name_en if (language or "").startswith("en") and self.name_en else self.name_zh


@dataclass(frozen=True)
class UnitCounts:
    population: int  # persons living here (status active)
    households: int  # active households
    # Persons with at least one tag the user may see; None when the user sees no tag level here.
    special_groups: int | None
    by_tag: list[TagCount]  # per visible tag with at least one person, most sensitive last
    rented_houses: int
    buildings: int
    organizations: int  # operating ones
    components: int  # not removed


def _under(unit: OrgUnit) -> Q:
    return path_filter("org_path", [unit.path])


def sees_tags_in(user, unit: OrgUnit) -> bool:
    """Whether some tag level is visible to `user` somewhere in `unit` (at it, above or below it)."""
    for code in LEVEL_PERMISSION.values():
        for top in jurisdiction_paths(user, code):
            if unit.path == top or unit.path.startswith(top + ".") or top.startswith(unit.path + "."):
                return True
    return False


def _visible_active_tags(user, unit: OrgUnit):
    return scoped(user, PersonTag.objects.all(), VIEW_COUNTS).filter(
        visible_tags_q(user), _under(unit), person__status=PersonStatus.ACTIVE
    )


def unit_counts(user, unit: OrgUnit) -> UnitCounts:
    """The registry figures of `unit` that `user` may count (one query each)."""
    under = _under(unit)

    def count(model, **conditions) -> int:
        return scoped(user, model.objects.all(), VIEW_COUNTS).filter(under, **conditions).count()

    special: int | None = None
    by_tag: list[TagCount] = []
    if sees_tags_in(user, unit):
        tagged = _visible_active_tags(user, unit)
        special = count(Person, status=PersonStatus.ACTIVE, pk__in=tagged.values("person_id"))
        rows = (
            tagged.values("tag__code", "tag__name_zh", "tag__name_en", "tag__sensitivity")
            .annotate(n=Count("pk"))  # one row per (person, tag): the pair is unique
            .order_by("tag__sensitivity", "tag__code")
        )
        by_tag = [
            TagCount(
                code=row["tag__code"],
                name_zh=row["tag__name_zh"],
                name_en=row["tag__name_en"],
                sensitivity=row["tag__sensitivity"],
                persons=row["n"],
            )
            for row in rows
        ]
    return UnitCounts(
        population=count(Person, status=PersonStatus.ACTIVE),
        households=count(Household, is_active=True),
        special_groups=special,
        by_tag=by_tag,
        rented_houses=count(House, use=HouseUse.RENTED),
        buildings=count(Building),
        organizations=count(Organization, is_active=True),
        components=count(
            Component, state__in=[s for s in ComponentState.values if s != ComponentState.REMOVED]
        ),
    )
