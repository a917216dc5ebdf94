"""Who may do what in campaigns: the app's permission codes over access.scope, and the
transaction wrapper of every campaign action."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.campaigns.errors import CampaignDenied

VIEW = "campaigns.view"  # progress and coverage in counts, risk zones
MANAGE = "campaigns.manage"  # design, start and end campaigns, import target lists
WORK = "campaigns.work"  # visit targeted households, record results, health check-ins
PERSONAL = "campaigns.view_personal"  # the answers, follow-ups and monitored persons
ZONES = "campaigns.zones"  # designate and end risk zones
MONITOR = "campaigns.monitor"  # propose monitoring changes, resolve alerts, help requests
APPROVE = "campaigns.approve"  # approve monitoring changes and bulk exports (second person)
EXPORT = "campaigns.export"  # request bulk exports of personal data

P = ParamSpec("P")
T = TypeVar("T")


def require(user, code: str, path: str, *, action: str) -> None:
    """Raise CampaignDenied unless `user` holds `code` over `path`."""
    if not in_scope(user, path, code):
        raise CampaignDenied(
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
        except CampaignDenied as denied:
            if denied.action:
                record(denied.action, actor=denied.actor, outcome=Outcome.DENIED, details=denied.details)
            raise

    return wrapper
