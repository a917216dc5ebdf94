"""A household's visit history, for the household card (一户一档)."""

from __future__ import annotations

from django.db.models import QuerySet

from gridgov.access.scope import has_permission, scoped
from gridgov.patrol.models import Visit
from gridgov.patrol.rights import VIEW
from gridgov.people.models import Household

HISTORY_LIMIT = 50


def visits_of(user, household: Household, limit: int = HISTORY_LIMIT) -> QuerySet[Visit] | None:
    """The latest visits of `household` the user may see; None when the user may see no visits."""
    if not has_permission(user, VIEW):
        return None
    return (
        scoped(user, Visit.objects.filter(household=household), VIEW)
        .select_related("worker")
        .order_by("-visited_at", "-id")[:limit]
    )
