"""Request and response guards for every page: the Content-Security-Policy (only our own origin,
no inline scripts), the refusal of NUL characters in query strings, and the sliding session."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: {tiles}; "
    "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        tiles = settings.MAP_TILE_URL.split("/{")[0] if settings.MAP_TILE_URL else ""
        self.header = _POLICY.format(tiles=tiles).replace("  ", " ")

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


class RejectNulCharactersMiddleware:
    """Answer 400 to a query string holding a NUL character. No text column can store one
    (PostgreSQL refuses it outright), so no view has a use for it; refusing it here keeps every
    hand-read parameter (`?parent=`, `?unit=` …) from reaching the database with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET.lists()
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in query):
            message = _("The address holds a NUL character, which no parameter may contain.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


class SlidingSessionMiddleware:
    """Keep the idle timeout sliding (the session's age counts from the last request) while
    writing the session row at most once a minute: saving it on every request cost each API
    and sync request a transaction of its own. The timeout is then exact to within a minute."""

    REFRESH_SECONDS = 60
    KEY = "_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.REFRESH_SECONDS:
                session[self.KEY] = now  # marks it modified: SessionMiddleware saves and renews it
        return response


def stamp_session(sender, request, user, **kwargs) -> None:
    """A sign-in saves the session anyway: note the time, so the next request does not save it again."""
    if request is not None and hasattr(request, "session"):
        request.session[SlidingSessionMiddleware.KEY] = int(time.time())
