"""Send the dashboards' reads of the fact tables to a read replica, when one is configured.

The replica is the database alias "replica" (settings from GRIDGOV_REPLICA_DATABASE_URL, see
docs/analytics.md). Only code running inside `replica_reads()` (the dashboard and assessment
pages) reads there; refreshes, aggregation and every write keep using the primary, so a lagging
replica never feeds stale facts back into the fact layer.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings

REPLICA = "replica"
_reading = contextvars.ContextVar("gridgov_replica_reads", default=False)
READ_APPS = frozenset({"analytics", "assessment", "cases", "geo", "access", "patrol", "people", "campaigns"})


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """View decorator: the view's ORM reads go to the replica (when configured)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured() and model._meta.app_label in READ_APPS:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
