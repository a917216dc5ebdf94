"""Which special-group tags a user may see: each sensitivity level needs its own permission,
inside the jurisdiction where the user holds it (access.policy names the roles)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.access.scope import jurisdiction_paths, path_filter
from gridgov.people.models import PersonTag, Sensitivity

LEVEL_PERMISSION = {
    Sensitivity.GENERAL: "people.view",
    Sensitivity.SENSITIVE: "people.view_sensitive_tags",
    Sensitivity.RESTRICTED: "people.view_restricted_tags",
}


def visible_tags_q(user, *, prefix: str = "") -> Q:
    """A condition on PersonTag rows (or on a relation to them, through `prefix`) that keeps the
    tags `user` may see."""
    condition = Q(pk__in=[])
    for level, code in LEVEL_PERMISSION.items():
        paths = jurisdiction_paths(user, code)
        if paths:
            condition |= Q(**{f"{prefix}sensitivity": level}) & path_filter(f"{prefix}org_path", paths)
    return condition


def visible_tags(user, queryset: QuerySet[PersonTag] | None = None) -> QuerySet[PersonTag]:
    base = PersonTag.objects.all() if queryset is None else queryset
    return base.filter(visible_tags_q(user))


def may_see_level(user, level: int, org_path: str) -> bool:
    return any(
        org_path == top or org_path.startswith(top + ".")
        for top in jurisdiction_paths(user, LEVEL_PERMISSION[Sensitivity(level)])
    )
