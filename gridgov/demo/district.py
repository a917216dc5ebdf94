"""The synthetic Keerqin-shaped district as a GeoJSON FeatureCollection (pure: no database).

Shape: an irregular outline of about 2,821 km² around 43.62 N, 122.27 E; an urban core of
about 200 km² in the middle cut into 11 sub-districts (Voronoi cells); the ring around it cut
into 9 towns and 1 sumu (angular sectors). Each street is cut into communities/villages and
each of those into grids, again by clipped Voronoi cells. Every random draw comes from a
generator seeded with (seed, unit code), so a unit's shape does not depend on the others.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from typing import Any

import shapely
from shapely import affinity
from shapely.geometry import LineString, Polygon

from gridgov.demo import names
from gridgov.demo.tiling import radial_polygon, share_vertices, split_by_rays, voronoi_tiles
from gridgov.geo.geometry import geodesic_area_m2, to_geojson
from gridgov.geo.models import Kind, Level

DEFAULT_SEED = 150502
CENTRE = (122.27, 43.62)
DISTRICT_AREA_KM2 = 2821.0
CORE_AREA_KM2 = 200.0
# Vertices of the urban core outline; the town/sumu boundaries start at some of them.
CORE_VERTICES = 72


@dataclass(frozen=True)
class Scale:
    """How many children each level gets: (low, high) inclusive ranges, or fixed lists."""

    urban_communities: tuple[int, ...]  # per sub-district, in order (cycled)
    urban_grids: tuple[int, int]
    rural_villages: tuple[int, int]
    sumu_gachas: tuple[int, int]
    rural_grids: tuple[int, int]
    gacha_share: float  # share of a town's villages that are Mongolian gachas


SCALES = {
    "small": Scale((2,), (3, 3), (2, 2), (2, 2), (3, 3), 0.5),
    # 5 x 10 + 6 x 9 = 104 urban communities; 9 x ~21 + ~18 = ~207 villages; ~1,300 grids.
    "district": Scale((10, 9, 10, 9, 10, 9, 10, 9, 10, 9, 9), (8, 9), (20, 22), (17, 19), (1, 3), 0.3),
}


class _Collector:
    def __init__(self) -> None:
        self.geoms: list[Polygon] = []
        self.properties: list[dict[str, Any]] = []

    def add(
        self, geom: Polygon, *, code: str, parent_code: str | None, level: int, kind: str, zh: str, en: str
    ) -> None:
        self.geoms.append(geom)
        self.properties.append(
            {
                "code": code,
                "parent_code": parent_code,
                "level": int(level),
                "kind": str(kind),
                "name_zh": zh,
                "name_en": en,
            }
        )

    def feature_collection(self) -> dict[str, Any]:
        geoms = share_vertices(self.geoms)
        features = [
            # GeoJSON (RFC 7946) wants counter-clockwise outer rings; this only reorders vertices.
            {"type": "Feature", "properties": props, "geometry": to_geojson(shapely.orient_polygons(geom))}
            for geom, props in zip(geoms, self.properties, strict=True)
        ]
        return {"type": "FeatureCollection", "features": features}


def _rng(seed: int, key: str) -> random.Random:
    return random.Random(f"{seed}:{key}")


def _scaled_to_area(rng: random.Random, radius_deg: float, area_km2: float, **shape: Any) -> Polygon:
    """A radial polygon around CENTRE scaled (about CENTRE) until its geodesic area is `area_km2`."""
    polygon = radial_polygon(rng, CENTRE, radius_deg, **shape)
    for _ in range(3):
        factor = math.sqrt(area_km2 * 1e6 / geodesic_area_m2(polygon))
        polygon = affinity.scale(polygon, factor, factor, origin=CENTRE)
    return polygon


def _outer_ring(tiles: list[Polygon]) -> Polygon:
    """The outline of exactly-tiling pieces, keeping every vertex the pieces put on it.

    Edges used by one piece only are on the outline; chaining them gives the parent's ring
    with the nodes its children added, so the neighbours outside can share them too.
    """
    count: dict[tuple, int] = {}
    for tile in tiles:
        coords = list(tile.exterior.coords)
        for a, b in itertools.pairwise(coords):
            key = (a, b) if a <= b else (b, a)
            count[key] = count.get(key, 0) + 1
    following: dict[tuple, list[tuple]] = {}
    for (a, b), used in count.items():
        if used == 1:
            following.setdefault(a, []).append(b)
            following.setdefault(b, []).append(a)
    start = min(following)
    ring, previous, current = [start], None, start
    while True:
        nxt = next(p for p in following[current] if p != previous)
        if nxt == start:
            break
        ring.append(nxt)
        previous, current = current, nxt
    return Polygon(ring)


def _streets(seed: int) -> tuple[Polygon, list[tuple[str, str, Polygon]]]:
    """The district outline and its 21 streets as (code, kind, polygon)."""
    # Half a step of turn: the sector boundaries run out from core vertices along their own
    # bearing, and must not pass exactly through a vertex of the outline.
    district = _scaled_to_area(
        _rng(seed, "district"), 0.27, DISTRICT_AREA_KM2, vertices=96, roughness=0.22, turn=0.5
    )
    core = _scaled_to_area(_rng(seed, "core"), 0.072, CORE_AREA_KM2, vertices=CORE_VERTICES, roughness=0.15)
    subdistricts = voronoi_tiles(_rng(seed, "core-split"), core, len(names.SUBDISTRICTS))
    # The ring's hole is the core outline with the nodes the sub-districts put on it.
    ring = Polygon(district.exterior.coords, [_outer_ring(subdistricts).exterior.coords])

    # Ten sector boundaries that start at vertices of the core outline (so they add no node
    # on it) and run radially outwards; spacing about 36 degrees, jittered.
    rng = _rng(seed, "sectors")
    core_coords = list(core.exterior.coords)[:-1]
    step = 360 / CORE_VERTICES
    offset = rng.uniform(0, 360)
    indices = sorted(
        {round(((offset + 36 * k + rng.uniform(-8, 8)) % 360) / step) % CORE_VERTICES for k in range(10)}
    )
    lon0, lat0 = CENTRE
    reach = 1.0
    rays = []
    for index in indices:
        x, y = core_coords[index]
        angle = math.atan2(y - lat0, x - lon0)
        rays.append(LineString([(x, y), (x + reach * math.cos(angle), y + reach * math.sin(angle))]))
    sectors = split_by_rays(ring, rays, CENTRE)

    streets: list[tuple[str, str, Polygon]] = []
    for i, tile in enumerate(subdistricts):
        streets.append((f"{names.DISTRICT_CODE}{i + 1:03d}", Kind.SUBDISTRICT, tile))
    # The sumu takes the largest sector (a pastoral area); towns the rest, going round.
    sumu_index = max(range(len(sectors)), key=lambda i: sectors[i].area)
    town_number = 100
    for i, tile in enumerate(sectors):
        if i == sumu_index:
            streets.append((f"{names.DISTRICT_CODE}200", Kind.SUMU, tile))
        else:
            streets.append((f"{names.DISTRICT_CODE}{town_number:03d}", Kind.TOWN, tile))
            town_number += 1
    return district, streets


def build_district(scale: str = "small", seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The demo district as a GeoJSON FeatureCollection, parents before children.

    Each feature's properties: code, parent_code, level, kind, name_zh, name_en. Raises
    KeyError for an unknown scale.
    """
    plan = SCALES[scale]
    out = _Collector()
    district, streets = _streets(seed)
    out.add(
        district,
        code=names.DISTRICT_CODE,
        parent_code=None,
        level=Level.DISTRICT,
        kind=Kind.DISTRICT,
        zh=names.DISTRICT_NAME_ZH,
        en=names.DISTRICT_NAME_EN,
    )
    towns = iter(names.TOWNS)
    for index, (code, kind, street_geom) in enumerate(streets):
        base = (
            names.SUBDISTRICTS[index]
            if kind == Kind.SUBDISTRICT
            else next(towns)
            if kind == Kind.TOWN
            else names.SUMU
        )
        zh, en = names.unit_names(base, kind)
        out.add(
            street_geom,
            code=code,
            parent_code=names.DISTRICT_CODE,
            level=Level.STREET,
            kind=kind,
            zh=zh,
            en=en,
        )
        _add_communities(out, plan, seed, code, kind, street_geom, index)
    return out.feature_collection()


