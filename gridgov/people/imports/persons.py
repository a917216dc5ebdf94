"""Importing persons: matched by the keyed hash of the ID number; a person of the unit is
updated (non-empty cells overwrite, empty cells keep), a new one is created; a person registered
in another unit is refused. An unknown household number creates the household where the row
places the person; a row whose relation is 户主 makes the person its head.

Set-wise: one query per table and batch for what the rows refer to, bulk inserts and updates,
never a query per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.people import bulk, pii
from gridgov.people.ethnicities import ethnicity_code
from gridgov.people.identity_numbers import IdNumber
from gridgov.people.imports import cells
from gridgov.people.imports.cells import CellError
from gridgov.people.imports.columns import PERSONS
from gridgov.people.imports.context import CheckedRow, ImportContext, RowReader
from gridgov.people.imports.files import SourceRow
from gridgov.people.imports.lookups import HouseholdRef, households_numbered
from gridgov.people.imports.places import Place, PlaceCells, PlaceResolver, read_place
from gridgov.people.models import Household, Person, Relation, Residence, ResidenceType, Tag
from gridgov.people.transfers import RecordKind

COLUMNS = {column.key: column for column in PERSONS}

RESIDENCE_WORDS = {
    "户籍": ResidenceType.REGISTERED,
    "户籍人口": ResidenceType.REGISTERED,
    "常住": ResidenceType.PERMANENT,
    "常住人口": ResidenceType.PERMANENT,
    "流动": ResidenceType.FLOATING,
    "流动人口": ResidenceType.FLOATING,
    **{choice.value: choice.value for choice in ResidenceType},
}

RELATION_WORDS = {
    **dict.fromkeys(("户主", "本人"), Relation.HEAD),
    **dict.fromkeys(("配偶", "妻", "妻子", "夫", "丈夫"), Relation.SPOUSE),
    **dict.fromkeys(("子女", "子", "女", "儿子", "女儿", "长子", "长女", "次子", "次女"), Relation.CHILD),
    **dict.fromkeys(("父母", "父亲", "母亲", "父", "母"), Relation.PARENT),
    **dict.fromkeys(("孙子女", "孙子", "孙女", "外孙子", "外孙女", "外孙"), Relation.GRANDCHILD),
    **dict.fromkeys(("祖父母", "祖父", "祖母", "外祖父", "外祖母"), Relation.GRANDPARENT),
    **dict.fromkeys(("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"), Relation.SIBLING),
    **dict.fromkeys(("儿媳", "女婿", "媳妇"), Relation.CHILD_IN_LAW),
    **dict.fromkeys(("其他亲属", "亲属"), Relation.OTHER_RELATIVE),
    **dict.fromkeys(("其他", "非亲属"), Relation.OTHER),
    **{choice.value: choice.value for choice in Relation},
}

# Columns an update may write (with updated_at and version).
UPDATE_FIELDS = [
    "name",
    "name_pinyin",
    "name_initials",
    "ethnicity",
    "phone_token",
    "phone_index",
    "phone_masked",
    "residence_type",
    "registered_address",
    "house",
    "household",
    "relation",
    "grid",
    "org_path",
    "note",
    "version",
    "updated_at",
]


@dataclass
class PersonRecord:
    row: int
    name: str
    number: IdNumber
    index: str
    ethnicity: str
    phone: str
    residence_type: str
    registered_address: str
    place: Place | None
    household_number: str
    household: HouseholdRef | None
    relation: str
    tags: list[Tag] = field(default_factory=list)
    note: str = ""
    existing: Person | None = None


# Cell readers of the hot path, built once (messages are translated only for a bad cell).
_name = partial(cells.text, limit=50)
_address = partial(cells.text, limit=200)
_note = partial(cells.text, limit=1000)
_household_number = partial(cells.text, limit=30)
_residence_type = partial(cells.choice, words=RESIDENCE_WORDS, hint=gettext_lazy("Write 户籍, 常住 or 流动."))
_relation = partial(
    cells.choice,
    words=RELATION_WORDS,
    hint=gettext_lazy("Unknown relation; write e.g. 户主, 配偶, 子女, 父母 or 其他."),
)


def _ethnicity(value: Any) -> str:
    written = cells.cell_text(value)
    if not written:
        return ""
    code = ethnicity_code(written)
    if code is None:
        raise CellError(_("Unknown ethnicity; write its Chinese name (e.g. 蒙古族) or its two-digit code."))
    return code


@dataclass
class _Parsed:
    reader: RowReader
    name: str
    number: IdNumber | None
    index: str
    values: dict[str, Any]
    place: PlaceCells
    household_number: str


class PersonImporter:
    kind: str = RecordKind.PERSONS
    key_column: str = "id_number"

    def _parse(self, row: int, source: dict[str, Any], ctx: ImportContext) -> _Parsed:
        reader = RowReader(row, source, COLUMNS)
        read = reader.read
        number = read("id_number", partial(cells.id_number, today=ctx.today))
        values = {
            "ethnicity": read("ethnicity", _ethnicity, ""),
            "phone": read("phone", cells.mobile, ""),
            "residence_type": read("residence_type", _residence_type, ""),
            "registered_address": read("registered_address", _address, ""),
            "relation": read("relation", _relation, ""),
            "tags": read("tags", ctx.tags.parse, []),
            "note": read("note", _note, ""),
        }
        return _Parsed(
            reader=reader,
            name=read("name", _name, ""),
            number=number,
            index=pii.index_of(number.number, pii.ID_NUMBER) if number else "",
            values=values,
            place=read_place(reader),
            household_number=read("household", _household_number, ""),
        )

    def check(self, rows: Sequence[SourceRow], ctx: ImportContext) -> list[CheckedRow]:
        parsed = [self._parse(row, source, ctx) for row, source in rows]
        indexes = [p.index for p in parsed if p.index]
        existing = {
            person.id_number_index: person for person in Person.objects.filter(id_number_index__in=indexes)
        }
        places = PlaceResolver(ctx, [p.place for p in parsed])
        households = households_numbered(p.household_number for p in parsed)
        checked = []
        for p in parsed:
            reader = p.reader
            person = existing.get(p.index)
            if person is not None and not ctx.inside(person.org_path):
                reader.problem(
                    "id_number", _("This person is registered in another unit; that unit must move them.")
                )
            if not p.name and person is None:
                reader.problem("name", _("Enter the name."))
            place = places.resolve(reader, p.place)
            household = households.get(p.household_number)
            if household is not None and not ctx.inside(household.org_path):
                reader.problem("household", _("This household is registered in another unit."))
            if place is None and not p.place.given and household is None and person is None:
                reader.problem(
                    "grid",
                    _(
                        "Give the grid code, or the building number with unit and house number, "
                        "or the number of a registered household."
                    ),
                )
            key = int(p.index, 16) if p.index else None
            if reader.problems or p.number is None:
                checked.append(CheckedRow(reader.row, key, None, reader.problems))
                continue
            record = PersonRecord(
                row=reader.row,
                name=p.name,
                number=p.number,
                index=p.index,
                place=place,
                household_number=p.household_number,
                household=household,
                existing=person,
                **p.values,
            )
            checked.append(CheckedRow(reader.row, key, record))
        return checked

    def apply(self, records: list[PersonRecord], ctx: ImportContext) -> tuple[int, int]:
        now = timezone.now()
        new_households = _create_households(records)
        new_records: list[tuple[PersonRecord, int | None, Place]] = []  # inserted in one go
        changed: list[Person] = []
        moved: list[Person] = []
        tagged: list[tuple[int, str, Tag]] = []
        heads: dict[int, int] = {}  # household id -> its head (the last row naming one wins)
        for record in records:
            household_id, household_place = _household_of(record, new_households)
            if record.existing is None:
                place = record.place or household_place
                assert place is not None  # check() refused rows without a place
                new_records.append((record, household_id, place))
                continue
            person = record.existing
            place_before = (person.house_id, person.household_id, person.grid_id)
            if _update_person(person, record, household_id, household_place):
                person.version += 1
                person.updated_at = now
                changed.append(person)
                if (person.house_id, person.household_id, person.grid_id) != place_before:
                    moved.append(person)
            tagged.extend((person.pk, person.org_path, tag) for tag in record.tags)
            if record.relation == Relation.HEAD and household_id is not None:
                heads[household_id] = person.pk
        # A generator: each person's columns (pinyin, sealed identifiers) are computed while the
        # database is still storing the rows before it.
        ids = bulk.insert_rows(
            Person,
            (_new_person(record, household_id, place, now) for record, household_id, place in new_records),
            count=len(new_records),
        )
        bulk.insert_rows(
            Residence,
            [
                _residence(pk, household_id, place, now)
                for pk, (_record, household_id, place) in zip(ids, new_records, strict=True)
            ],
        )
        for pk, (record, household_id, place) in zip(ids, new_records, strict=True):
            tagged.extend((pk, place.org_path, tag) for tag in record.tags)
            if record.relation == Relation.HEAD and household_id is not None:
                heads[household_id] = pk
        if changed:
            Person.objects.bulk_update(changed, UPDATE_FIELDS)
        bulk.move_residences(moved, now)
        bulk.add_tags_by_id(tagged)
        if heads:
            Household.objects.bulk_update(
                [Household(pk=pk, head_id=head, updated_at=now) for pk, head in heads.items()],
                ["head", "updated_at"],
            )
        return len(new_records), len(records) - len(new_records)


def _create_households(records: list[PersonRecord]) -> dict[str, Household]:
    """Households the rows name that are not registered yet, placed where their first row
    places its person."""
    new: dict[str, Household] = {}
    for record in records:
        number = record.household_number
        if not number or record.household is not None or number in new:
            continue
        place = record.place
        if place is None and record.existing is not None:
            person = record.existing
            place = Place(person.grid_id, person.org_path, person.house_id)
        if place is None:
            continue  # check() refused such a row
        new[number] = Household(
            number=number, grid_id=place.grid_id, org_path=place.org_path, house_id=place.house_id
        )
    Household.objects.bulk_create(list(new.values()))
    return new


def _household_of(record: PersonRecord, new: dict[str, Household]) -> tuple[int | None, Place | None]:
    if record.household is not None:
        ref = record.household
        return ref.id, Place(ref.grid_id, ref.org_path, ref.house_id)
    household = new.get(record.household_number)
    if household is None:
        return None, None
    return household.pk, Place(household.grid_id, household.org_path, household.house_id)


def _new_person(record: PersonRecord, household_id: int | None, place: Place, now) -> dict[str, Any]:
    """The columns of a new person (people.bulk fills them as services.save_person would)."""
    return bulk.new_person_columns(
        name=record.name,
        number=record.number,
        index=record.index,
        phone=record.phone,
        now=now,
        ethnicity=record.ethnicity,
        residence_type=record.residence_type or ResidenceType.REGISTERED,
        registered_address=record.registered_address,
        house_id=place.house_id,
        household_id=household_id,
        relation=record.relation,
        grid_id=place.grid_id,
        org_path=place.org_path,
        note=record.note,
    )


def _residence(person_id: int, household_id: int | None, place: Place, now) -> dict[str, Any]:
    """The open residence of a new person (as bulk.residence_columns, from the place itself)."""
    return {
        "person_id": person_id,
        "house_id": place.house_id,
        "household_id": household_id,
        "grid_id": place.grid_id,
        "org_path": place.org_path,
        "started_at": now,
    }


def _update_person(
    person: Person, record: PersonRecord, household_id: int | None, household_place: Place | None
) -> bool:
    """Write the row's non-empty cells into `person`; True if anything changed."""
    changed = False
    if record.name and record.name != person.name:
        bulk.set_name(person, record.name)
        changed = True
    phone_index = pii.index_of(record.phone, pii.PHONE) if record.phone else ""
    if phone_index and phone_index != person.phone_index:
        bulk.set_phone(person, record.phone, index=phone_index)
        changed = True
    for name in ("ethnicity", "residence_type", "registered_address", "relation", "note"):
        value = getattr(record, name)
        if value and value != getattr(person, name):
            setattr(person, name, value)
            changed = True
    place = record.place
    if household_id is not None and household_id != person.household_id:
        person.household_id = household_id
        changed = True
        if place is None and household_place is not None and household_place.house_id:
            place = household_place  # moving into a household's house, as services do
    if place is not None:
        current = (person.house_id, person.grid_id)
        wanted = (place.house_id, place.grid_id)
        if current != wanted:
            person.house_id, person.grid_id, person.org_path = place.house_id, place.grid_id, place.org_path
            changed = True
    return changed
