"""Second factor for staff: a signed-in staff user without a verified TOTP device is sent to verify."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect

from gridgov.access.roles import STAFF_ROLES
from gridgov.access.scope import roles_of

# Paths a half-signed-in user may still reach.
_OPEN_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/", "/i18n/", "/static/")


def needs_second_factor(user) -> bool:
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    if user.is_verified():
        return False
    return user.is_superuser or bool(roles_of(user) & STAFF_ROLES)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request.user) and not request.path.startswith(_OPEN_PREFIXES):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": "two-factor verification required"}, status=403)
            return redirect("otp_verify")
        return self.get_response(request)
