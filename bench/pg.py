"""A throwaway PostgreSQL database for one benchmark run: created empty, always dropped.

The benchmarks only talk to 127.0.0.1:5432 as user postgres (trust authentication), the
same server CI uses; the database name carries the process id so runs never collide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin():
    import psycopg

    return psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5)


@contextmanager
def throwaway_database(purpose: str) -> Iterator[str]:
    """Create database gridgov_bench_<purpose>_<pid>, yield its URL, drop it afterwards (even on errors)."""
    name = f"gridgov_bench_{purpose}_{os.getpid()}"
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        # Django's own connections may still be open in this process: FORCE ends them.
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure_django(database_url: str, data_dir: str, *, settings: str = "bench.settings_bench") -> None:
    """Point this process's Django at `database_url` with the bench settings, and set it up."""
    os.environ["GRIDGOV_DATABASE_URL"] = database_url
    os.environ["GRIDGOV_DATA_DIR"] = data_dir
    os.environ["GRIDGOV_DEMO"] = "1"
    os.environ.setdefault("GRIDGOV_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()
