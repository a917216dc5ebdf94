"""Every benchmark in one command: `.venv/bin/python bench/run.py [--only grids,intake,sweep,…]`.

- grids: gridgov.geo.index.grids_at against bare vectorised Shapely. Builds a throwaway SQLite
  database in a temporary data directory, loads the full-scale demo district (`manage.py demo
  --scale district`) and times both lookups on the same random points in the district's
  bounding box, best of 3 (`--points N`).
- intake: case intake over HTTP against a bare baseline view (bench/cases_intake.py).
- sweep: the overdue sweep over 1,000,000 open cases against the raw UPDATE (bench/cases_sweep.py,
  `--cases N`).
- registry_import: 1,000,000 persons from CSV through the registry import (dry run, then the
  batched import) against COPY of the same rows, then 100,000 on SQLite (bench/registry.py,
  `--persons N`).
- registry_search: the registry search over 1,000,000 persons against the same lookups in raw SQL
  (bench/registry.py, `--persons N`).
- campaigns: a district-wide campaign over 400,000 households: start_campaign, then door-to-door
  results through the field app's sync endpoint over HTTP against the case intake of the same
  run, and the coverage dashboard against a raw GROUP BY over the targets (bench/campaigns.py,
  `--households N`).
- cockpit: the district cockpit over 5,000,000 cases (facts built in SQL) against the same
  figures as raw GROUP BY queries on the base tables, p50 of 20 runs (bench/cockpit.py,
  `--cockpit-cases N`).
- assessment: the monthly assessment of every grid worker over 5,000,000 cases and 1,000,000
  residents against the equivalent raw GROUP BY over cases + timeline (+ registry, visits,
  campaigns) in the same run (bench/assessment.py, `--cockpit-cases N`).
- intelligence: suggest() latency p50/p99 over 1,000 cases against a bare scikit-learn
  predict_proba on pre-vectorised input (bench/intelligence.py).

intake, sweep, campaigns and the registry benchmarks need PostgreSQL at 127.0.0.1:5432 (user postgres);
each creates and drops its own throwaway database. Each benchmark runs in a process of its own;
the RESULT lines are repeated at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(data_dir: str) -> None:
    os.environ["GRIDGOV_DATA_DIR"] = data_dir
    os.environ.setdefault("GRIDGOV_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gridgov.settings"
    import django

    django.setup()


def load_district() -> str:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        call_command("demo", "--scale", "district", stdout=open(os.devnull, "w"))  # noqa: SIM115
        return "demo --scale district"
    except Exception as exc:  # the demo app is optional for this bench: fall back to squares
        print(f"demo district unavailable ({exc}); using a synthetic 36x36 block of square grids")
    from gridgov.geo.geojson_io import import_collection

    features = [
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
        for code, parent, level, kind in (
            ("150502", None, 1, "district"),
            ("150502001", "150502", 2, "town"),
            ("150502001001", "150502001", 3, "village"),
        )
    ]
    lon0, lat0, size = 122.0, 43.5, 0.01
    for n in range(36 * 36):
        lon, lat = lon0 + (n % 36) * size, lat0 + (n // 36) * size
        ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        community = f"150502001{n // 999 + 1:03d}"
        if n % 999 == 0 and n:
            features.append(
                {
                    "type": "Feature",
                    "geometry": None,
                    "properties": {
                        "code": community,
                        "parent_code": "150502001",
                        "level": 3,
                        "kind": "village",
                        "name_zh": community,
                        "name_en": "",
                    },
                }
            )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "code": f"{community}{n % 999 + 1:03d}",
                    "parent_code": community,
                    "level": 4,
                    "kind": "grid",
                    "name_zh": f"网格{n}",
                    "name_en": "",
                },
            }
        )
    import_collection({"type": "FeatureCollection", "features": features})
    return "synthetic squares"


def best_of(runs: int, func) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return best, result


BENCHMARKS = (
    "grids",
    "intake",
    "sweep",
    "registry_import",
    "registry_search",
    "campaigns",
    "intelligence",
    "cockpit",
    "assessment",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma-separated subset of: " + ", ".join(BENCHMARKS)
    )
    parser.add_argument("--points", type=int, default=1_000_000, help="grids: random points")
    parser.add_argument("--seed", type=int, default=11, help="grids: random seed")
    parser.add_argument("--cases", type=int, default=1_000_000, help="sweep: open cases")
    parser.add_argument("--persons", type=int, default=1_000_000, help="registry_*: persons")
    parser.add_argument("--households", type=int, default=400_000, help="campaigns: households")
    parser.add_argument("--cockpit-cases", type=int, default=5_000_000, help="cockpit: cases")
    args = parser.parse_args()
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown or not names:
        parser.error(
            f"--only: unknown benchmark {', '.join(unknown) or '(none)'}; choose from {', '.join(BENCHMARKS)}"
        )
    if names == ["grids"]:
        grids_benchmark(args)
        return 0
    here = Path(__file__).resolve().parent
    commands = {
        "grids": [__file__, "--only", "grids", "--points", str(args.points), "--seed", str(args.seed)],
        "intake": [str(here / "cases_intake.py")],
        "sweep": [str(here / "cases_sweep.py"), "--cases", str(args.cases)],
        "registry_import": [str(here / "registry.py"), "import", "--persons", str(args.persons)],
        "registry_search": [str(here / "registry.py"), "search", "--persons", str(args.persons)],
        "campaigns": [str(here / "campaigns.py"), "--households", str(args.households)],
        "intelligence": [str(here / "intelligence.py")],
        "cockpit": [str(here / "cockpit.py"), "--cases", str(args.cockpit_cases)],
        "assessment": [str(here / "assessment.py"), "--cases", str(args.cockpit_cases)],
    }
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (other work on the machine skews every figure)")
    summary, failed = [], []
    for name in names:
        print(f"==== {name}", flush=True)
        started = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603
            [sys.executable, *commands[name]], stdout=subprocess.PIPE, text=True, bufsize=1
        )
        for line in child.stdout:
            print(line, end="", flush=True)
            if line.startswith("RESULT") or line.startswith("ratio"):
                summary.append(f"{name}: {line.strip()}")
        if child.wait():
            failed.append(name)
        print(f"==== {name}: {time.perf_counter() - started:.0f} s{', FAILED' if child.returncode else ''}")
    print("==== summary")
    for line in summary:
        print(line)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


def grids_benchmark(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir:
        setup_django(data_dir)
        import numpy as np
        import shapely
        from shapely.geometry import shape

        from gridgov.geo import index
        from gridgov.geo.models import OrgUnit
        from gridgov.geo.raster import build_raster

        started = time.perf_counter()
        source = load_district()
        grids = list(OrgUnit.objects.grids().order_by("code").values_list("id", "geometry"))
        print(f"loaded {len(grids)} grids from {source} in {time.perf_counter() - started:.1f} s")
        bounds = np.array([shape(g).bounds for _i, g in grids])
        bbox = (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
        district = OrgUnit.objects.filter(level=1).first()
        if district is not None and district.min_lon is not None:
            bbox = (district.min_lon, district.min_lat, district.max_lon, district.max_lat)
        rng = np.random.default_rng(args.seed)
        lons = rng.uniform(bbox[0], bbox[2], args.points)
        lats = rng.uniform(bbox[1], bbox[3], args.points)

        started = time.perf_counter()
        built = index.get_index()
        print(f"index build (STRtree): {time.perf_counter() - started:.3f} s")
        started = time.perf_counter()
        built.raster = build_raster(built.geoms)
        print(
            f"cell raster build (first bulk lookup): {time.perf_counter() - started:.3f} s, "
            f"{built.raster.nx}x{built.raster.ny} cells"
        )

        # Baseline: what a bare Shapely user would write on the same polygons.
        ids = np.array([i for i, _g in grids], dtype=np.int64)
        tree = shapely.STRtree([shape(g) for _i, g in grids])

        def baseline():
            points = shapely.points(lons, lats)
            point_idx, tree_idx = tree.query(points, predicate="intersects")
            found = np.full(len(points), -1, dtype=np.int64)
            first_points, first = np.unique(point_idx, return_index=True)
            found[first_points] = ids[tree_idx[first]]
            return found

        base_s, base_found = best_of(3, baseline)
        ours_s, ours_found = best_of(3, lambda: index.grids_at(lons, lats))
        hits = int((ours_found != -1).sum())
        agree = float((ours_found == base_found).mean())
        print(f"points: {args.points:,} in bbox {tuple(round(v, 4) for v in bbox)}; {hits:,} inside a grid")
        print(f"baseline shapely: {args.points / base_s:,.0f} points/s ({base_s:.3f} s)")
        print(f"grids_at:         {args.points / ours_s:,.0f} points/s ({ours_s:.3f} s)")
        print(
            f"ratio grids_at / baseline: {base_s / ours_s:.2f}x (target >= 0.8x); same answer for {agree:.4%}"
        )

        sample = rng.integers(0, args.points, 2000)
        latencies = []
        for i in sample:
            started = time.perf_counter()
            index.grid_at(float(lons[i]), float(lats[i]))
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        print(
            f"grid_at single point (with the DB fetch): median {latencies[1000] * 1e6:.0f} µs, "
            f"p99 {latencies[1980] * 1e6:.0f} µs"
        )
        id_latencies = []
        for i in sample:
            started = time.perf_counter()
            index.grid_id_at(float(lons[i]), float(lats[i]))
            id_latencies.append(time.perf_counter() - started)
        id_latencies.sort()
        print(f"grid_id_at single point (index only): median {id_latencies[1000] * 1e6:.0f} µs")


if __name__ == "__main__":
    sys.exit(main())
