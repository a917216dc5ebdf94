"""The demo's model: trained at the end of `manage.py demo` on the demo's closed cases.

The demo writes a year of case history (gridgov.demo.history), thousands of closed cases whose
texts come from `report_text` below, so the model learns from the demo's own cases. Only a
demo without that history (a few dozen cases) is topped up with a generated history
(gridgov.intelligence.testing) laid over the demo's grids, categories and departments, kept in
memory and never written as cases.
"""

from __future__ import annotations

import random

from django.utils import timezone

from gridgov.access.models import Department
from gridgov.cases.models import Category
from gridgov.geo.models import OrgUnit
from gridgov.intelligence.classifier import ModelInfo, Sample, closed_case_samples, train
from gridgov.intelligence.testing import CATEGORY_WORDS, _description, generate_history
from gridgov.intelligence.text import case_text

DEMO_HISTORY = 3000
DEMO_SEED = 150502


def report_text(category: str, rng: random.Random) -> str:
    """A report of a `category` leaf in the district's words: the one text generator of the
    classifier's generated history, shared with the demo's case history."""
    return _description(category, rng)


def demo_samples(count: int = DEMO_HISTORY, seed: int = DEMO_SEED) -> list[Sample]:
    """The demo's closed cases topped up with generated ones to `count`."""
    samples = closed_case_samples()
    missing = count - len(samples)
    if missing <= 0:
        return samples
    grids = list(
        OrgUnit.objects.grids().only("id", "path", "name_zh", "min_lon", "min_lat", "max_lon", "max_lat")
    )
    leaves = set(
        Category.objects.filter(
            is_active=True, parent__isnull=False, code__in=list(CATEGORY_WORDS)
        ).values_list("code", flat=True)
    )
    if not grids or not leaves:
        return samples
    history = generate_history(
        grids,
        missing,
        seed=seed,
        categories=sorted(leaves),
        departments=set(Department.objects.filter(is_active=True).values_list("code", flat=True)),
        end=timezone.now(),
    )
    generated = [
        Sample(case_text(h.description, h.address), h.org_path, h.category, h.department, h.reported_at)
        for h in history
    ]
    return generated + samples


def train_demo_model() -> ModelInfo:
    """Train and activate the demo's model (a few seconds at either demo scale)."""
    return train(samples=demo_samples())
