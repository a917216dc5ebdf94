"""The pure generator: counts, determinism, exact tiling, codes and names."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest
import shapely
from shapely.geometry import shape

from gridgov.demo import names
from gridgov.demo.district import build_district
from gridgov.geo.geometry import geodesic_area_m2


@pytest.fixture(scope="module")
def small() -> dict:
    return build_district("small", 150502)


def _by_parent(collection: dict) -> dict[str, list[dict]]:
    children = defaultdict(list)
    for feature in collection["features"]:
        children[feature["properties"]["parent_code"]].append(feature)
    return children


def test_small_scale_has_every_street_and_the_expected_children(small):
    kinds = Counter(f["properties"]["kind"] for f in small["features"])
    assert kinds["district"] == 1
    assert (kinds["subdistrict"], kinds["town"], kinds["sumu"]) == (11, 9, 1)
    children = _by_parent(small)
    streets = children["150502"]
    assert len(streets) == 21
    for street in streets:
        assert len(children[street["properties"]["code"]]) == 2
    levels = Counter(f["properties"]["level"] for f in small["features"])
    assert levels[3] == 42
    assert levels[4] == 42 * 3


def test_same_seed_same_district_other_seed_other_shapes(small):
    assert build_district("small", 150502) == small
    other = build_district("small", 7)
    assert other["features"][1]["geometry"] != small["features"][1]["geometry"]


def test_outline_is_keerqin_sized_and_placed(small):
    district = shape(small["features"][0]["geometry"])
    assert geodesic_area_m2(district) / 1e6 == pytest.approx(2821, rel=0.1)
    centre = district.centroid
    assert centre.y == pytest.approx(43.62, abs=0.05)
    assert centre.x == pytest.approx(122.27, abs=0.05)
    urban = [f for f in small["features"] if f["properties"]["kind"] == "subdistrict"]
    core_km2 = sum(geodesic_area_m2(shape(f["geometry"])) for f in urban) / 1e6
    assert 150 <= core_km2 <= 250


def test_children_tile_every_parent_exactly(small):
    geoms = {f["properties"]["code"]: shape(f["geometry"]) for f in small["features"]}
    for parent_code, children in _by_parent(small).items():
        if parent_code is None:
            continue
        parent = geoms[parent_code]
        pieces = [geoms[c["properties"]["code"]] for c in children]
        assert all(p.is_valid and p.geom_type == "Polygon" for p in pieces), parent_code
        union = shapely.union_all(pieces)
        assert union.area == pytest.approx(parent.area, rel=1e-6), parent_code
        assert parent.symmetric_difference(union).area < 1e-9 * parent.area, parent_code
        # Pairwise overlaps: the parts add up to the union.
        assert sum(p.area for p in pieces) == pytest.approx(union.area, rel=1e-9), parent_code


def test_codes_and_names_are_well_formed_and_unique(small):
    codes = [f["properties"]["code"] for f in small["features"]]
    assert len(codes) == len(set(codes))
    length = {1: 6, 2: 9, 3: 12, 4: 15}
    for feature in small["features"]:
        props = feature["properties"]
        assert re.fullmatch(r"\d+", props["code"])
        assert len(props["code"]) == length[props["level"]]
        if props["parent_code"]:
            assert props["code"][: len(props["parent_code"])] == props["parent_code"]
        assert props["name_zh"] and props["name_en"].isascii()
    street_codes = sorted(f["properties"]["code"][6:] for f in _by_parent(small)["150502"])
    assert street_codes[:11] == [f"{n:03d}" for n in range(1, 12)]
    assert street_codes[11:] == [f"{n:03d}" for n in range(100, 109)] + ["200"]
    for parent_code, children in _by_parent(small).items():
        for key in ("name_zh", "name_en"):
            values = [c["properties"][key] for c in children]
            assert len(values) == len(set(values)), (parent_code, key)


def test_names_follow_the_local_styles(small):
    by_code = {f["properties"]["code"]: f["properties"] for f in small["features"]}
    assert by_code["150502002"]["name_zh"] == "永清街道"
    assert by_code["150502002"]["name_en"] == "Yongqing Sub-district"
    assert by_code["150502200"]["name_zh"] == "莫力庙苏木"
    for props in by_code.values():
        suffix = {"community": "社区", "village": "村", "gacha": "嘎查", "town": "镇"}.get(props["kind"])
        if suffix:
            assert props["name_zh"].endswith(suffix)
        if props["kind"] == "grid":
            parent = by_code[props["parent_code"]]
            number = int(props["code"][-3:])
            assert props["name_zh"] == f"{parent['name_zh']}第{number}网格"
            assert props["name_en"] == f"{parent['name_en']} Grid {number}"
    # Every pool romanises to distinct English names, so names stay unique in English too.
    han = names.HAN_NAMES + names.VILLAGE_NAMES
    assert len({names.romanise(n) for n in han}) == len(han)
    assert names.romanise("兴安") == "Xing'an"


def test_district_scale_counts():
    collection = build_district("district", 150502)
    kinds = Counter(f["properties"]["kind"] for f in collection["features"])
    assert kinds["community"] == 104
    assert 200 <= kinds["village"] + kinds["gacha"] <= 230
    assert 1200 <= kinds["grid"] <= 1400
