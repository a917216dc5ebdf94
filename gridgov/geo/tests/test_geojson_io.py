import copy
import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gridgov.audit.models import AuditEntry
from gridgov.geo.geojson_io import GeoImportError, dumps, export_units, import_collection
from gridgov.geo.models import GeometryVersion, OrgUnit
from gridgov.geo.tests.builders import LAT0, LON0, grid_block, rect

pytestmark = pytest.mark.django_db


def snapshot():
    return list(OrgUnit.objects.order_by("code").values())


def test_export_import_export_is_lossless():
    grid_block()
    first = export_units()
    assert len(first["features"]) == 9
    OrgUnit.objects.all().update(name_en="changed")
    counts = import_collection(dumps(first))
    assert counts == {"created": 0, "updated": 9, "unchanged": 0}
    assert dumps(export_units()) == dumps(first)


def test_import_into_empty_database_creates_tree_and_audits_once():
    grid_block()
    text = dumps(export_units())
    for unit in OrgUnit.objects.order_by("-level"):
        unit.delete()
    version = GeometryVersion.objects.first().version if GeometryVersion.objects.exists() else 0
    counts = import_collection(text.encode())
    assert counts["created"] == 9
    grid = OrgUnit.objects.get(code="150502001001005")
    assert grid.path == "150502.001.001.005" and grid.parent.code == "150502001001"
    assert grid.min_lon == pytest.approx(LON0 + 0.01) and grid.area_m2 > 800_000
    assert GeometryVersion.objects.get().version == version + 1
    entries = AuditEntry.objects.filter(action="geo.import")
    assert entries.count() == 1 and entries.get().details["created"] == 9
    assert dumps(export_units()) == text


def test_subtree_export():
    grid_block()
    street = OrgUnit.objects.get(code="150502001")
    codes = [f["properties"]["code"] for f in export_units(street)["features"]]
    assert codes[0] == "150502001" and "150502" not in codes and len(codes) == 8


def _collection():
    grid_block(columns=2, rows=1)
    return export_units()


def _rejected(source, expected):
    before = snapshot()
    with pytest.raises(GeoImportError) as caught:
        import_collection(source)
    found = {(e.index, e.field) for e in caught.value.errors}
    assert set(expected) <= found, caught.value.errors
    assert all(str(e.reason) for e in caught.value.errors)
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="geo.import").exists()
    return caught.value.errors


def test_malformed_json_and_wrong_type_are_rejected():
    _collection()
    _rejected('{"type": "FeatureCollection", "features": [', {(None, "file")})
    _rejected({"type": "Feature"}, {(None, "type")})
    _rejected({"type": "FeatureCollection", "features": {}}, {(None, "features")})


def test_every_bad_feature_is_reported_and_nothing_changes():
    collection = _collection()
    features = collection["features"]
    bad = copy.deepcopy(features)
    bad[3]["properties"]["code"] = "15050200100100A"  # not digits
    bad[4]["properties"]["code"] = "1505020010010021"  # too long for a grid
    bad[4]["properties"]["name_zh"] = "changed"
    bad.append(copy.deepcopy(features[3]))  # duplicate of a valid code (index 5)
    bad[5]["properties"]["code"] = features[0]["properties"]["code"]
    bad[5]["properties"]["level"] = 1
    bad[5]["properties"]["parent_code"] = None
    bad[5]["properties"]["kind"] = "district"
    new_grid = copy.deepcopy(features[3])
    new_grid["properties"].update(code="150502009001001", parent_code="150502009001")  # unknown parent
    bad.append(new_grid)  # index 6
    bow_tie = copy.deepcopy(features[3])
    bow_tie["properties"]["code"] = "150502001001007"
    bow_tie["geometry"] = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    bad.append(bow_tie)  # index 7
    mismatch = copy.deepcopy(features[3])
    mismatch["properties"].update(code="150502001001008", kind="village")  # kind of level 3 at level 4
    bad.append(mismatch)  # index 8
    wrong_prefix = copy.deepcopy(features[3])
    wrong_prefix["properties"].update(code="150502001002009")  # parent_code is 150502001001
    bad.append(wrong_prefix)  # index 9
    missing = copy.deepcopy(features[3])
    del missing["properties"]["code"]
    bad.append(missing)  # index 10
    bad.append({"type": "Feature", "geometry": None})  # index 11
    errors = _rejected(
        {"type": "FeatureCollection", "features": bad},
        {
            (3, "code"),
            (4, "code"),
            (5, "code"),
            (6, "parent_code"),
            (7, "geometry"),
            (8, "kind"),
            (9, "parent_code"),
            (10, "code"),
            (11, "properties"),
        },
    )
    duplicate = next(e for e in errors if e.index == 5)
    assert duplicate.code == features[0]["properties"]["code"]


def test_two_thousand_features_import_in_seconds():
    grid_block(columns=1, rows=1)
    features = []
    for n in range(2000):
        street, grid = divmod(n, 400)
        community_code = f"150502{street + 2:03d}001"
        if grid == 0:
            for code, parent, level, kind in (
                (f"150502{street + 2:03d}", "150502", 2, "town"),
                (community_code, f"150502{street + 2:03d}", 3, "village"),
            ):
                features.append(
                    {
                        "type": "Feature",
                        "geometry": None,
                        "properties": {
                            "code": code,
                            "parent_code": parent,
                            "level": level,
                            "kind": kind,
                            "name_zh": code,
                            "name_en": "",
                        },
                    }
                )
        lon, lat = LON0 + (n % 50) * 0.002, LAT0 + (n // 50) * 0.002
        features.append(
            {
                "type": "Feature",
                "geometry": rect(lon, lat, lon + 0.002, lat + 0.002),
                "properties": {
                    "code": f"{community_code}{grid + 1:03d}",
                    "parent_code": community_code,
                    "level": 4,
                    "kind": "grid",
                    "name_zh": f"网格{n}",
                    "name_en": f"Grid {n}",
                },
            }
        )
    started = time.monotonic()
    counts = import_collection(json.dumps({"type": "FeatureCollection", "features": features}))
    elapsed = time.monotonic() - started
    assert counts["created"] == 2010
    assert elapsed < 10, elapsed  # a couple of seconds on the reference machine


def test_geo_import_command_prints_every_error_and_exits_1(tmp_path, capsys):
    collection = _collection()
    collection["features"][1]["properties"]["level"] = 7
    collection["features"][2]["geometry"] = {"type": "Point", "coordinates": [1, 2]}
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(collection))
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("geo_import", str(path))
    err = capsys.readouterr().err
    assert "feature 1" in err and "feature 2" in err
    assert snapshot() == before


def test_geo_export_command_writes_the_subtree(tmp_path):
    _collection()
    path = tmp_path / "out.geojson"
    call_command("geo_export", str(path), "--root", "150502001001")
    codes = [f["properties"]["code"] for f in json.loads(path.read_text())["features"]]
    assert codes == ["150502001001", "150502001001001", "150502001001002"]
