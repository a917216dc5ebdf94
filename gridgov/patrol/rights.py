"""Who may do what in the patrol app: a thin layer over access.scope with the app's permission
codes, and the transaction wrapper of every patrol action."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.patrol.errors import PatrolDenied

WORK = "patrol.work"  # patrol, check in, visit households
VIEW = "patrol.view"  # see patrols, visits, tasks and coverage
ASSIGN = "patrol.assign_tasks"
REVIEW = "patrol.review_changes"

P = ParamSpec("P")
T = TypeVar("T")


def require(user, code: str, path: str, *, action: str) -> None:
    """Raise PatrolDenied unless `user` holds `code` over `path`."""
    if not in_scope(user, path, code):
        raise PatrolDenied(
            _("You may not do this here."),
            actor=user,
            action=action,
            details={"permission": code, "path": path},
        )


def atomic_action(func: Callable[P, T]) -> Callable[P, T]:
    """Run an action in one transaction; a denial is audited after the rollback, so that it stays
    recorded although the action changed nothing (inside an outer transaction it goes with it)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except PatrolDenied as denied:
            if denied.action:
                record(denied.action, actor=denied.actor, outcome=Outcome.DENIED, details=denied.details)
            raise

    return wrapper
