"""Login, logout, failed-login and lockout events into the audit log.

Connected when the audit app is ready. A failed login records the username tried, never the
password (Django hands the receivers a cleansed copy anyway, but we take only the username).
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gridgov.audit.log import record
from gridgov.audit.models import Outcome


@receiver(user_logged_in, dispatch_uid="gridgov.audit.login")
def on_login(sender, request, user, **kwargs) -> None:
    record("auth.login", request=request, actor=user, target=user)


@receiver(user_logged_out, dispatch_uid="gridgov.audit.logout")
def on_logout(sender, request, user, **kwargs) -> None:
    # user is None when the session had already expired; the event still counts.
    record("auth.logout", request=request, actor=user, target=user)


def _username(credentials: dict | None) -> str:
    field = get_user_model().USERNAME_FIELD
    return str((credentials or {}).get(field) or (credentials or {}).get("username") or "")[:150]


@receiver(user_login_failed, dispatch_uid="gridgov.audit.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record(
        "auth.login_failed",
        request=request,
        outcome=Outcome.FAILED,
        details={"username": _username(credentials)},
    )


@receiver(user_locked_out, dispatch_uid="gridgov.audit.locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    record(
        "auth.locked_out",
        request=request,
        outcome=Outcome.DENIED,
        details={"username": str(username or "")[:150]},
    )
