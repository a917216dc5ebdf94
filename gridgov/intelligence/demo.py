"""The demo's model: trained at the end of `manage.py demo` on generated history.

The demo district has only a few dozen cases, too few to learn from, so the model is trained on
its closed cases plus a generated history (gridgov.intelligence.testing) laid over the demo's
own grids, categories and departments. The generated history stays in memory: it is not
written as cases, so the demo's case lists and figures show only the demo's own stories.
"""

from __future__ import annotations

from django.utils import timezone

from gridgov.access.models import Department
from gridgov.cases.models import Category
from gridgov.geo.models import OrgUnit
from gridgov.intelligence.classifier import ModelInfo, Sample, closed_case_samples, train
from gridgov.intelligence.testing import CATEGORY_WORDS, generate_history
from gridgov.intelligence.text import case_text

DEMO_HISTORY = 3000
DEMO_SEED = 150502


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
