"""The campaign and health screens are part of the phone app's shell, and every text their
scripts show comes from the app's string table (so that it is translated)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from gridgov.access.roles import Role
from gridgov.access.testing import build_world
from gridgov.campaigns.models import Outcome, TestResult
from gridgov.fieldapp import handlers
from gridgov.fieldapp.app_strings import app_strings
from gridgov.fieldapp.testing import field_client

pytestmark = pytest.mark.django_db

SCRIPTS = Path(__file__).resolve().parents[2] / "fieldapp" / "static" / "fieldapp"
NEW_SCRIPTS = ("campaigns.js", "health.js")


def test_the_screens_are_in_the_page_and_kept_offline_by_the_service_worker():
    world = build_world()
    page = field_client(world.users[Role.GRID_WORKER]).get("/field/").content.decode()
    worker = Client().get("/field/sw.js").content.decode()
    for name in NEW_SCRIPTS:
        assert f"/static/fieldapp/{name}" in page
        assert f'"/static/fieldapp/{name}"' in worker
    assert 'data-tab="campaigns"' in page and 'data-tab="health"' in page
    assert page.index("campaigns.js") < page.index("fieldapp/app.js")  # listeners before the start


def test_the_kinds_are_registered():
    assert {"campaign.result", "monitoring.checkin"} <= set(handlers.kinds())


def test_every_text_of_the_scripts_is_in_the_string_table():
    strings = app_strings()
    for name in NEW_SCRIPTS:
        source = (SCRIPTS / name).read_text()
        used = set(re.findall(r"\bt\(\"([a-z_]+)\"\)", source))
        assert used, name
        assert used <= set(strings), (name, used - set(strings))
    # Names built from codes: every outcome, every button, every test result.
    built = {f"outcome_{o}" for o in Outcome.values}
    built |= {f"record_{o}" for o in Outcome.values if o != Outcome.PENDING}
    built |= {f"test_{r or 'none'}" for r in TestResult.values}
    assert built <= set(strings), built - set(strings)
