"""The patrol screen and the offline map are part of the app shell the service worker keeps."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gridgov.access.roles import Role
from gridgov.access.testing import build_world
from gridgov.fieldapp.app_strings import app_strings
from gridgov.fieldapp.shell import shell_static_urls
from gridgov.fieldapp.testing import field_client

pytestmark = pytest.mark.django_db
NEW_FILES = (
    "fieldapp/patrol.js",
    "fieldapp/map.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
)


def test_the_offline_cache_list_holds_the_patrol_scripts_and_leaflet():
    urls = shell_static_urls()
    for name in NEW_FILES:
        assert any(url.endswith(name) for url in urls), name
    text = Client().get("/field/sw.js").content.decode()
    assert all(f"/static/{name}" in text for name in NEW_FILES)


def test_the_app_page_loads_them_before_the_app_and_has_the_patrol_tab():
    world = build_world()
    page = field_client(world.users[Role.GRID_WORKER]).get("/field/").content.decode()
    scripts = re.findall(r'<script src="/static/([^"]+)"', page)
    for name in ("vendor/leaflet/leaflet.js", "fieldapp/map.js", "fieldapp/patrol.js"):
        assert scripts.index(name) < scripts.index("fieldapp/app.js"), name
    # The finding form reuses the case form's fields.
    assert scripts.index("fieldapp/case_form.js") < scripts.index("fieldapp/patrol.js")
    assert 'data-show="patrol"' in page and 'id="field-map"' in page
    assert 'data-household-url="/registry/households/0/"' in page
    assert 'data-tile-url=""' in page  # no tiles unless the server names a tile URL


def test_the_outbox_names_every_patrol_kind_in_words():
    strings = app_strings()
    titles = ("patrol_started", "patrol_ended_title", "patrol_track", "patrol_checkin", "patrol_finding")
    assert all(strings[name] and "." not in strings[name] for name in titles)
    assert len({strings[name] for name in titles}) == len(titles)
