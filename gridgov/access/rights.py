"""The permission check and the transaction wrapper that the actions of an app share, built once
for the app's own denial exception (PatrolDenied, CampaignDenied, …)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, Protocol, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope
from gridgov.audit.log import record
from gridgov.audit.models import Outcome

P = ParamSpec("P")
T = TypeVar("T")


class Denial(Protocol):
    """An app's denial exception: built from a message and the audit facts, which it carries
    until the action's transaction has rolled back."""

    actor: Any
    action: str
    details: dict[str, Any]

    def __init__(
        self, message: Any, *, actor: Any = None, action: str = "", details: dict[str, Any] | None = None
    ) -> None: ...


class ActionRights:
    """`require` and `atomic_action` for the actions of one app, raising and catching `denied`."""

    def __init__(self, denied: type[Denial]) -> None:
        self.denied = denied

    def require(self, user: Any, code: str, path: str, *, action: str) -> None:
        """Raise the app's denial unless `user` holds `code` over `path`."""
        if not in_scope(user, path, code):
            denial = self.denied(
                _("You may not do this here."),
                actor=user,
                action=action,
                details={"permission": code, "path": path},
            )
            assert isinstance(denial, Exception)  # tells mypy what the protocol cannot say
            raise denial

    def atomic_action(self, func: Callable[P, T]) -> Callable[P, T]:
        """Run an action in one transaction; a denial is audited after the rollback, so that it stays
        recorded although the action changed nothing (inside an outer transaction it goes with it)."""
        denied = self.denied

        @wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except Exception as error:
                if isinstance(error, denied) and error.action:
                    record(error.action, actor=error.actor, outcome=Outcome.DENIED, details=error.details)
                raise

        return wrapper
