"""The building view: its houses as a floors × units matrix, each house with its households, the
number of residents and the special-group tags of the residents that the viewer may see.

A fixed number of queries, whatever the number of houses: houses, households, resident counts and
tag counts are each read once for the whole building and put in place here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from django.db.models import Count

from gridgov.access.scope import scoped
from gridgov.people.models import Building, House, Household, HouseUse, Person, PersonStatus, PersonTag
from gridgov.people.stats import TagCount
from gridgov.people.visibility import visible_tags_q

VIEW = "people.view"


@dataclass
class HouseCell:
    house: House
    households: list[Household] = field(default_factory=list)
    residents: int = 0
    tags: list[TagCount] = field(default_factory=list)  # visible tags of the residents, by tag


@dataclass(frozen=True)
class MatrixRow:
    floor: int
    cells: list[tuple[int, list[HouseCell]]]  # (unit, its houses on this floor), in unit order


@dataclass(frozen=True)
class BuildingMatrix:
    units: list[int]  # column headings
    rows: list[MatrixRow]  # top floor first
    houses: int
    by_use: dict[str, int]  # HouseUse value -> number of houses
    tag_totals: list[TagCount]  # visible tags of all residents, most sensitive last


def _floors(building: Building, houses: list[House]) -> list[int]:
    """Floors from the top down: the building's floors, and any floor a house is on (basements
    below ground are negative; there is no floor 0)."""
    present = {house.floor for house in houses}
    top = max([building.floors, *present])
    bottom = min([1, *present])
    return [floor for floor in range(top, bottom - 1, -1) if floor != 0]


def building_matrix(user, building: Building) -> BuildingMatrix:
    """The matrix of `building`, which the caller loaded through access.scope."""
    houses = list(
        scoped(user, House.objects.all(), VIEW).filter(building=building).order_by("unit", "number")
    )
    cells = {house.pk: HouseCell(house) for house in houses}
    households = (
        scoped(user, Household.objects.all(), VIEW)
        .filter(house__building=building, is_active=True)
        .only("pk", "number", "house_id")
        .order_by("number")
    )
    # Guarded lookups: a house and its residents share the building's grid, but a row written
    # between two of these queries must not break the page.
    for household in households:
        if household.house_id in cells:
            cells[household.house_id].households.append(household)
    residents = (
        scoped(user, Person.objects.all(), VIEW)
        .filter(house__building=building, status=PersonStatus.ACTIVE)
        .values("house_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in residents:
        if row["house_id"] in cells:
            cells[row["house_id"]].residents = row["n"]
    tag_rows = (
        PersonTag.objects.filter(
            visible_tags_q(user), person__house__building=building, person__status=PersonStatus.ACTIVE
        )
        .values("person__house_id", "tag__code", "tag__name_zh", "tag__name_en", "tag__sensitivity")
        .annotate(n=Count("pk"))
        .order_by("tag__sensitivity", "tag__code")
    )
    totals: dict[str, TagCount] = {}
    for row in tag_rows:
        count = TagCount(
            code=row["tag__code"],
            name_zh=row["tag__name_zh"],
            name_en=row["tag__name_en"],
            sensitivity=row["tag__sensitivity"],
            persons=row["n"],
        )
        if row["person__house_id"] in cells:
            cells[row["person__house_id"]].tags.append(count)
        seen = totals.get(count.code)
        totals[count.code] = count if seen is None else replace(seen, persons=seen.persons + count.persons)

    units = sorted({*range(1, building.units + 1), *(house.unit for house in houses)})
    by_position: dict[tuple[int, int], list[HouseCell]] = {}
    for house in houses:
        by_position.setdefault((house.floor, house.unit), []).append(cells[house.pk])
    rows = [
        MatrixRow(floor, [(unit, by_position.get((floor, unit), [])) for unit in units])
        for floor in _floors(building, houses)
    ]
    uses = Counter(house.use for house in houses)
    return BuildingMatrix(
        units=units,
        rows=rows,
        houses=len(houses),
        by_use={use: uses.get(use, 0) for use in HouseUse.values},
        tag_totals=sorted(totals.values(), key=lambda t: (t.sensitivity, t.code)),
    )
