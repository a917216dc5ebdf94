"""Topology check of a unit's children: do they overlap, leave gaps, or reach outside the parent?"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from django.conf import settings
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from gridgov.geo.geometry import geodesic_area_m2
from gridgov.geo.models import OrgUnit

OVERLAP = "overlap"
GAP = "gap"
OUTSIDE = "outside"


@dataclass(frozen=True)
class Problem:
    kind: str  # OVERLAP, GAP or OUTSIDE
    codes: tuple[str, ...]  # the units involved (the parent for a gap)
    location: tuple[float, float]  # a point inside the problem area (lon, lat)
    area_m2: float

    def describe(self) -> str:
        lon, lat = self.location
        return f"{self.kind} {', '.join(self.codes)} at {lon:.6f},{lat:.6f}: {self.area_m2:,.1f} m²"


def _pieces(geom: BaseGeometry) -> list[BaseGeometry]:
    """The polygonal parts of a result (intersections also yield shared edges and corners)."""
    parts = shapely.get_parts(geom)
    nested = []
    for part in parts:
        if part.geom_type == "GeometryCollection":
            nested.extend(_pieces(part))
        elif part.geom_type == "Polygon" and not part.is_empty:
            nested.append(part)
    return nested


def _problems(kind: str, geom: BaseGeometry, codes_for, tolerance: float) -> list[Problem]:
    found = []
    for piece in _pieces(geom):
        area = geodesic_area_m2(piece)
        if area < tolerance:
            continue
        point = piece.representative_point()
        found.append(Problem(kind, codes_for(piece), (point.x, point.y), area))
    return found


def check_children(unit: OrgUnit) -> list[Problem]:
    """Overlaps between `unit`'s active children, gaps they leave and parts outside `unit`.

    Pieces smaller than settings.GEO_TOPOLOGY_TOLERANCE_M2 are ignored. Children without a
    boundary are skipped; gaps and outside parts need the unit's own boundary.
    """
    tolerance = settings.GEO_TOPOLOGY_TOLERANCE_M2
    children = list(
        unit.children.active().filter(geometry__isnull=False).order_by("code").values_list("code", "geometry")
    )
    codes = [code for code, _geometry in children]
    geoms = [shape(geometry) for _code, geometry in children]
    problems: list[Problem] = []
    tree = shapely.STRtree(geoms)

    def reaching(piece: BaseGeometry) -> tuple[str, ...]:
        """Children that cover part of `piece` (not those that merely touch its edge)."""
        candidates = sorted(tree.query(piece, predicate="intersects"))
        return tuple(codes[i] for i in candidates if geoms[i].intersection(piece).area > 0)

    if geoms:
        left, right = tree.query(geoms, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i < j:
                overlap = geoms[i].intersection(geoms[j])
                problems += _problems(OVERLAP, overlap, lambda _p, i=i, j=j: (codes[i], codes[j]), tolerance)
    if unit.geometry:
        parent = shape(unit.geometry)
        union = shapely.union_all(geoms) if geoms else shapely.Polygon()
        problems += _problems(GAP, parent.difference(union), lambda _p: (unit.code,), tolerance)
        if geoms:
            problems += _problems(OUTSIDE, union.difference(parent), reaching, tolerance)
    return problems
