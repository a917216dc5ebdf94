"""Point-in-grid lookup: an in-memory STRtree of the active grids, kept in step with the database.

Each process holds one index tagged with GeometryVersion.version. Every service that changes
a polygon calls bump_geometry_version() in its transaction; a process notices at most
settings.GEO_INDEX_CHECK_SECONDS later (one tiny query) and rebuilds. The process that made the
change rebuilds at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import F
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import shape

from gridgov.geo.models import GeometryVersion, OrgUnit
from gridgov.geo.raster import MIXED, CellRaster, build_raster

# The singleton row of GeometryVersion.
_VERSION_PK = 1
NO_GRID = -1
# Bulk lookups of at least this many points use (and, the first time, build) the cell raster.
RASTER_MIN_POINTS = 20_000


@dataclass
class GridIndex:
    version: int
    tree: shapely.STRtree
    # Grid ids in tree order; the tree is built in code order, so on a shared border the grid
    # with the lowest code wins, the same in every process.
    ids: NDArray[np.int64]
    geoms: list
    checked_at: float
    raster: CellRaster | None = None

    def lookup(self, lons: NDArray, lats: NDArray) -> NDArray[np.int64]:
        if len(self.ids) == 0 or len(lons) == 0:
            return np.full(len(lons), NO_GRID, dtype=np.int64)
        if len(lons) < RASTER_MIN_POINTS:
            return self._exact(lons, lats)
        raster = self.raster
        if raster is None:
            # Built on first bulk use only: single-point lookups never pay for it.
            raster = self.raster = build_raster(self.geoms)
            if raster is None:  # build_raster() gives None only for no geometries
                raise ValueError(f"GridIndex v{self.version} has {len(self.ids)} grid ids but no geometries.")
        state = raster.classify(lons, lats)
        result = np.full(len(lons), NO_GRID, dtype=np.int64)
        known = state >= 0
        result[known] = self.ids[state[known]]
        mixed = np.flatnonzero(state == MIXED)
        if len(mixed):
            result[mixed] = self._exact(lons[mixed], lats[mixed])
        return result

    def _exact(self, lons: NDArray, lats: NDArray) -> NDArray[np.int64]:
        points = shapely.points(lons, lats)
        result = np.full(len(points), NO_GRID, dtype=np.int64)
        # For a point, intersects = covered by: a point on a border counts for both grids.
        point_idx, tree_idx = self.tree.query(points, predicate="intersects")
        if len(point_idx) == 0:
            return result
        if len(point_idx) > 1 and np.any(point_idx[1:] < point_idx[:-1]):
            order = np.argsort(point_idx, kind="stable")
            point_idx, tree_idx = point_idx[order], tree_idx[order]
        starts = np.flatnonzero(np.r_[True, point_idx[1:] != point_idx[:-1]])
        # Most points hit one grid; where several do (shared borders) the lowest tree index wins.
        best = tree_idx if len(starts) == len(tree_idx) else np.minimum.reduceat(tree_idx, starts)
        result[point_idx[starts]] = self.ids[best]
        return result


_index: GridIndex | None = None
_lock = threading.Lock()


def current_version() -> int:
    """The geometry version in the database (0 before any change)."""
    return GeometryVersion.objects.filter(pk=_VERSION_PK).values_list("version", flat=True).first() or 0


def _build(version: int) -> GridIndex:
    rows = (
        OrgUnit.objects.grids().filter(geometry__isnull=False).order_by("code").values_list("id", "geometry")
    )
    ids, geoms = [], []
    for grid_id, geometry in rows:
        ids.append(grid_id)
        geoms.append(shape(geometry))
    shapely.prepare(geoms)
    return GridIndex(
        version=version,
        tree=shapely.STRtree(geoms),
        ids=np.asarray(ids, dtype=np.int64),
        geoms=geoms,
        checked_at=time.monotonic(),
    )


def get_index() -> GridIndex:
    """This process's grid index, rebuilt if the database's geometry version moved on."""
    global _index
    index = _index
    now = time.monotonic()
    if index is not None and now - index.checked_at < settings.GEO_INDEX_CHECK_SECONDS:
        return index
    with _lock:
        index = _index
        if index is not None and time.monotonic() - index.checked_at < settings.GEO_INDEX_CHECK_SECONDS:
            return index
        # Read the version before the grids: a change racing with the build makes the next
        # check see a newer version and rebuild, never the reverse.
        version = current_version()
        if index is not None and index.version == version:
            index.checked_at = time.monotonic()
            return index
        _index = _build(version)
        return _index


def invalidate() -> None:
    """Drop this process's index; the next lookup rebuilds it."""
    global _index
    with _lock:
        _index = None


def bump_geometry_version() -> int:
    """Record that polygons changed; call inside the transaction that changes them.

    Other processes rebuild within GEO_INDEX_CHECK_SECONDS of the commit; this one at once
    (now, so later lookups in the same transaction see the change, and again on commit).
    Returns the new version.
    """
    updated = GeometryVersion.objects.filter(pk=_VERSION_PK).update(version=F("version") + 1)
    if not updated:
        GeometryVersion.objects.get_or_create(pk=_VERSION_PK, defaults={"version": 0})
        GeometryVersion.objects.filter(pk=_VERSION_PK).update(version=F("version") + 1)
    invalidate()
    transaction.on_commit(invalidate)
    return current_version()


def grids_at(lons: ArrayLike, lats: ArrayLike) -> NDArray[np.int64]:
    """Grid ids (int64) under each WGS-84 point, -1 where no active grid covers it.

    A point on a border shared by two grids gets the grid with the lower code.
    """
    lon = np.asarray(lons, dtype=np.float64).ravel()
    lat = np.asarray(lats, dtype=np.float64).ravel()
    if lon.shape != lat.shape:
        raise ValueError("lons and lats must have the same length")
    return get_index().lookup(lon, lat)


def grid_id_at(lon: float, lat: float) -> int | None:
    """The id of the active grid under a WGS-84 point, or None."""
    grid_id = int(grids_at([lon], [lat])[0])
    return None if grid_id == NO_GRID else grid_id


def grid_at(lon: float, lat: float) -> OrgUnit | None:
    """The active grid under a WGS-84 point (lon, lat), or None if the point is in no grid."""
    grid_id = grid_id_at(lon, lat)
    if grid_id is None:
        return None
    return OrgUnit.objects.filter(pk=grid_id).first()
