"""Registry of extra sections of the offline bundle (``GET /field/api/bundle/``).

An app adds a section from its ``AppConfig.ready()``::

    from gridgov.fieldapp import bundle

    bundle.register("tasks", lambda user: [...])   # JSON-able, scoped to `user`

The provider receives the signed-in worker and returns JSON-able data limited to what that
worker may see (use ``gridgov.access.scope``). The section appears in the bundle under its
name, next to the core sections (grids, buildings, households, categories) that
``gridgov.fieldapp.offline`` builds; those names and version/generated_at/language/user are reserved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_providers: dict[str, Callable[[Any], Any]] = {}
RESERVED = frozenset(
    {"grids", "buildings", "households", "categories", "version", "generated_at", "language"}
)


def register(name: str, provider: Callable[[Any], Any]) -> None:
    if name in RESERVED:
        raise ImproperlyConfigured(f"Bundle section name {name!r} is reserved.")
    existing = _providers.get(name)
    if existing is not None and existing is not provider:
        raise ImproperlyConfigured(f"Bundle section {name!r} is already registered.")
    _providers[name] = provider


def unregister(name: str) -> None:
    _providers.pop(name, None)


def providers() -> dict[str, Callable[[Any], Any]]:
    return dict(_providers)
