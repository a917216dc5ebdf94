"""Where a person or household row puts its record: a grid by code, or a registered house by
building number + unit + house number (the grid code then only tells apart two buildings with
the same number)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext as _

from gridgov.people.imports import cells
from gridgov.people.imports.cells import CellError
from gridgov.people.imports.context import ImportContext, RowReader
from gridgov.people.imports.lookups import Buildings, Houses

MAX_UNIT = 99


@dataclass(frozen=True)
class PlaceCells:
    grid_code: str = ""
    building: str = ""
    unit: int | None = None
    house_number: str = ""

    @property
    def given(self) -> bool:
        return bool(self.grid_code or self.building or self.unit or self.house_number)


@dataclass(frozen=True)
class Place:
    grid_id: int
    org_path: str
    house_id: int | None = None


# Cell readers of the hot path, built once.
_grid_code = partial(cells.text, limit=15)
_building = partial(cells.text, limit=40)
_unit = partial(cells.integer, low=1, high=MAX_UNIT)
_house_number = partial(cells.text, limit=20)


def read_place(reader: RowReader) -> PlaceCells:
    """The place cells of a row (columns 网格编码, 楼栋编号, 单元, 门牌号), each read on its own."""
    return PlaceCells(
        grid_code=reader.read("grid", _grid_code, ""),
        building=reader.read("building", _building, ""),
        unit=reader.read("unit", _unit),
        house_number=reader.read("house_number", _house_number, ""),
    )


class PlaceResolver:
    """Resolves the places of a batch of rows with one query per table."""

    def __init__(self, ctx: ImportContext, wanted: Sequence[PlaceCells]) -> None:
        self.ctx = ctx
        ctx.grids.prepare(p.grid_code for p in wanted)
        self.buildings = Buildings(ctx.unit, (p.building for p in wanted))
        building_ids = set()
        for p in wanted:
            if p.building:
                with suppress(CellError):  # reported by resolve()
                    building_ids.add(self._building(p).id)
        self.houses = Houses(building_ids, (p.house_number for p in wanted if p.building))

    def _building(self, place: PlaceCells):
        grid_id = None
        if place.grid_code:
            grid_id = self.ctx.grids.by_code(place.grid_code).id
        return self.buildings.find(place.building, grid_id)

    def resolve(self, reader: RowReader, place: PlaceCells) -> Place | None:
        """The place the cells name, None if they name none; problems go to `reader`."""
        if not place.given:
            return None
        grid = None
        if place.grid_code:
            try:
                grid = self.ctx.grids.by_code(place.grid_code)
            except CellError as exc:
                reader.problem("grid", exc.reason)
                return None
        if not place.building:
            if place.unit or place.house_number:
                reader.problem(
                    "building", _("Give the building number (楼栋编号) with the unit and house number.")
                )
                return None
            return Place(grid.id, grid.path) if grid else None
        if not (place.unit and place.house_number):
            key = "unit" if not place.unit else "house_number"
            reader.problem(key, _("Give the unit and the house number with the building number."))
            return None
        try:
            building = self.buildings.find(place.building, grid.id if grid else None)
        except CellError as exc:
            reader.problem("building", exc.reason)
            return None
        house = self.houses.get(building.id, place.unit, place.house_number)
        if house is None:
            reader.problem(
                "house_number",
                _("Building %(ref)s has no house %(unit)s-%(number)s; import the houses first.")
                % {"ref": place.building, "unit": place.unit, "number": place.house_number},
            )
            return None
        return Place(house.grid_id, house.org_path, house.id)