def _community_plan(rng: random.Random, plan: Scale, kind: str, index: int) -> list[tuple[str, str]]:
    """(kind, base name) of each community/village of one street."""
    if kind == Kind.SUBDISTRICT:
        count = plan.urban_communities[index % len(plan.urban_communities)]
        return [(Kind.COMMUNITY, base) for base in rng.sample(names.HAN_NAMES, count)]
    if kind == Kind.SUMU:
        count = rng.randint(*plan.sumu_gachas)
        return [(Kind.GACHA, base) for base in rng.sample(sorted(names.GACHA_NAMES), count)]
    count = rng.randint(*plan.rural_villages)
    gachas = round(count * plan.gacha_share)
    villages = rng.sample(names.HAN_NAMES + names.VILLAGE_NAMES, count - gachas)
    chosen: list[tuple[str, str]] = [(Kind.VILLAGE, b) for b in villages]
    chosen += [(Kind.GACHA, b) for b in rng.sample(sorted(names.GACHA_NAMES), gachas)]
    rng.shuffle(chosen)
    return chosen


def _add_communities(
    out: _Collector, plan: Scale, seed: int, street_code: str, kind: str, street_geom: Polygon, index: int
) -> None:
    rng = _rng(seed, street_code)
    wanted = _community_plan(rng, plan, kind, index)
    tiles = voronoi_tiles(rng, street_geom, len(wanted))
    for number, (tile, (community_kind, base)) in enumerate(zip(tiles, wanted, strict=False), start=1):
        code = f"{street_code}{number:03d}"
        zh, en = names.unit_names(base, community_kind)
        out.add(
            tile, code=code, parent_code=street_code, level=Level.COMMUNITY, kind=community_kind, zh=zh, en=en
        )
        grid_range = plan.urban_grids if kind == Kind.SUBDISTRICT else plan.rural_grids
        grid_rng = _rng(seed, code)
        grids = voronoi_tiles(grid_rng, tile, grid_rng.randint(*grid_range))
        for grid_number, grid in enumerate(grids, start=1):
            grid_zh, grid_en = names.grid_names(zh, en, grid_number)
            out.add(
                grid,
                code=f"{code}{grid_number:03d}",
                parent_code=code,
                level=Level.GRID,
                kind=Kind.GRID,
                zh=grid_zh,
                en=grid_en,
            )
