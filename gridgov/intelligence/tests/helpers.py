"""A generated history in the small test world, as rows or as training samples."""

from __future__ import annotations

from gridgov.access.models import Department
from gridgov.cases.taxonomy_services import load_defaults
from gridgov.cases.testing import build_case_world
from gridgov.geo.models import OrgUnit
from gridgov.intelligence.classifier import Sample
from gridgov.intelligence.testing import generate_history
from gridgov.intelligence.text import case_text


def history_world():
    """The cases test world with the default taxonomy and departments loaded."""
    world = build_case_world()
    load_defaults(world.units["150502"])
    return world


def district_grids() -> list[OrgUnit]:
    return list(OrgUnit.objects.grids().filter(path__startswith="150502.").order_by("path"))


def history(count: int, seed: int = 8):
    departments = set(Department.objects.values_list("code", flat=True))
    return generate_history(district_grids(), count, seed=seed, departments=departments)


def samples(count: int, seed: int = 8) -> list[Sample]:
    return [
        Sample(case_text(h.description, h.address), h.org_path, h.category, h.department, h.reported_at)
        for h in history(count, seed)
    ]
