"""Parsing and checking GeoJSON boundaries, and the columns derived from them (bbox, area)."""

from __future__ import annotations

import math
from typing import Any

import shapely
from django.utils.translation import gettext_lazy as _
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, shape

_GEOD = Geod(ellps="WGS84")
_TYPES = ("Polygon", "MultiPolygon")
# Longest edge (degrees, about 50 m) used when measuring area; see geodesic_area_m2.
_SEGMENT_DEG = 0.0005


class GeometryError(ValueError):
    """A boundary that cannot be stored: `field` names what is wrong, `reason` says why (translatable)."""

    def __init__(self, field: str, reason: Any) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _check_rings(rings: Any, field: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise GeometryError(field, _("A polygon needs at least an outer ring."))
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise GeometryError(field, _("A ring needs at least four positions."))
        for position in ring:
            if (
                not isinstance(position, list | tuple)
                or len(position) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
                or not all(math.isfinite(v) for v in position[:2])
            ):
                raise GeometryError(field, _("A position must be a pair of numbers [longitude, latitude]."))
            lon, lat = position[0], position[1]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise GeometryError(
                    field, _("Coordinates must be WGS-84 longitude -180..180 and latitude -90..90.")
                )
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise GeometryError(field, _("A ring must be closed: its last position must repeat the first."))


def parse_geometry(geojson: Any, field: str = "geometry") -> Polygon | MultiPolygon:
    """Check a GeoJSON geometry dict and return it as a Shapely (Multi)Polygon.

    Raises GeometryError for anything other than a closed, valid Polygon or MultiPolygon in
    WGS-84 longitude/latitude.
    """
    if not isinstance(geojson, dict):
        raise GeometryError(field, _("The geometry must be a GeoJSON object."))
    kind = geojson.get("type")
    if kind not in _TYPES:
        raise GeometryError(field, _("The geometry must be a Polygon or a MultiPolygon."))
    coordinates = geojson.get("coordinates")
    if kind == "Polygon":
        _check_rings(coordinates, field)
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError(field, _("A MultiPolygon needs at least one polygon."))
        for polygon in coordinates:
            _check_rings(polygon, field)
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError):
        raise GeometryError(field, _("The geometry could not be read.")) from None
    if not geom.is_valid:
        # e.g. "Self-intersection[124.2 43.6]": the position helps the person fix the file.
        raise GeometryError(
            field, _("The geometry is not valid: %(reason)s") % {"reason": shapely.is_valid_reason(geom)}
        )
    if geom.is_empty or geom.area == 0:
        raise GeometryError(field, _("The geometry has no area."))
    return geom


def geodesic_area_m2(geom: Polygon | MultiPolygon) -> float:
    """Area on the WGS-84 ellipsoid in square metres (orientation-independent)."""
    if geom.is_empty:
        return 0.0
    # GeoJSON edges are straight in lon/lat; the ellipsoid sum joins vertices by geodesics,
    # which bow away from parallels. Long edges therefore change the area (a 1e-16 deg² sliver
    # between one 3 km edge and three 1 km edges measured 157 m²). Short segments make the
    # two agree; float-noise vertices (1e-9 deg = 0.1 mm) are dropped for the same reason.
    geom = shapely.remove_repeated_points(shapely.segmentize(geom, _SEGMENT_DEG), tolerance=1e-9)
    area, _perimeter = _GEOD.geometry_area_perimeter(geom)
    return abs(area)


def unit_fields(geom: Polygon | MultiPolygon) -> dict[str, float]:
    """The OrgUnit columns derived from a boundary: bbox and geodesic area."""
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    return {
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "area_m2": geodesic_area_m2(geom),
    }


def to_geojson(geom: Polygon | MultiPolygon) -> dict[str, Any]:
    """A Shapely (Multi)Polygon as a plain GeoJSON geometry dict of lists (JSON-ready)."""
    mapping = shapely.geometry.mapping(geom)

    def _lists(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [_lists(v) for v in value]
        return value

    return {"type": mapping["type"], "coordinates": _lists(mapping["coordinates"])}
