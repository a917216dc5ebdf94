"""The public map in a real Chromium at a phone's size: points and list appear, filters work,
no script error or CSP violation."""

from __future__ import annotations

import os

import pytest

from gridgov.cases.testing import report
from gridgov.open311.tests.conftest import WEDNESDAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_map_on_a_phone(live_server, browser, world, time_machine):
    time_machine.move_to(WEDNESDAY, tick=True)
    case = report(world, description="路面有坑")
    problems: list[str] = []
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(live_server.url + "/open311/map/")
    assert response.status == 200
    page.wait_for_selector("#gg-pm-map path.gg-pm-point", timeout=10_000)
    assert case.number in page.inner_text("#gg-pm-list")
    if os.environ.get("GRIDGOV_SCREENSHOT_DIR"):
        page.screenshot(
            path=os.path.join(os.environ["GRIDGOV_SCREENSHOT_DIR"], "open311-map.png"), full_page=True
        )
    page.select_option("#gg-pm-status", "closed")
    page.locator("#gg-pm-map path.gg-pm-point").wait_for(state="detached", timeout=10_000)
    assert page.locator("#gg-pm-list li").count() == 0
    context.close()
    assert problems == []
