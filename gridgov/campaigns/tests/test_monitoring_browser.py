"""The two-person approval in a real Chromium: a grid chief proposes to place a resident under
monitoring, sees no approve button on the proposal, and the community admin approves it; the
risk-zone map draws a grid and a building. GRIDGOV_SCREENSHOT_DIR keeps screenshots."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.campaigns import zones
from gridgov.campaigns.models import ChangeState, Monitoring, MonitoringChange, RiskLevel
from gridgov.campaigns.testing import GRID_A
from gridgov.campaigns.tests.test_monitoring import running_world
from gridgov.campaigns.tests.test_zones_pages import urlpatterns  # noqa: F401 (the test urlconf)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]
SHOTS = os.environ.get("GRIDGOV_SCREENSHOT_DIR")
DESK = {"width": 1280, "height": 900}


def _page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport=DESK)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"monitoring-{name}.png"), full_page=True)


def test_a_proposal_is_approved_by_a_second_person_in_the_browser(browser, live_server):
    world = running_world()
    base = f"{live_server.url}/campaigns/{world.campaign.pk}/monitoring/"
    chief_context, chief, chief_errors = _page(browser, live_server, world.users[Role.GRID_CHIEF])
    chief.goto(base + "propose/?q=王")
    chief.click("#gg-matches a.btn")
    today = timezone.localdate()
    chief.select_option("select[name=kind]", "quarantine")
    chief.fill("input[name=starts_on]", today.isoformat())
    chief.fill("input[name=ends_on]", (today + timedelta(days=13)).isoformat())
    chief.fill("input[name=reason]", "密切接触者")
    chief.click("#gg-propose-form button")
    chief.wait_for_selector("#gg-pending [data-change]")
    assert chief.locator(".gg-approve").count() == 0 and chief.locator(".gg-own").count() == 1
    _shot(chief, "pending-own")
    assert MonitoringChange.objects.get().state == ChangeState.PENDING

    admin_context, admin, admin_errors = _page(browser, live_server, world.users[Role.COMMUNITY_ADMIN])
    admin.goto(base + "pending/")
    assert admin.locator(".gg-approve").count() == 1
    admin.click(".gg-approve")
    admin.wait_for_selector(".alert-success")
    assert Monitoring.objects.get().person == world.reg.persons["spouse"]
    admin.goto(base)
    assert admin.locator("#gg-monitored .gg-masked-name").inner_text() == "王**"
    _shot(admin, "list")
    admin.click("#gg-monitored .gg-masked-name")
    admin.wait_for_selector("#gg-checkin-form")
    admin.fill("input[name=temperature]", "37.8")
    admin.check("input[name=symptoms][value=cough]")
    admin.click("#gg-checkin-form button")
    admin.wait_for_selector("#gg-checkins .gg-temperature")
    _shot(admin, "detail")
    assert not chief_errors and not admin_errors
    chief_context.close()
    admin_context.close()


def test_the_zone_map_draws_grids_and_buildings(browser, live_server):
    world = running_world()
    admin = world.users[Role.STREET_ADMIN]
    zones.designate(
        admin, level=RiskLevel.LOCKDOWN, grid=world.units[GRID_A], starts_at=timezone.now(), reason="病例"
    )
    zones.designate(
        admin,
        level=RiskLevel.CONTROL,
        building=world.reg.buildings["b"],
        starts_at=timezone.now(),
        reason="密接",
    )
    zones.designate(
        admin,
        level=RiskLevel.PREVENTION,
        grid=world.units["150502001001002"],
        starts_at=timezone.now(),
        reason="周边",
    )
    context, page, errors = _page(browser, live_server, admin)
    page.goto(f"{live_server.url}/campaigns/zones/")
    page.wait_for_selector("#gg-zone-map[data-ready='3']")
    assert page.locator("path.gg-zone-area").count() == 2
    assert page.locator("path.gg-zone-marker").count() == 1
    assert page.locator("#gg-zone-rules li[data-level]").count() == 3
    _shot(page, "zones")
    assert not errors
    context.close()
