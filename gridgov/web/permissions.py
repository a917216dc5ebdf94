"""The web UI's permission gate: one decorator that checks the policy and audits denials."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

from gridgov.access.middleware import needs_second_factor
from gridgov.access.scope import has_permission
from gridgov.audit.log import record
from gridgov.audit.models import Outcome


def deny(request, code: str):
    """Answer 403 with the friendly page and record the denial in the audit log."""
    record(
        "access.denied",
        request=request,
        outcome=Outcome.DENIED,
        details={"permission": code, "path": request.path},
    )
    return render(request, "403.html", {"permission": code}, status=403)


def permission_required(code: str):
    """View decorator: sign-in required, then `code` must be granted by the access policy.

    Anonymous users go to the login page; a staff user still owing the second factor goes to
    verify it (some pages live under /accounts/, which the 2FA middleware leaves open);
    anyone else without the permission gets a 403 that is audited.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if needs_second_factor(request.user):
                return redirect("otp_verify")
            if not has_permission(request.user, code):
                return deny(request, code)
            return view(request, *args, **kwargs)

        wrapper.permission_code = code
        return wrapper

    return decorator
