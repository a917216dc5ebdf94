"""The files of the app shell that the service worker keeps, so that /field/ opens offline."""

from __future__ import annotations

from django.templatetags.static import static

# Static files of the shell (their hashed names in production come from static()).
SHELL_STATIC = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "fieldapp/app.css",
    "fieldapp/app.js",
    "fieldapp/store.js",
    "fieldapp/outbox.js",
    "fieldapp/forms.js",
    "fieldapp/case_form.js",
    "fieldapp/visit_form.js",
    "fieldapp/campaigns.js",
    "fieldapp/health.js",
    "fieldapp/map.js",
    "fieldapp/patrol.js",
    "fieldapp/icon.svg",
    "fieldapp/icon-maskable.svg",
)


def shell_static_urls() -> list[str]:
    return ["/field/", "/field/manifest.webmanifest", *(static(name) for name in SHELL_STATIC)]
