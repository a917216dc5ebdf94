"""The offline bundle: what the field app keeps on the device for the signed-in worker.

Only the worker's own grids (access.scope with fieldapp.sync), their buildings and active
households as the registry API shows them to this user (identifiers masked by the same
serializers), the active case categories in the user's language, and the sections other apps
add through gridgov.fieldapp.bundle.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import get_language

from gridgov.access.scope import scoped
from gridgov.api import registry as registry_api
from gridgov.api.registry_serializers import BuildingSerializer, HouseholdDetailSerializer
from gridgov.cases.models import Category
from gridgov.fieldapp import bundle
from gridgov.geo.models import OrgUnit
from gridgov.people.listings import VIEW as REGISTRY_VIEW
from gridgov.people.listings import buildings_in
from gridgov.people.models import Household

SYNC = "fieldapp.sync"


def worker_grids(user) -> list[OrgUnit]:
    """The active grids in the user's field-app jurisdiction."""
    return list(scoped(user, OrgUnit.objects.grids(), SYNC).order_by("path"))


def build_bundle(user) -> dict[str, Any]:
    """The bundle for `user`; `version` changes whenever its content does."""
    language = get_language()
    grids = worker_grids(user)
    grid_ids = [grid.pk for grid in grids]
    sections: dict[str, Any] = {
        "grids": [
            {"id": grid.pk, "code": grid.code, "name": grid.name_for(language), "outline": grid.geometry}
            for grid in grids
        ],
        "buildings": BuildingSerializer(
            buildings_in(user, None).filter(grid_id__in=grid_ids), many=True
        ).data,
        "households": HouseholdDetailSerializer(_households(user, grid_ids), many=True).data,
        "categories": _categories(language),
    }
    for name, provider in sorted(bundle.providers().items()):
        sections[name] = provider(user)
    content = json.loads(json.dumps(sections, cls=DjangoJSONEncoder))
    version = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return {
        "version": version,
        "generated_at": timezone.now().isoformat(),
        "language": language,
        "user": user.get_username(),  # the device keeps entries apart per worker
        **content,
    }


def _households(user, grid_ids: list[int]):
    """Active households of the grids with the members this user may see, loaded as the registry API does."""
    households = scoped(user, Household.objects.filter(is_active=True, grid_id__in=grid_ids), REGISTRY_VIEW)
    return registry_api.households(user, households, detail=True).order_by("org_path", "number")


def _categories(language: str | None) -> list[dict[str, Any]]:
    """Active categories as two levels: each top category with its active sub-categories."""
    active = list(Category.objects.filter(is_active=True).order_by("code"))
    tops = [c for c in active if c.parent_id is None]
    return [
        {
            "code": top.code,
            "name": top.name_for(language),
            "children": [
                {"code": child.code, "name": child.name_for(language)}
                for child in active
                if child.parent_id == top.pk
            ],
        }
        for top in tops
    ]
