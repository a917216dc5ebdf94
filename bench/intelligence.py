"""Suggestion latency: gridgov.intelligence.classifier.suggest() against a bare scikit-learn predict.

Run as `.venv/bin/python bench/intelligence.py [--history N] [--cases N]` (or through
bench/run.py). It builds a throwaway SQLite database in a temporary data directory with the
small test district and the default taxonomy, trains the model on N generated closed cases
(`--history`, default 5,000; the training time and held-out figures are printed too), then
times, on the same `--cases` (default 1,000) generated reports:

- baseline: the two heads' bare `predict_proba` on inputs vectorised beforehand (the floor:
  what the linear models alone cost);
- suggest(text, org_path=...): the whole suggestion (jieba segmentation, TF-IDF, both heads,
  the active-model check against the database, ranking);
- suggest(text, lon, lat): the same, finding the grid under the point first.

Target: suggest() p99 < 20 ms per case.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def timed(calls) -> list[float]:
    latencies = []
    for call in calls:
        started = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - started)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=5000, help="generated closed cases to train on")
    parser.add_argument("--cases", type=int, default=1000, help="reports to suggest for")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-") as data_dir:
        os.environ["GRIDGOV_DATA_DIR"] = data_dir
        os.environ.setdefault("GRIDGOV_DEMO", "1")
        os.environ["DJANGO_SETTINGS_MODULE"] = "gridgov.settings"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(args)
    return 0


def run(args: argparse.Namespace) -> None:
    import numpy as np

    from gridgov.access.models import Department
    from gridgov.cases.taxonomy_services import load_defaults
    from gridgov.cases.testing import build_case_world
    from gridgov.geo.models import OrgUnit
    from gridgov.intelligence import features
    from gridgov.intelligence.classifier import Sample, active_bundle, suggest, train
    from gridgov.intelligence.testing import generate_history
    from gridgov.intelligence.text import case_text

    world = build_case_world()
    load_defaults(world.units["150502"])
    grids = list(OrgUnit.objects.grids().filter(path__startswith="150502.").order_by("path"))
    departments = set(Department.objects.values_list("code", flat=True))
    history = generate_history(grids, args.history + args.cases, seed=20, departments=departments)
    samples = [
        Sample(case_text(h.description, h.address), h.org_path, h.category, h.department, h.reported_at)
        for h in history
    ]
    training, reports = samples[: args.history], samples[args.history :]
    points = history[args.history :]

    started = time.perf_counter()
    info = train(samples=training)
    print(f"trained on {info.n_train:,} generated closed cases in {time.perf_counter() - started:.1f} s")
    for head in ("category", "department"):
        m = info.metrics[head]
        print(
            f"{head}: held-out accuracy {m['accuracy']:.3f}, top-3 {m['top3']:.3f}, "
            f"majority baseline {m['baseline']:.3f} ({m['n_test']} held out)"
        )

    bundle = active_bundle()
    assert bundle is not None
    category, department = bundle["category"], bundle["department"]
    category_rows = np.array([features.row(s.text, s.org_path) for s in reports], dtype=object)
    department_rows = np.array([features.row(s.text, s.org_path, s.category) for s in reports], dtype=object)
    category_x = category["features"].transform(category_rows)
    department_x = department["features"].transform(department_rows)
    category_model, department_model = category["model"], department["model"]

    # Warm-up: the first call loads jieba's dictionary and touches every code path once.
    suggest(reports[0].text, org_path=reports[0].org_path)
    suggest(reports[0].text, points[0].lon, points[0].lat)

    baseline = timed(
        (
            lambda i=i: (
                category_model.predict_proba(category_x[i]),
                department_model.predict_proba(department_x[i]),
            )
        )
        for i in range(len(reports))
    )
    by_path = timed((lambda s=s: suggest(s.text, org_path=s.org_path)) for s in reports)
    by_point = timed(
        (lambda p=p, s=s: suggest(s.text, p.lon, p.lat)) for p, s in zip(points, reports, strict=True)
    )
    agree = np.mean(
        [
            suggest(s.text, org_path=s.org_path).category == s.category
            for s in reports[: min(200, len(reports))]
        ]
    )
    print(f"cases: {len(reports):,}; suggested category right for {agree:.1%} of the first 200")
    for name, values in (("baseline predict (pre-vectorised)", baseline), ("suggest(org_path)", by_path)):
        print(f"{name}: p50 {ms(percentile(values, 0.5))}, p99 {ms(percentile(values, 0.99))}")
    print(f"suggest(lon, lat): p50 {ms(percentile(by_point, 0.5))}, p99 {ms(percentile(by_point, 0.99))}")
    p50, p99 = percentile(by_path, 0.5), percentile(by_point, 0.99)
    print(
        f"RESULT suggest() latency over {len(reports):,} cases: p50 {ms(p50)}, p99 (with the grid lookup) "
        f"{ms(p99)} (target < 20 ms); baseline bare predict p50 {ms(percentile(baseline, 0.5))}"
    )
    print(f"ratio suggest / baseline p50: {p50 / percentile(baseline, 0.5):.1f}x")


if __name__ == "__main__":
    sys.exit(main())
