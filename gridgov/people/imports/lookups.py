"""What import rows refer to: grids (by code or by point), special-group tags, and the
buildings, houses and households already registered. Grids and tags are loaded once per job;
the records are fetched once per batch, with one query each, never per row."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from gridgov.access.scope import path_filter
from gridgov.geo.index import NO_GRID, grids_at
from gridgov.geo.models import Level, OrgUnit
from gridgov.people.imports.cells import CellError, cell_text
from gridgov.people.models import Building, House, Household, Sensitivity, Tag
from gridgov.people.visibility import may_see_level

_TAG_SEPARATORS = re.compile(r"[、,，;；/|\s]+")


@dataclass(frozen=True)
class GridRef:
    id: int
    code: str
    path: str


class GridLookup:
    """The active grids inside the unit imported into, and why any other code or point is refused."""

    def __init__(self, unit: OrgUnit) -> None:
        self.unit = unit
        self._by_code: dict[str, GridRef] = {}
        self._by_id: dict[int, GridRef] = {}
        for grid_id, code, path in (
            OrgUnit.objects.grids().within(unit.path).values_list("id", "code", "path")
        ):
            self._by_code[code] = self._by_id[grid_id] = GridRef(grid_id, code, path)
        self._refused: dict[str, str] = {}  # code -> reason, filled by prepare()

    def prepare(self, codes: Iterable[str]) -> None:
        """Learn, with one query, why the codes that name no grid of the unit are refused."""
        unknown = {code for code in codes if code and code not in self._by_code and code not in self._refused}
        if not unknown:
            return
        found = OrgUnit.objects.filter(code__in=unknown).values_list("code", "level", "is_active")
        for code, level, is_active in found:
            if level != Level.GRID:
                self._refused[code] = _(
                    "%(code)s is not a grid (it is a %(level)s); write the grid's code."
                ) % {
                    "code": code,
                    "level": Level(level).label,
                }
            elif not is_active:
                self._refused[code] = _("The grid %(code)s no longer exists (merged or closed).") % {
                    "code": code
                }
            else:
                self._refused[code] = _(
                    "The grid %(code)s lies outside %(unit)s, the unit you import into."
                ) % {
                    "code": code,
                    "unit": self.unit.name_zh,
                }
        for code in unknown - set(self._refused):
            self._refused[code] = _("No grid has the code %(code)s.") % {"code": code}

    def by_code(self, code: str) -> GridRef:
        """The grid with `code` (after prepare()); CellError saying why not."""
        grid = self._by_code.get(code)
        if grid is None:
            raise CellError(self._refused.get(code) or _("No grid has the code %(code)s.") % {"code": code})
        return grid

    def by_id(self, grid_id: int) -> GridRef | None:
        return self._by_id.get(grid_id)

    def at_points(self, points: list[tuple[float, float]]) -> list[GridRef | str]:
        """The grid under each WGS-84 point (one vectorised lookup), or the reason there is none."""
        if not points:
            return []
        lons = np.fromiter((lon for lon, _lat in points), dtype=np.float64, count=len(points))
        lats = np.fromiter((lat for _lon, lat in points), dtype=np.float64, count=len(points))
        results: list[GridRef | str] = []
        for grid_id in grids_at(lons, lats).tolist():
            grid = self._by_id.get(grid_id)
            if grid is not None:
                results.append(grid)
            elif grid_id == NO_GRID:
                results.append(_("The location lies in no grid of the district."))
            else:
                results.append(
                    _("The location lies outside %(unit)s, the unit you import into.")
                    % {"unit": self.unit.name_zh}
                )
        return results


class TagLookup:
    """Active special-group tags by Chinese name, English name or code, and which of them the
    importer may record in the unit (the levels they may see there)."""

    def __init__(self, user, unit: OrgUnit) -> None:
        self._tags: dict[str, Tag] = {}
        for tag in Tag.objects.filter(is_active=True):
            for name in (tag.name_zh, tag.name_en.casefold(), tag.code.casefold()):
                self._tags[name] = tag
        self._allowed = {level for level in Sensitivity.values if may_see_level(user, level, unit.path)}

    def parse(self, value: Any) -> list[Tag]:
        """The tags a cell names, separated by 、 , ; or spaces; CellError for an unknown tag or
        one the importer may not see."""
        names = [name for name in _TAG_SEPARATORS.split(cell_text(value)) if name]
        tags: list[Tag] = []
        for name in names:
            tag = self._tags.get(name) or self._tags.get(name.casefold())
            if tag is None:
                raise CellError(_("Unknown special group: %(name)s.") % {"name": name})
            if tag.sensitivity not in self._allowed:
                raise CellError(_("You may not record the special group %(name)s.") % {"name": name})
            if tag not in tags:
                tags.append(tag)
        return tags


@dataclass(frozen=True)
class BuildingRef:
    id: int
    ref: str
    grid_id: int
    org_path: str
    units: int
    floors: int


class Buildings:
    """The buildings of the unit with the numbers (楼栋编号) a batch names."""

    def __init__(self, unit: OrgUnit, refs: Iterable[str]) -> None:
        self.unit = unit
        self._by_ref: dict[str, list[BuildingRef]] = {}
        wanted = {ref for ref in refs if ref}
        if not wanted:
            return
        rows = (
            Building.objects.filter(path_filter("org_path", [unit.path]), external_ref__in=wanted)
            .values_list("id", "external_ref", "grid_id", "org_path", "units", "floors")
            .order_by("id")
        )
        for row in rows:
            building = BuildingRef(*row)
            self._by_ref.setdefault(building.ref, []).append(building)

    def find(self, ref: str, grid_id: int | None) -> BuildingRef:
        candidates = self._by_ref.get(ref, [])
        if grid_id is not None:
            candidates = [b for b in candidates if b.grid_id == grid_id]
        if not candidates:
            raise CellError(
                _("No building numbered %(ref)s in %(unit)s; import the buildings first.")
                % {"ref": ref, "unit": self.unit.name_zh}
            )
        if len(candidates) > 1:
            raise CellError(
                _("Several buildings in %(unit)s are numbered %(ref)s; add the grid code (网格编码).")
                % {"ref": ref, "unit": self.unit.name_zh}
            )
        return candidates[0]


@dataclass(frozen=True)
class HouseRef:
    id: int
    building_id: int
    unit: int
    number: str
    grid_id: int
    org_path: str


class Houses:
    """The houses of the given buildings with the numbers a batch names."""

    def __init__(self, building_ids: Iterable[int], numbers: Iterable[str]) -> None:
        self._by_key: dict[tuple[int, int, str], HouseRef] = {}
        ids, wanted = set(building_ids), {n for n in numbers if n}
        if not ids or not wanted:
            return
        rows = House.objects.filter(building_id__in=ids, number__in=wanted).values_list(
            "id", "building_id", "unit", "number", "grid_id", "org_path"
        )
        for row in rows:
            house = HouseRef(*row)
            self._by_key[(house.building_id, house.unit, house.number)] = house

    def get(self, building_id: int, unit: int, number: str) -> HouseRef | None:
        return self._by_key.get((building_id, unit, number))


@dataclass(frozen=True)
class HouseholdRef:
    id: int
    number: str
    grid_id: int
    org_path: str
    house_id: int | None
    head_id: int | None


def households_numbered(numbers: Iterable[str]) -> dict[str, HouseholdRef]:
    """Registered households by number (anywhere: the caller refuses those outside its unit)."""
    wanted = {n for n in numbers if n}
    if not wanted:
        return {}
    rows = Household.objects.filter(number__in=wanted).values_list(
        "id", "number", "grid_id", "org_path", "house_id", "head_id"
    )
    return {row[1]: HouseholdRef(*row) for row in rows}
