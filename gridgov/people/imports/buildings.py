"""Importing buildings: the grid follows from the point (one vectorised lookup per batch); a
building is matched by its grid and number (楼栋编号) and updated (non-empty cells overwrite),
else created."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.people.imports import cells
from gridgov.people.imports.columns import BUILDINGS
from gridgov.people.imports.context import CheckedRow, ImportContext, RowReader
from gridgov.people.imports.files import SourceRow
from gridgov.people.imports.lookups import GridRef
from gridgov.people.models import Building, BuildingKind
from gridgov.people.transfers import RecordKind

COLUMNS = {column.key: column for column in BUILDINGS}
MAX_FLOORS = 200
MAX_UNITS = 99

KIND_WORDS = {
    **dict.fromkeys(("住宅", "住宅楼", "居民楼"), BuildingKind.RESIDENTIAL),
    **dict.fromkeys(("平房", "院落", "平房院落", "平房/院落"), BuildingKind.BUNGALOW),
    **dict.fromkeys(("商业", "商业楼", "写字楼"), BuildingKind.COMMERCIAL),
    **dict.fromkeys(("商住", "混合", "商住混合", "商住楼"), BuildingKind.MIXED),
    **dict.fromkeys(("公共", "公共建筑", "公建"), BuildingKind.PUBLIC),
    **{choice.value: choice.value for choice in BuildingKind},
}
UPDATE_FIELDS = ["name", "address", "kind", "lon", "lat", "floors", "units", "updated_at"]


@dataclass
class BuildingRecord:
    row: int
    ref: str
    grid: GridRef
    name: str
    address: str
    lon: float
    lat: float
    floors: int | None
    units: int | None
    kind: str
    existing: Building | None = None


class BuildingImporter:
    kind: str = RecordKind.BUILDINGS
    key_column: str = "ref"

    def _parse(self, row: int, source: dict[str, Any]) -> tuple[RowReader, dict[str, Any]]:
        reader = RowReader(row, source, COLUMNS)
        values = {
            "ref": reader.read(
                "ref", lambda v: cells.required_text(v, 40, gettext_lazy("Enter the building number.")), ""
            ),
            "name": reader.read("name", lambda v: cells.text(v, 100), ""),
            "address": reader.read("address", lambda v: cells.text(v, 200), ""),
            "lon": reader.read("lon", lambda v: cells.coordinate(v, longitude=True)),
            "lat": reader.read("lat", lambda v: cells.coordinate(v, longitude=False)),
            "floors": reader.read("floors", lambda v: cells.integer(v, low=1, high=MAX_FLOORS)),
            "units": reader.read("units", lambda v: cells.integer(v, low=1, high=MAX_UNITS)),
            "kind": reader.read(
                "kind",
                lambda v: cells.choice(v, KIND_WORDS, gettext_lazy("Write 住宅, 平房, 商业, 商住 or 公共.")),
                "",
            ),
        }
        return reader, values

    def check(self, rows: Sequence[SourceRow], ctx: ImportContext) -> list[CheckedRow]:
        parsed = [self._parse(row, source) for row, source in rows]
        located = [
            (reader, values)
            for reader, values in parsed
            if values["lon"] is not None and values["lat"] is not None
        ]
        grids = ctx.grids.at_points([(values["lon"], values["lat"]) for _reader, values in located])
        grid_of = {reader.row: grid for (reader, _values), grid in zip(located, grids, strict=True)}
        refs = {values["ref"] for _reader, values in parsed if values["ref"]}
        grid_ids = {grid.id for grid in grid_of.values() if isinstance(grid, GridRef)}
        existing = {
            (b.grid_id, b.external_ref): b
            for b in Building.objects.filter(external_ref__in=refs, grid_id__in=grid_ids)
        }
        checked = []
        for reader, values in parsed:
            grid = grid_of.get(reader.row)
            if isinstance(grid, str):
                reader.problem("lon", grid, f"{values['lon']}, {values['lat']}")
            building = existing.get((grid.id, values["ref"])) if isinstance(grid, GridRef) else None
            if building is None:
                for name, message in (("name", _("Enter the name.")), ("address", _("Enter the address."))):
                    if not values[name]:
                        reader.problem(name, message)
            key = (grid.id, values["ref"]) if isinstance(grid, GridRef) and values["ref"] else None
            if reader.problems or not isinstance(grid, GridRef):
                checked.append(CheckedRow(reader.row, key, None, reader.problems))
                continue
            checked.append(
                CheckedRow(
                    reader.row, key, BuildingRecord(reader.row, grid=grid, existing=building, **values)
                )
            )
        return checked

    def apply(self, records: list[BuildingRecord], ctx: ImportContext) -> tuple[int, int]:
        now = timezone.now()
        created, changed = [], []
        for record in records:
            if record.existing is None:
                created.append(
                    Building(
                        external_ref=record.ref,
                        name=record.name,
                        address=record.address,
                        kind=record.kind or BuildingKind.RESIDENTIAL,
                        lon=record.lon,
                        lat=record.lat,
                        floors=record.floors or 1,
                        units=record.units or 1,
                        grid_id=record.grid.id,
                        org_path=record.grid.path,
                    )
                )
                continue
            building = record.existing
            if _update(building, record):
                building.updated_at = now
                changed.append(building)
        Building.objects.bulk_create(created)
        if changed:
            Building.objects.bulk_update(changed, UPDATE_FIELDS)
        return len(created), len(records) - len(created)


def _update(building: Building, record: BuildingRecord) -> bool:
    changed = False
    for name in ("name", "address", "kind", "lon", "lat", "floors", "units"):
        value = getattr(record, name)
        if value not in (None, "") and value != getattr(building, name):
            setattr(building, name, value)
            changed = True
    return changed
