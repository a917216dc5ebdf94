"""The field app's endpoints: the app shell, its service worker and manifest, and the JSON API.

The API is session-authenticated; writes need the CSRF token in the X-CSRFToken header (the
app reads it from /field/api/session/, since the cookie is HttpOnly). Views only parse, check
the permission and call gridgov.fieldapp.sync / offline.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gridgov.access.scope import has_permission
from gridgov.fieldapp import sync
from gridgov.fieldapp.app_strings import app_strings
from gridgov.fieldapp.handlers import kinds
from gridgov.fieldapp.offline import SYNC, build_bundle
from gridgov.fieldapp.shell import shell_static_urls


def _api_refusal(request: HttpRequest) -> JsonResponse | None:
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    if not has_permission(request.user, SYNC):
        return JsonResponse({"detail": _("You may not use the field app.")}, status=403)
    return None


def _require_worker(request: HttpRequest) -> None:
    if not has_permission(request.user, SYNC):
        raise PermissionDenied(_("You may not use the field app."))


@login_required
@require_GET
def app_shell(request: HttpRequest) -> HttpResponse:
    """The app: one page; everything user-specific comes from the API, so the page can be cached."""
    _require_worker(request)
    context = {
        "strings": app_strings(),
        "language": get_language(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "fieldapp/app.html", context)


@login_required
@require_GET
def logout_page(request: HttpRequest) -> HttpResponse:
    """Clears the device data in the browser, then posts the site's logout form."""
    return render(request, "fieldapp/logout.html", {"strings": app_strings()})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "fieldapp/sw.js",
        {"shell_urls": json.dumps(shell_static_urls())},
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    return render(request, "fieldapp/manifest.webmanifest", content_type="application/manifest+json")


@never_cache
@require_GET
def session(request: HttpRequest) -> JsonResponse:
    """Who is signed in, and the CSRF token the app sends with its posts."""
    refusal = _api_refusal(request)
    if refusal:
        return refusal
    user = request.user
    return JsonResponse(
        {
            "user": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "csrf_token": get_token(request),
            "kinds": kinds(),
            "batch": settings.FIELD_SYNC_BATCH,
        }
    )


@never_cache
@require_GET
def offline_bundle(request: HttpRequest) -> JsonResponse:
    refusal = _api_refusal(request)
    if refusal:
        return refusal
    return JsonResponse(build_bundle(request.user))


@never_cache
@require_POST
def sync_submissions(request: HttpRequest) -> JsonResponse:
    """Process a batch of submissions in order, each on its own; one answer per submission."""
    refusal = _api_refusal(request)
    if refusal:
        return refusal
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.FIELD_SYNC_MAX_MB * 1024 * 1024:
        return JsonResponse(
            {"detail": _("The request is too large; send fewer submissions at a time.")}, status=413
        )
    try:
        # Read the stream ourselves: photos make batches larger than DATA_UPLOAD_MAX_MEMORY_SIZE,
        # and FIELD_SYNC_MAX_MB above is this endpoint's own limit.
        payload = json.loads(request.read(length) if length else b"")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": _("The body must be JSON.")}, status=400)
    submissions = payload.get("submissions") if isinstance(payload, dict) else None
    if not isinstance(submissions, list):
        return JsonResponse({"detail": _('Send {"submissions": [...]}.')}, status=400)
    if len(submissions) > settings.FIELD_SYNC_BATCH:
        return JsonResponse(
            {"detail": _("At most %(count)d submissions at a time.") % {"count": settings.FIELD_SYNC_BATCH}},
            status=400,
        )
    return JsonResponse({"results": [sync.process(request.user, item) for item in submissions]})
