"""Importing households: matched by number (unique in the district) and updated (non-empty
cells overwrite), else created where the row places them. The head, named by ID number, must be
a registered person of the unit who belongs to no other household; they join the household.
When a household gets a house, its members move there with it (their residences follow)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.people import bulk, pii
from gridgov.people.imports import cells
from gridgov.people.imports.columns import HOUSEHOLDS
from gridgov.people.imports.context import CheckedRow, ImportContext, RowReader
from gridgov.people.imports.files import SourceRow
from gridgov.people.imports.lookups import HouseholdRef, households_numbered
from gridgov.people.imports.places import Place, PlaceResolver, read_place
from gridgov.people.models import Household, Person, Relation
from gridgov.people.transfers import RecordKind

COLUMNS = {column.key: column for column in HOUSEHOLDS}


@dataclass
class HouseholdRecord:
    row: int
    number: str
    place: Place | None
    head: Person | None
    existing: HouseholdRef | None


class HouseholdImporter:
    kind: str = RecordKind.HOUSEHOLDS
    key_column: str = "number"

    def check(self, rows: Sequence[SourceRow], ctx: ImportContext) -> list[CheckedRow]:
        parsed: list[tuple[RowReader, dict[str, Any]]] = []
        for row, source in rows:
            reader = RowReader(row, source, COLUMNS)
            number = reader.read(
                "number",
                lambda v: cells.required_text(v, 30, gettext_lazy("Enter the household number.")),
                "",
            )
            head_number = reader.read(
                "head_id_number", lambda v: cells.id_number(v) if v not in (None, "") else None
            )
            parsed.append(
                (
                    reader,
                    {
                        "number": number,
                        "place": read_place(reader),
                        "head_index": pii.index_of(head_number.number, pii.ID_NUMBER) if head_number else "",
                    },
                )
            )
        places = PlaceResolver(ctx, [values["place"] for _reader, values in parsed])
        households = households_numbered(values["number"] for _reader, values in parsed)
        heads = {
            person.id_number_index: person
            for person in Person.objects.filter(
                id_number_index__in=[
                    values["head_index"] for _reader, values in parsed if values["head_index"]
                ]
            )
        }
        checked = []
        head_rows: dict[str, int] = {}  # a person heads one household: the first row naming them
        for reader, values in parsed:
            household = households.get(values["number"])
            if household is not None and not ctx.inside(household.org_path):
                reader.problem("number", _("This household is registered in another unit."))
            place = places.resolve(reader, values["place"])
            if household is None and place is None and not values["place"].given:
                reader.problem(
                    "grid", _("Give the grid code, or the building number with unit and house number.")
                )
            head = heads.get(values["head_index"]) if values["head_index"] else None
            if values["head_index"]:
                if head is None or not ctx.inside(head.org_path):
                    reader.problem(
                        "head_id_number",
                        _(
                            "No person with this ID number is registered in %(unit)s; "
                            "import the persons first."
                        )
                        % {"unit": ctx.unit.name_zh},
                    )
                    head = None
                elif head.household_id is not None and (
                    household is None or head.household_id != household.id
                ):
                    reader.problem("head_id_number", _("This person belongs to another household."))
                elif values["head_index"] in head_rows:
                    reader.problem(
                        "head_id_number",
                        _("Row %(row)d already makes this person the head of a household.")
                        % {"row": head_rows[values["head_index"]]},
                    )
                else:
                    head_rows[values["head_index"]] = reader.row
            key = values["number"] or None
            if reader.problems:
                checked.append(CheckedRow(reader.row, key, None, reader.problems))
                continue
            record = HouseholdRecord(reader.row, values["number"], place, head, household)
            checked.append(CheckedRow(reader.row, key, record))
        return checked

    def apply(self, records: list[HouseholdRecord], ctx: ImportContext) -> tuple[int, int]:
        now = timezone.now()
        created: list[Household] = []
        changed: list[Household] = []
        moved: list[Household] = []  # households whose house changed: members follow
        heads: list[tuple[Household, Person]] = []
        for record in records:
            ref = record.existing
            if ref is None:
                assert record.place is not None  # check() refused a new household without a place
                household = Household(
                    number=record.number,
                    grid_id=record.place.grid_id,
                    org_path=record.place.org_path,
                    house_id=record.place.house_id,
                )
                created.append(household)
                if household.house_id:
                    moved.append(household)
            else:
                household = Household(
                    pk=ref.id,
                    number=ref.number,
                    grid_id=ref.grid_id,
                    org_path=ref.org_path,
                    house_id=ref.house_id,
                    head_id=ref.head_id,
                )
                place = record.place
                dirty = False
                if place is not None and (place.house_id, place.grid_id) != (ref.house_id, ref.grid_id):
                    household.house_id, household.grid_id, household.org_path = (
                        place.house_id,
                        place.grid_id,
                        place.org_path,
                    )
                    dirty = True
                    if place.house_id:
                        moved.append(household)
                if record.head is not None and record.head.pk != ref.head_id:
                    dirty = True
                if dirty:
                    household.updated_at = now
                    changed.append(household)
            if record.head is not None:
                heads.append((household, record.head))
        for household, head in heads:
            household.head_id = head.pk
        Household.objects.bulk_create(created)
        if changed:
            Household.objects.bulk_update(changed, ["house", "grid", "org_path", "head", "updated_at"])
        _join_heads(heads, now)
        _follow_households(moved, now)
        return len(created), len(records) - len(created)


def _join_heads(heads: list[tuple[Household, Person]], now) -> None:
    """Heads who were in no household join theirs (and move into its house, if it has one)."""
    joined = []
    for household, person in heads:
        if person.household_id != household.pk:
            person.household_id = household.pk
            person.relation = Relation.HEAD
            if household.house_id:
                person.house_id, person.grid_id, person.org_path = (
                    household.house_id,
                    household.grid_id,
                    household.org_path,
                )
            person.version += 1
            person.updated_at = now
            joined.append(person)
    if joined:
        Person.objects.bulk_update(
            joined, ["household", "relation", "house", "grid", "org_path", "version", "updated_at"]
        )
        bulk.move_residences(joined, now)


def _follow_households(households: list[Household], now) -> None:
    """Members of households that got a house move into it."""
    if not households:
        return
    by_id = {household.pk: household for household in households}
    movers = []
    for person in Person.objects.filter(household_id__in=by_id):
        household = by_id[person.household_id or 0]
        if (person.house_id, person.grid_id) != (household.house_id, household.grid_id):
            person.house_id, person.grid_id, person.org_path = (
                household.house_id,
                household.grid_id,
                household.org_path,
            )
            person.version += 1
            person.updated_at = now
            movers.append(person)
    if movers:
        Person.objects.bulk_update(movers, ["house", "grid", "org_path", "version", "updated_at"])
        bulk.move_residences(movers, now)
