"""Content-Security-Policy: only our own origin; no inline scripts."""

from __future__ import annotations

from django.conf import settings

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
