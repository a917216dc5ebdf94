"""Cutting a polygon into pieces that tile it exactly (no gaps, no overlaps, shared vertices).

All linework is noded once (one unary_union) and polygonized, so every intersection point is
computed a single time and neighbouring pieces share their vertices bit for bit. Clipping each
piece separately against the parent would compute the same crossing twice and could leave
slivers of 1e-15 degrees between neighbours.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

# A piece smaller than this share of the mean piece area is merged into a neighbour.
SLIVER_SHARE = 0.15


def radial_polygon(
    rng: random.Random,
    centre: tuple[float, float],
    radius_deg: float,
    *,
    vertices: int = 96,
    roughness: float = 0.18,
    turn: float = 0.0,
) -> Polygon:
    """An irregular star-shaped polygon around `centre` (lon, lat): a radius wobbling with angle.

    Longitudes are stretched by 1/cos(latitude) so the shape is round on the ground, not in degrees.
    Vertex i sits at angle 2*pi*(i + turn)/vertices.
    """
    lon0, lat0 = centre
    stretch = 1.0 / math.cos(math.radians(lat0))
    harmonics = [(k, rng.uniform(0.3, 1.0) / k, rng.uniform(0, 2 * math.pi)) for k in range(2, 7)]
    norm = sum(amplitude for _k, amplitude, _phase in harmonics)
    coords = []
    for i in range(vertices):
        angle = 2 * math.pi * (i + turn) / vertices
        wobble = sum(amplitude * math.sin(k * angle + phase) for k, amplitude, phase in harmonics) / norm
        r = radius_deg * (1 + roughness * wobble) * (1 + rng.uniform(-0.02, 0.02))
        coords.append((lon0 + r * math.cos(angle) * stretch, lat0 + r * math.sin(angle)))
    return Polygon(coords)


def _faces(region: Polygon, lines: Sequence[BaseGeometry]) -> list[Polygon]:
    """The faces of `region` cut by `lines`, every crossing computed once."""
    noded = shapely.unary_union([region.boundary, *lines])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    # A face is either entirely inside the region or entirely outside (holes, beyond the edge).
    return [face for face in faces if region.contains(face.representative_point())]


def _shared_length(a: BaseGeometry, b: BaseGeometry) -> float:
    return a.boundary.intersection(b.boundary).length


def _merge_small(pieces: list[Polygon], extras: list[Polygon], min_area: float) -> list[Polygon]:
    """Fold `extras` and every piece under `min_area` into the neighbour sharing the longest edge."""
    pieces = sorted(pieces, key=lambda p: -p.area)
    pending = extras + [p for p in pieces if p.area < min_area]
    kept = [p for p in pieces if p.area >= min_area] or pieces[:1]
    pending = [p for p in pending if not any(p is k for k in kept)]
    while pending:
        piece = pending.pop(0)
        lengths = [_shared_length(piece, other) for other in kept]
        best = max(range(len(kept)), key=lengths.__getitem__)
        if lengths[best] == 0:  # touches nothing kept yet: try again after the others
            pending.append(piece)
            continue
        # The two share their common edge exactly, so the union introduces no new vertices.
        kept[best] = shapely.union(kept[best], piece)
    return kept


def split_by_rays(region: Polygon, rays: Sequence[LineString], centre: tuple[float, float]) -> list[Polygon]:
    """Cut `region` (a ring around `centre`) by outward `rays` into sectors, ordered by bearing."""
    lon0, lat0 = centre
    faces = _faces(region, rays)

    def bearing(face: Polygon) -> float:
        c = face.representative_point()
        return math.atan2(c.y - lat0, c.x - lon0) % (2 * math.pi)

    return sorted(faces, key=bearing)


def random_seeds(rng: random.Random, region: Polygon, count: int) -> list[Point]:
    """`count` points inside `region`, kept apart so that the Voronoi cells are not slivers."""
    minx, miny, maxx, maxy = region.bounds
    spacing = 0.55 * math.sqrt(region.area / max(count, 1))
    shapely.prepare(region)
    seeds: list[Point] = []
    attempts = 0
    while len(seeds) < count:
        attempts += 1
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if not region.contains(point):
            continue
        # Relax the spacing when the region is too awkward to place them all.
        if attempts < 2000 and any(point.distance(s) < spacing for s in seeds):
            continue
        seeds.append(point)
    return seeds


def voronoi_tiles(rng: random.Random, region: Polygon, count: int) -> list[Polygon]:
    """Cut `region` into about `count` connected pieces: Voronoi cells of random seeds, clipped.

    A cell that the region's outline cuts into several parts keeps its largest part; the
    others, and any sliver, join the neighbour with which they share the longest edge, so a
    few regions may end up with fewer than `count` pieces.
    """
    if count <= 1:
        return [region]
    best: list[Polygon] = [region]
    # Merging can leave fewer pieces than asked; a few fresh draws usually hit the count.
    for _attempt in range(6):
        tiles = _voronoi_once(rng, region, count)
        if len(tiles) > len(best):
            best = tiles
        if len(best) == count:
            break
    # Reading order (north-west first) so that codes run across the map predictably.
    return sorted(best, key=lambda t: (-round(t.centroid.y, 3), t.centroid.x))


def _voronoi_once(rng: random.Random, region: Polygon, count: int) -> list[Polygon]:
    seeds = random_seeds(rng, region, count)
    cells = shapely.get_parts(shapely.voronoi_polygons(MultiPoint(seeds), extend_to=region))
    faces = _faces(region, [cell.boundary for cell in cells])
    by_cell: dict[int, list[Polygon]] = {}
    for face in faces:
        point = face.representative_point()
        owner = next((i for i, cell in enumerate(cells) if cell.contains(point)), 0)
        by_cell.setdefault(owner, []).append(face)
    pieces: list[Polygon] = []
    extras: list[Polygon] = []
    for _owner, group in sorted(by_cell.items()):
        group.sort(key=lambda f: -f.area)
        pieces.append(group[0])
        extras.extend(group[1:])
    return _merge_small(pieces, extras, SLIVER_SHARE * region.area / count)


def share_vertices(geoms: list[Polygon], tolerance: float = 1e-9) -> list[Polygon]:
    """Insert into every edge the vertices of the other polygons that lie on it.

    A grid's corner on its community's outline is a computed crossing that the community
    (and the grids of the neighbouring community) do not have; it lies on their edge only to
    within rounding. Inserting it makes neighbours across parents share vertices exactly, so
    overlays and geodesic area checks see no sliver between them.
    """
    points = shapely.points(np.unique(np.concatenate([shapely.get_coordinates(g) for g in geoms]), axis=0))
    tree = shapely.STRtree(points)
    starts: list[tuple[float, float]] = []
    ends: list[tuple[float, float]] = []
    owners: list[tuple[int, int, int]] = []  # (geometry, ring, segment)
    rings_of: list[list[list[tuple[float, float]]]] = []
    for g_index, geom in enumerate(geoms):
        rings = [list(geom.exterior.coords), *(list(r.coords) for r in geom.interiors)]
        rings_of.append(rings)
        for r_index, ring in enumerate(rings):
            for s_index, (a, b) in enumerate(itertools.pairwise(ring)):
                starts.append(a)
                ends.append(b)
                owners.append((g_index, r_index, s_index))
    segments = shapely.linestrings(np.stack([np.array(starts), np.array(ends)], axis=1))
    seg_hits, point_hits = tree.query(segments, predicate="dwithin", distance=tolerance)
    inserts: dict[tuple[int, int, int], list[tuple[float, tuple[float, float]]]] = {}
    coords = shapely.get_coordinates(points)
    for s, p in zip(seg_hits.tolist(), point_hits.tolist(), strict=True):
        point = (float(coords[p][0]), float(coords[p][1]))
        a, b = starts[s], ends[s]
        if (
            max(abs(point[0] - a[0]), abs(point[1] - a[1])) < tolerance
            or max(abs(point[0] - b[0]), abs(point[1] - b[1])) < tolerance
        ):
            continue  # already there (or as good as: inserting it would fold the ring)
        along = (point[0] - a[0]) * (b[0] - a[0]) + (point[1] - a[1]) * (b[1] - a[1])
        inserts.setdefault(owners[s], []).append((along, point))
    if not inserts:
        return list(geoms)
    result = []
    for g_index, rings in enumerate(rings_of):
        new_rings = []
        for r_index, ring in enumerate(rings):
            out = [ring[0]]
            for s_index in range(len(ring) - 1):
                out += [p for _along, p in sorted(inserts.get((g_index, r_index, s_index), []))]
                out.append(ring[s_index + 1])
            new_rings.append(out)
        result.append(Polygon(new_rings[0], new_rings[1:]))
    return result
