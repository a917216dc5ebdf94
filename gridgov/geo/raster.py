"""A coarse cell raster over the grids that answers most points of a bulk lookup without GEOS.

Creating a Shapely point costs more than testing it, so for a million points most of the time
went into point objects. The raster divides the grids' extent into cells and remembers, per
cell, "no grid", "entirely one grid" or "mixed". Only points in mixed cells (near borders)
become Shapely points and go through the STRtree; the rest are answered by array indexing.

A cell counts as empty or as one grid only if that holds for the cell grown by _MARGIN
degrees, so a point whose cell index is off by floating-point rounding still gets the exact
answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

EMPTY = -1
MIXED = -2
_MARGIN = 1e-9
# Cells per side of a typical grid, and the most cells we are willing to hold and build.
_CELLS_PER_GRID = 4
_MAX_CELLS = 1 << 19


@dataclass(frozen=True)
class CellRaster:
    x0: float
    y0: float
    dx: float
    dy: float
    nx: int
    ny: int
    # Per cell: the tree index of the one grid covering it, EMPTY or MIXED.
    cells: NDArray[np.int64]

    def classify(self, lons: NDArray, lats: NDArray) -> NDArray[np.int64]:
        """Per point: a tree index, EMPTY, or MIXED (needs the exact test)."""
        fx = np.floor((lons - self.x0) / self.dx)
        fy = np.floor((lats - self.y0) / self.dy)
        inside = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)
        out = np.full(len(lons), EMPTY, dtype=np.int64)
        cell = fy[inside].astype(np.int64) * self.nx + fx[inside].astype(np.int64)
        out[inside] = self.cells[cell]
        return out


def build_raster(geoms: list) -> CellRaster | None:
    """A raster for these (prepared) polygons; None when there is nothing to index."""
    if not geoms:
        return None
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    x0, y0 = bounds[:, 0].min() - _MARGIN * 10, bounds[:, 1].min() - _MARGIN * 10
    x1, y1 = bounds[:, 2].max() + _MARGIN * 10, bounds[:, 3].max() + _MARGIN * 10
    typical = float(np.median(np.minimum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])))
    size = max(typical / _CELLS_PER_GRID, math.sqrt((x1 - x0) * (y1 - y0) / _MAX_CELLS), 1e-7)
    nx, ny = max(1, math.ceil((x1 - x0) / size)), max(1, math.ceil((y1 - y0) / size))
    dx, dy = (x1 - x0) / nx, (y1 - y0) / ny

    # Every (grid, cell) pair whose cell meets the grid's bounding box.
    pair_grid, pair_cell = [], []
    for k, (bx0, by0, bx1, by1) in enumerate(bounds):
        ix = np.arange(max(0, math.floor((bx0 - x0) / dx) - 1), min(nx, math.floor((bx1 - x0) / dx) + 2))
        iy = np.arange(max(0, math.floor((by0 - y0) / dy) - 1), min(ny, math.floor((by1 - y0) / dy) + 2))
        cells = (iy[:, None] * nx + ix[None, :]).ravel()
        pair_cell.append(cells)
        pair_grid.append(np.full(len(cells), k, dtype=np.int64))
    grid_idx = np.concatenate(pair_grid)
    cell_idx = np.concatenate(pair_cell)
    cx, cy = cell_idx % nx, cell_idx // nx
    boxes = shapely.box(
        x0 + cx * dx - _MARGIN,
        y0 + cy * dy - _MARGIN,
        x0 + (cx + 1) * dx + _MARGIN,
        y0 + (cy + 1) * dy + _MARGIN,
    )
    polygons = np.asarray(geoms, dtype=object)[grid_idx]
    touching = shapely.intersects(polygons, boxes)
    grid_idx, cell_idx, boxes, polygons = (
        grid_idx[touching],
        cell_idx[touching],
        boxes[touching],
        polygons[touching],
    )
    count = np.bincount(cell_idx, minlength=nx * ny)
    cells = np.where(count == 0, EMPTY, MIXED).astype(np.int64)
    single = count[cell_idx] == 1
    covered = np.zeros(len(cell_idx), dtype=bool)
    covered[single] = shapely.covers(polygons[single], boxes[single])
    cells[cell_idx[covered]] = grid_idx[covered]
    return CellRaster(x0, y0, dx, dy, nx, ny, cells)
