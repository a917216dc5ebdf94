"""The cockpit in a real Chromium: charts with data, the hexagon map, and clicking a figure
opens the list of its cases with the same count."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from gridgov.access.roles import Role
from gridgov.analytics.cockpit import build_cockpit
from gridgov.analytics.tests.test_cockpit import build_history
from gridgov.analytics.tests.test_cockpit_wiring import WIRED
from gridgov.cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(WIRED)]
SHOTS = os.environ.get("GRIDGOV_SCREENSHOT_DIR")


def _signed_in(browser, live_server, user, viewport=None):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport=viewport or {"width": 1400, "height": 1000})
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


def _series(page, key: str, index: int = 0) -> list:
    return page.evaluate(
        """([key, index]) => {
          const el = document.querySelector(`[data-chart="${key}"]`);
          const chart = echarts.getInstanceByDom(el);
          return chart.getOption().series[index].data.map(d => (typeof d === "object" ? d.value : d));
        }""",
        [key, index],
    )


def test_cockpit_charts_map_and_drill_down(browser, live_server, world, clock):
    build_history(world, clock)
    leader = world.users[Role.LEADER]
    cockpit = build_cockpit(leader)
    context, page, errors = _signed_in(browser, live_server, leader)
    page.goto(live_server.url + "/cockpit/")
    page.wait_for_selector('[data-chart="trend"] canvas')
    assert page.locator(".gg-ck-chart canvas").count() == sum(1 for t in cockpit.tables if t.rows)
    trend = _series(page, "trend")
    assert (
        len(trend) == 30
        and trend[-1] == 2
        and sum(trend) == sum(c[0].value for _l, c in cockpit.table("trend").rows)
    )
    assert _series(page, "categories") == [7]
    # The heatmap: hexagons over every case of the last 30 days.
    page.wait_for_selector("#gg-ck-map path.gg-ck-hex")
    assert page.locator("#gg-ck-map path.gg-ck-hex").count() >= 1
    assert page.get_attribute("#gg-ck-map", "data-total") == str(Case.objects.count())
    # The hotspot (the repeated potholes at the home point) is marked on the map and listed.
    assert (
        page.locator("#gg-ck-map path.gg-ck-hotspot").count()
        == page.locator(".gg-ck-hotspots li[data-cell]").count()
        == 1
    )
    page.select_option("select[name=layer]", "grid")
    page.wait_for_selector("#gg-ck-map path.gg-ck-gridarea")
    assert page.get_attribute("#gg-ck-map", "data-total") == str(Case.objects.count())
    # The table behind a chart.
    page.click('[data-toggle="categories"]')
    assert page.locator('[data-table="categories"] td').first.is_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "cockpit-test.png"), full_page=True)
    # Clicking a bar of the categories chart opens its cases.
    page.click('[data-toggle="categories"]')
    point = page.evaluate(
        """() => {
          const el = document.querySelector('[data-chart="categories"]');
          const chart = echarts.getInstanceByDom(el);
          const [x, y] = chart.convertToPixel({seriesIndex: 0}, [3, 0]);
          const box = el.getBoundingClientRect();
          return [box.left + x, box.top + y];
        }"""
    )
    page.mouse.click(point[0], point[1])
    page.wait_for_url("**/cockpit/cases/**")
    assert page.text_content("#gg-ck-count").strip() == "7"
    assert page.locator("tr.gg-case-row").count() == 7
    # Clicking a tile opens its cases with the same count.
    page.goto(live_server.url + "/cockpit/")
    page.click('[data-tile="open_now"]')
    page.wait_for_url("**/cockpit/cases/**")
    assert page.text_content("#gg-ck-count").strip() == str(cockpit.tile("open_now").value) == "4"
    assert not errors, errors
    context.close()


def test_wall_view_renders_dark_without_navigation(browser, live_server, world, clock):
    build_history(world, clock)
    context, page, errors = _signed_in(
        browser, live_server, world.users[Role.DISPATCHER], {"width": 1920, "height": 1080}
    )
    page.goto(live_server.url + "/cockpit/wall/")
    page.wait_for_selector('[data-chart="trend"] canvas')
    page.wait_for_selector("#gg-ck-map path.gg-ck-hex")
    assert page.locator(".gg-nav").count() == 0
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 22, 36)"
    assert len(_series(page, "trend")) == 30
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "cockpit-wall-test.png"))
    assert not errors, errors
    context.close()
