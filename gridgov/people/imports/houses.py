"""Importing houses of registered buildings: matched by building, unit and house number and
updated (non-empty cells overwrite), else created. A house takes its building's grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.people.imports import cells
from gridgov.people.imports.cells import CellError
from gridgov.people.imports.columns import HOUSES
from gridgov.people.imports.context import CheckedRow, ImportContext, RowReader
from gridgov.people.imports.files import SourceRow
from gridgov.people.imports.lookups import BuildingRef, Buildings
from gridgov.people.models import House, HouseUse
from gridgov.people.transfers import RecordKind

COLUMNS = {column.key: column for column in HOUSES}
LOWEST_FLOOR = -5  # basements

USE_WORDS = {
    **dict.fromkeys(("自住", "自用", "自有"), HouseUse.SELF_OCCUPIED),
    **dict.fromkeys(("出租", "租赁", "出租房"), HouseUse.RENTED),
    **dict.fromkeys(("空置", "闲置", "空房"), HouseUse.VACANT),
    **dict.fromkeys(("商用", "经营", "商铺", "门市"), HouseUse.COMMERCIAL),
    **{choice.value: choice.value for choice in HouseUse},
}
UPDATE_FIELDS = ["floor", "area_m2", "use", "updated_at"]


@dataclass
class HouseRecord:
    row: int
    building: BuildingRef
    unit: int
    floor: int
    number: str
    area_m2: Decimal | None
    use: str
    existing: House | None = None


class HouseImporter:
    kind: str = RecordKind.HOUSES
    key_column: str = "house_number"

    def _parse(self, row: int, source: dict[str, Any]) -> tuple[RowReader, dict[str, Any]]:
        reader = RowReader(row, source, COLUMNS)
        values = {
            "ref": reader.read(
                "building",
                lambda v: cells.required_text(v, 40, gettext_lazy("Enter the building number.")),
                "",
            ),
            "grid_code": reader.read("grid", lambda v: cells.text(v, 15), ""),
            "unit": reader.read(
                "unit",
                lambda v: cells.required(cells.integer(v, low=1, high=99), gettext_lazy("Enter the unit.")),
            ),
            "floor": reader.read("floor", lambda v: cells.integer(v, low=LOWEST_FLOOR, high=200)),
            "number": reader.read(
                "house_number",
                lambda v: cells.required_text(v, 20, gettext_lazy("Enter the house number.")),
                "",
            ),
            "area_m2": reader.read(
                "area", lambda v: cells.decimal(v, low=Decimal("1"), high=Decimal("100000"), places=2)
            ),
            "use": reader.read(
                "use",
                lambda v: cells.choice(v, USE_WORDS, gettext_lazy("Write 自住, 出租, 空置 or 商用.")),
                "",
            ),
        }
        return reader, values

    def check(self, rows: Sequence[SourceRow], ctx: ImportContext) -> list[CheckedRow]:
        parsed = [self._parse(row, source) for row, source in rows]
        ctx.grids.prepare(values["grid_code"] for _reader, values in parsed)
        buildings = Buildings(ctx.unit, (values["ref"] for _reader, values in parsed))
        found: dict[int, BuildingRef] = {}
        for reader, values in parsed:
            if not values["ref"]:
                continue
            try:
                grid_id = ctx.grids.by_code(values["grid_code"]).id if values["grid_code"] else None
            except CellError as exc:
                reader.problem("grid", exc.reason)
                continue
            try:
                found[reader.row] = buildings.find(values["ref"], grid_id)
            except CellError as exc:
                reader.problem("building", exc.reason)
        existing = {
            (h.building_id, h.unit, h.number): h
            for h in House.objects.filter(
                building_id__in={b.id for b in found.values()},
                number__in={values["number"] for _reader, values in parsed if values["number"]},
            )
        }
        checked = []
        for reader, values in parsed:
            building = found.get(reader.row)
            house = None
            if building is not None and values["unit"] is not None:
                if values["unit"] > building.units:
                    reader.problem("unit", _("The building has units 1 to %(n)s.") % {"n": building.units})
                house = existing.get((building.id, values["unit"], values["number"]))
            floor = values["floor"]
            if floor is None and house is None and building is not None:
                reader.problem("floor", _("Enter the floor."))
            elif building is not None and floor is not None and (floor == 0 or floor > building.floors):
                reader.problem("floor", _("The building has floors 1 to %(n)s.") % {"n": building.floors})
            key = (building.id, values["unit"], values["number"]) if building is not None else None
            if reader.problems or building is None:
                checked.append(CheckedRow(reader.row, key, None, reader.problems))
                continue
            record = HouseRecord(
                row=reader.row,
                building=building,
                unit=values["unit"],
                floor=floor if floor is not None else house.floor,  # type: ignore[union-attr]
                number=values["number"],
                area_m2=values["area_m2"],
                use=values["use"],
                existing=house,
            )
            checked.append(CheckedRow(reader.row, key, record))
        return checked

    def apply(self, records: list[HouseRecord], ctx: ImportContext) -> tuple[int, int]:
        now = timezone.now()
        created, changed = [], []
        for record in records:
            house = record.existing
            if house is None:
                created.append(
                    House(
                        building_id=record.building.id,
                        unit=record.unit,
                        floor=record.floor,
                        number=record.number,
                        area_m2=record.area_m2,
                        use=record.use or HouseUse.SELF_OCCUPIED,
                        grid_id=record.building.grid_id,
                        org_path=record.building.org_path,
                    )
                )
                continue
            updates = {"floor": record.floor, "area_m2": record.area_m2, "use": record.use}
            dirty = False
            for name, value in updates.items():
                if value not in (None, "") and value != getattr(house, name):
                    setattr(house, name, value)
                    dirty = True
            if dirty:
                house.updated_at = now
                changed.append(house)
        House.objects.bulk_create(created)
        if changed:
            House.objects.bulk_update(changed, UPDATE_FIELDS)
        return len(created), len(records) - len(created)
