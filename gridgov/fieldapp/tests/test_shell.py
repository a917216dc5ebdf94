"""The app shell, its service worker, manifest and logout page are served."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gridgov.access.roles import Role
from gridgov.access.testing import build_world
from gridgov.fieldapp.testing import field_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_the_shell_is_for_signed_in_field_staff(world):
    assert Client().get("/field/").status_code == 302
    assert field_client(world.users[Role.RESIDENT]).get("/field/").status_code == 403
    page = field_client(world.users[Role.GRID_WORKER]).get("/field/")
    assert page.status_code == 200
    assert b'id="sync-status"' in page.content
    assert b"/static/fieldapp/app.js" in page.content


def test_the_service_worker_lists_the_shell_and_is_scoped_to_field(world):
    response = Client().get("/field/sw.js")
    assert response["Content-Type"].startswith("application/javascript")
    text = response.content.decode()
    assert (
        '"/field/"' in text
        and "/static/fieldapp/app.js" in text
        and "/static/vendor/leaflet/leaflet.js" in text
    )
    assert "/field/api/" in text  # never cached


def test_the_manifest_installs_the_app(world):
    manifest = json.loads(Client().get("/field/manifest.webmanifest").content)
    assert manifest["name"] == "网格员 app"
    assert manifest["start_url"] == "/field/" and manifest["display"] == "standalone"
    assert all(icon["type"] == "image/svg+xml" for icon in manifest["icons"])


def test_the_logout_page_posts_the_site_logout(world):
    page = field_client(world.users[Role.GRID_WORKER]).get("/field/logout/").content.decode()
    assert 'action="/accounts/logout/"' in page and "csrfmiddlewaretoken" in page
    assert "/static/fieldapp/logout.js" in page
