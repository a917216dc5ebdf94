"""Which households a campaign targets, computed from the registry in a few set-based queries.

ALL: the active households in the scope units. FILTER: the active households in scope with at
least one living member in scope who matches every given condition (any of the tags, age on
the start day, residence type); the matching members become the target's `person_ids`. LIST:
the imported list's households that are still active and in scope. A district holds ~0.4 M
households: never a query per household.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import path_filter
from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import Campaign, ListEntry, TargetMode
from gridgov.people.models import Household, Person, PersonStatus, PersonTag, ResidenceType, Sensitivity, Tag


@dataclass
class TargetRow:
    household_id: int
    grid_id: int
    org_path: str
    person_ids: list[int] = field(default_factory=list)


def scope_paths(campaign: Campaign) -> list[str]:
    return sorted(unit.path for unit in campaign.units.all())


def years_before(day: date, years: int) -> date:
    """`day` moved back `years` years; 29 February becomes 28 February in a common year (so a
    person born on 29 February completes a year on 1 March of common years)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth: date, day: date) -> int:
    """Whole years completed on `day` (the same rule as `years_before`)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def start_day(campaign: Campaign) -> date:
    return timezone.localdate(campaign.starts_at)


def check_target(
    mode: str,
    tags: Iterable | None,
    min_age: int | None,
    max_age: int | None,
    residence_types: Iterable | None,
) -> list[int]:
    """Check a target definition; return the tag ids. Highly sensitive tags are refused: the
    targets would show every grid worker who carries them."""
    if mode not in TargetMode.values:
        raise CampaignError("target_mode", _("Choose how the target is built."))
    tag_ids: list[int] = []
    for raw in tags or []:
        try:
            tag_ids.append(int(raw))
        except (TypeError, ValueError):
            raise CampaignError("target_tags", _("Unknown special group.")) from None
    if mode != TargetMode.FILTER:
        return tag_ids
    if tag_ids:
        known = dict(Tag.objects.filter(pk__in=tag_ids, is_active=True).values_list("pk", "sensitivity"))
        if len(known) != len(set(tag_ids)):
            raise CampaignError("target_tags", _("Unknown special group."))
        if any(level >= Sensitivity.RESTRICTED for level in known.values()):
            raise CampaignError("target_tags", _("Campaigns cannot target this special group."))
    for name, value in (("target_min_age", min_age), ("target_max_age", max_age)):
        if value is not None and not 0 <= int(value) <= 150:
            raise CampaignError(name, _("Give an age between 0 and 150."))
    if min_age is not None and max_age is not None and int(min_age) > int(max_age):
        raise CampaignError("target_max_age", _("The maximum age is below the minimum age."))
    for value in residence_types or []:
        if value not in ResidenceType.values:
            raise CampaignError("target_residence_types", _("Unknown residence type."))
    return tag_ids


def matching_persons(campaign: Campaign, paths: list[str] | None = None):
    """The living members of active households in scope matching the FILTER conditions."""
    paths = paths if paths is not None else scope_paths(campaign)
    tag_ids = check_target(
        TargetMode.FILTER,
        campaign.target_tags,
        campaign.target_min_age,
        campaign.target_max_age,
        campaign.target_residence_types,
    )
    persons = Person.objects.filter(
        path_filter("org_path", paths),
        path_filter("household__org_path", paths),
        status=PersonStatus.ACTIVE,
        household__is_active=True,
    )
    if tag_ids:
        persons = persons.filter(
            Exists(PersonTag.objects.filter(person_id=OuterRef("pk"), tag_id__in=tag_ids))
        )
    day = start_day(campaign)
    if campaign.target_min_age is not None:
        persons = persons.filter(birth_date__lte=years_before(day, campaign.target_min_age))
    if campaign.target_max_age is not None:
        persons = persons.filter(birth_date__gt=years_before(day, campaign.target_max_age + 1))
    if campaign.target_residence_types:
        persons = persons.filter(residence_type__in=list(campaign.target_residence_types))
    return persons


def targets(campaign: Campaign) -> Iterator[TargetRow]:
    """The campaign's target households, ordered by path then household (one or two queries)."""
    paths = scope_paths(campaign)
    if not paths:
        return iter(())
    if campaign.target_mode == TargetMode.FILTER:
        return _filtered(campaign, paths)
    rows: QuerySet[Any, tuple[int, int, str]]
    if campaign.target_mode == TargetMode.LIST:
        rows = (
            ListEntry.objects.filter(
                path_filter("household__org_path", paths), campaign=campaign, household__is_active=True
            )
            .order_by("household__org_path", "household_id")
            .values_list("household_id", "household__grid_id", "household__org_path")
        )
    else:
        rows = (
            Household.objects.filter(path_filter("org_path", paths), is_active=True)
            .order_by("org_path", "pk")
            .values_list("pk", "grid_id", "org_path")
        )
    return (TargetRow(pk, grid, path) for pk, grid, path in rows.iterator(chunk_size=5000))


def _filtered(campaign: Campaign, paths: list[str]) -> Iterator[TargetRow]:
    rows = (
        matching_persons(campaign, paths)
        .order_by("household__org_path", "household_id", "pk")
        .values_list("household_id", "household__grid_id", "household__org_path", "pk")
    )
    current: TargetRow | None = None
    for household, grid, path, person in rows.iterator(chunk_size=5000):
        if current is None or current.household_id != household:
            if current is not None:
                yield current
            current = TargetRow(household, grid, path)
        current.person_ids.append(person)
    if current is not None:
        yield current


def household_ids(campaign: Campaign) -> set[int]:
    return {row.household_id for row in targets(campaign)}


def in_scope_q(campaign: Campaign, field: str = "org_path") -> Q:
    return path_filter(field, scope_paths(campaign))
