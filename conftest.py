"""Test-wide settings: fast password hashing (argon2 is checked in its own test)."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_grid_index():
    # Each test rolls its polygons back, so the geometry version can repeat with other
    # polygons: start every test with no cached index.
    from gridgov.geo import index

    index.invalidate()


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Calendar rows of a rolled-back test must not linger in this process's cache.
    from gridgov.calendar import days

    days.invalidate()


@pytest.fixture(autouse=True)
def _fresh_taxonomy_cache():
    # Categories of a rolled-back test must not be offered to the next one.
    from gridgov.cases.taxonomy_services import invalidate_limits

    invalidate_limits()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_sqlite():
    """On SQLite the live server's threads share the test database's one in-memory connection,
    so two requests at once (the page and its service worker) interleave their transactions.
    There, serve one request at a time; on PostgreSQL each thread has its own connection."""
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = SerialWSGIServer
    yield
    LiveServerThread.server_class = threaded


# Debian's Chromium, started without any of its calls home (the machine has no internet).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium driven by Playwright, for the browser tests."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
