"""Actions that change org units and their polygons. Each runs in one transaction, bumps the
geometry version, lets the registered followers react and writes an audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shapely
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from shapely.geometry import LineString, shape
from shapely.ops import split

from gridgov.audit.log import record
from gridgov.geo import followers
from gridgov.geo.codes import parent_code_of
from gridgov.geo.geometry import GeometryError, parse_geometry, to_geojson, unit_fields
from gridgov.geo.index import bump_geometry_version
from gridgov.geo.models import CODE_LENGTHS, Level, OrgUnit, path_for_code


class UnitChangeError(Exception):
    """A split, merge or edit that cannot be done; `field` and a translatable `reason` say why."""

    def __init__(self, field: str, reason: Any) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _apply_geometry(unit: OrgUnit, geom) -> None:
    unit.geometry = to_geojson(geom)
    for name, value in unit_fields(geom).items():
        setattr(unit, name, value)


def save_unit(unit: OrgUnit, *, actor, request=None) -> OrgUnit:
    """Create or update one unit as edited by a person (the admin form).

    Derives path, bbox and area from code and boundary, bumps the geometry version and writes
    a "geo.create_unit"/"geo.edit_unit" audit entry. Raises UnitChangeError on a bad boundary.
    """
    creating = unit.pk is None
    fields: Mapping[str, float | None]
    if unit.geometry is not None:
        try:
            fields = unit_fields(parse_geometry(unit.geometry))
        except GeometryError as exc:
            raise UnitChangeError(exc.field, exc.reason) from None
    else:
        fields = dict.fromkeys(("min_lon", "min_lat", "max_lon", "max_lat", "area_m2"))
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.path = path_for_code(unit.code)
    with transaction.atomic():
        unit.save()
        bump_geometry_version()
        record(
            "geo.create_unit" if creating else "geo.edit_unit",
            actor=actor,
            request=request,
            target=unit,
            details={"code": unit.code, "area_m2": unit.area_m2},
        )
    return unit


def _locked_grids(*grids: OrgUnit) -> list[OrgUnit]:
    """Fresh copies of the grids, row-locked in pk order (so two merges cannot deadlock)."""
    ids = [g.pk for g in grids]
    locked = {g.pk: g for g in OrgUnit.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    fresh = [locked[i] for i in ids if i in locked]
    for grid in fresh:
        if grid.level != Level.GRID or not grid.is_active or grid.geometry is None:
            raise UnitChangeError("grid", _("Only an active grid with a boundary can be split or merged."))
    return fresh


def _next_grid_code(community_code: str) -> str:
    # Codes are never reused, so inactive (merged) grids count too.
    used = OrgUnit.objects.filter(code__startswith=community_code, level=Level.GRID).values_list(
        "code", flat=True
    )
    suffixes = [int(code[len(community_code) :]) for code in used if len(code) == CODE_LENGTHS[Level.GRID]]
    following = max(suffixes, default=0) + 1
    if following > 999:
        raise UnitChangeError("code", _("This community has no free grid code left."))
    return f"{community_code}{following:03d}"


def _next_name(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"


def _parse_line(line_geojson: Any) -> LineString:
    if not isinstance(line_geojson, dict) or line_geojson.get("type") != "LineString":
        raise UnitChangeError("line", _("The cut must be a GeoJSON LineString."))
    try:
        line = shape(line_geojson)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError):
        raise UnitChangeError("line", _("The cut line could not be read.")) from None
    if line.is_empty or line.length == 0 or not line.is_valid:
        raise UnitChangeError("line", _("The cut line needs at least two distinct positions."))
    return line


@transaction.atomic
def split_grid(
    grid: OrgUnit, line_geojson: dict[str, Any], *, actor, request=None
) -> tuple[OrgUnit, OrgUnit]:
    """Cut `grid` in two along a LineString (WGS-84).

    The grid keeps its code and the larger part; a new grid in the same community takes the
    next free code and the other part. Raises UnitChangeError (nothing changed) unless the line
    cuts the grid into exactly two parts.
    """
    line = _parse_line(line_geojson)
    (grid,) = _locked_grids(grid)
    polygon = shape(grid.geometry)
    parts = list(shapely.get_parts(split(polygon, line))) if line.intersects(polygon) else [polygon]
    if len(parts) != 2:
        raise UnitChangeError(
            "line",
            _("The line must cut the grid into exactly two parts (it cuts it into %(n)s).")
            % {"n": len(parts)},
        )
    larger, smaller = sorted(parts, key=lambda p: p.area, reverse=True)
    community_code = parent_code_of(grid.code)
    if community_code is None:  # a grid code always has a community prefix
        raise ValueError(f"Grid {grid.code} has no community code.")
    siblings = OrgUnit.objects.filter(parent_id=grid.parent_id)
    new_grid = OrgUnit(
        code=_next_grid_code(community_code),
        parent_id=grid.parent_id,
        level=Level.GRID,
        kind=grid.kind,
        name_zh=_next_name(grid.name_zh, set(siblings.values_list("name_zh", flat=True))),
        name_en=_next_name(grid.name_en, set(siblings.values_list("name_en", flat=True)))
        if grid.name_en
        else "",
    )
    new_grid.path = path_for_code(new_grid.code)
    _apply_geometry(grid, larger)
    _apply_geometry(new_grid, smaller)
    grid.save(update_fields=["geometry", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2", "updated_at"])
    new_grid.save()
    bump_geometry_version()
    followers.notify_split(grid, [grid, new_grid])
    record(
        "geo.split",
        actor=actor,
        request=request,
        target=grid,
        details={"new_code": new_grid.code, "area_m2": [grid.area_m2, new_grid.area_m2]},
    )
    return grid, new_grid


@transaction.atomic
def merge_grids(keep: OrgUnit, absorb: OrgUnit, *, actor, request=None) -> OrgUnit:
    """Merge `absorb` into `keep`: keep's boundary becomes the union of both; absorb is
    deactivated with merged_into=keep. Both must be active grids of the same community that
    share a border. Raises UnitChangeError (nothing changed) otherwise."""
    if keep.pk == absorb.pk:
        raise UnitChangeError("absorb", _("A grid cannot be merged into itself."))
    keep, absorb = _locked_grids(keep, absorb)
    if keep.parent_id != absorb.parent_id:
        raise UnitChangeError("absorb", _("Only grids of the same community can be merged."))
    keep_geom, absorb_geom = shape(keep.geometry), shape(absorb.geometry)
    shared = keep_geom.intersection(absorb_geom)
    if shared.is_empty or (shared.length == 0 and shared.area == 0):
        raise UnitChangeError("absorb", _("The grids must share a border to be merged."))
    union = shapely.union(keep_geom, absorb_geom)
    _apply_geometry(keep, union)
    keep.save(update_fields=["geometry", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2", "updated_at"])
    absorb.is_active = False
    absorb.merged_into = keep
    absorb.save(update_fields=["is_active", "merged_into", "updated_at"])
    bump_geometry_version()
    followers.notify_merge(absorb, keep)
    record(
        "geo.merge",
        actor=actor,
        request=request,
        target=keep,
        details={"absorbed_code": absorb.code, "area_m2": keep.area_m2},
    )
    return keep
