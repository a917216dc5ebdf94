"""A fixed one-minute window per client in Django's cache: enough to keep one client from
crowding out the others. With several processes and a local-memory cache each process counts
alone; configure a shared cache in production to make the limit exact."""

from __future__ import annotations

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def allow(bucket: str, per_minute: int, *, now: float | None = None) -> bool:
    """Count one hit for `bucket` in the current minute; False once it is over `per_minute`."""
    window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    key = f"open311:rate:{bucket}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        hits = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        hits = 1
    return hits <= per_minute
