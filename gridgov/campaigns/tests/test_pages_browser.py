"""The progress page in a real Chromium: table and map polygons appear, and a result recorded
meanwhile shows on the next poll without a reload; no script error or CSP violation."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import PASSWORD
from gridgov.campaigns.models import Outcome, Target
from gridgov.campaigns.tests.test_coverage import (
    DONE_OK,
    GRID_C,
    STREET_2,
    build_district_world,
    record,
    visit_some,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_page_updates_on_the_next_poll(live_server, browser):
    district = build_district_world()
    visit_some(district)
    campaign, units = district.campaign, district.units
    problems: list[str] = []
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", district.users[Role.DISTRICT_ADMIN].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    response = page.goto(f"{live_server.url}/campaigns/{campaign.pk}/?poll=1")
    assert response.status == 200
    page.wait_for_selector("#gg-campaign-map path.gg-c-grid", timeout=10_000)
    assert page.locator("#gg-campaign-map path.gg-c-grid").count() == 3
    street_2 = f'#gg-progress-rows tr[data-unit="{units[STREET_2].pk}"]'
    assert page.inner_text(f'{street_2} td[data-field="done"]') == "2"
    page.wait_for_function(
        "() => Number(document.getElementById('gg-progress-table').dataset.refreshed) >= 1"
    )
    if os.environ.get("GRIDGOV_SCREENSHOT_DIR"):
        page.screenshot(
            path=os.path.join(os.environ["GRIDGOV_SCREENSHOT_DIR"], "campaign-detail.png"), full_page=True
        )
    # Grid C's last pending household is visited: the table and the grid's colour follow.
    grid_c = units[GRID_C]
    before = page.get_attribute(f"#gg-campaign-map path.gg-c-grid-{grid_c.pk}", "data-coverage")
    pending = (
        Target.objects.filter(campaign=campaign, grid=grid_c, outcome=Outcome.NOT_HOME)
        .select_related("grid")
        .first()
    )
    record(district, pending, Outcome.DONE, DONE_OK, at=timezone.now())
    page.wait_for_function(
        "selector => document.querySelector(selector).textContent === '3'",
        arg=f'{street_2} td[data-field="done"]',
        timeout=10_000,
    )
    after = page.get_attribute(f"#gg-campaign-map path.gg-c-grid-{grid_c.pk}", "data-coverage")
    assert (before, after) == ("75", "100")
    assert page.inner_text('#gg-campaign-stats [data-stat="done"]') == "8"
    context.close()
    assert problems == []
