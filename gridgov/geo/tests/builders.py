"""Small builders for org-unit trees with square polygons (no fixture files)."""

from __future__ import annotations

from typing import Any

from shapely.geometry import shape

from gridgov.geo.codes import parent_code_of
from gridgov.geo.geometry import unit_fields
from gridgov.geo.models import Kind, Level, OrgUnit, path_for_code

LEVEL_KIND = {1: Kind.DISTRICT, 2: Kind.SUBDISTRICT, 3: Kind.COMMUNITY, 4: Kind.GRID}
LEVEL_OF_LENGTH = {6: 1, 9: 2, 12: 3, 15: 4}

# Near Tongliao; one degree of longitude is about 81 km here, one of latitude about 111 km.
LON0, LAT0 = 122.2, 43.6


def rect(lon0: float, lat0: float, lon1: float, lat1: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]],
    }


def unit(code: str, geometry: dict[str, Any] | None = None, name: str | None = None, **extra) -> OrgUnit:
    level = LEVEL_OF_LENGTH[len(code)]
    parent_code = parent_code_of(code)
    fields = unit_fields(shape(geometry)) if geometry else {}
    return OrgUnit.objects.create(
        code=code,
        parent=OrgUnit.objects.get(code=parent_code) if parent_code else None,
        level=level,
        kind=LEVEL_KIND[level],
        name_zh=name or f"单元{code[-3:]}",
        name_en=f"Unit {code[-3:]}",
        path=path_for_code(code),
        geometry=geometry,
        **fields,
        **extra,
    )


def grid_block(columns: int = 3, rows: int = 2, size: float = 0.01) -> OrgUnit:
    """A district > street > community whose community is tiled by columns x rows square grids.

    Grid codes run 001.. row by row from the south-west corner. Returns the community.
    """
    width, height = columns * size, rows * size
    whole = rect(LON0, LAT0, LON0 + width, LAT0 + height)
    unit("150502", whole)
    unit("150502001", whole)
    community = unit("150502001001", whole)
    number = 0
    for row in range(rows):
        for col in range(columns):
            number += 1
            lon, lat = LON0 + col * size, LAT0 + row * size
            unit(f"150502001001{number:03d}", rect(lon, lat, lon + size, lat + size))
    return community


__all__ = ["LAT0", "LON0", "Level", "grid_block", "rect", "unit"]
