"""An assessor in a real Chromium: the grade table, a figure opening its cases, then a month
frozen, published and explained down to its frozen cases (history: assessment.testing)."""

from __future__ import annotations

import re

import pytest

from gridgov.access.roles import Role
from gridgov.access.testing import PASSWORD
from gridgov.assessment.models import AssessmentRun, RunState
from gridgov.assessment.testing import at
from gridgov.patrol.testing import GRID_A

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("gridgov.assessment.tests.urls"),
]


@pytest.fixture
def page(live_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def _count(text: str) -> int:
    return int(re.search(r"\d+", text).group(0))


def test_assessor_grades_drills_down_freezes_publishes_and_explains(page, live_server, history, time_machine):
    time_machine.move_to(at(2026, 4, 2, 9, 0), tick=True)  # a running clock for the browser's session
    admin = history.users[Role.DISTRICT_ADMIN]
    grid_a = history.units[GRID_A]
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    # Pick the kind and the period: grids, March 2026.
    page.goto(live_server.url + "/assessment/")
    page.select_option("#gg-kind", "grid")
    page.select_option("#gg-period-kind", "month")
    page.fill("#gg-day", "2026-03-01")
    page.click("#gg-assessment-form button.btn-primary")
    row = page.locator(f'#gg-assessment-table tr[data-entity="{grid_a.pk}"]')
    row.wait_for()
    assert row.locator(".gg-grade").inner_text().strip() in {"A", "B", "C", "D", "E"}
    assert row.locator(".gg-rank").inner_text().strip() == "1"
    # Grids with nothing to assess are listed last, not graded.
    last = page.locator("#gg-assessment-table tbody tr").last
    assert last.locator(".gg-grade").inner_text().strip() == "—"
    assert last.locator(".gg-not-graded").count() == 1

    # A figure opens the cases behind it: as many as it says.
    figure = row.locator('td[data-indicator="reports"] a.gg-figure')
    expected = int(figure.inner_text().strip())
    figure.click()
    page.wait_for_selector("#gg-case-list")
    assert _count(page.inner_text("#gg-case-total")) == expected == 5
    assert page.locator("#gg-case-list tbody tr[data-number]").count() == expected

    # A field-work figure opens its households with the visits behind them.
    page.go_back()
    row.locator('td[data-indicator="visit_coverage"] a.gg-figure').click()
    page.wait_for_selector("#gg-record-list")
    assert page.locator("#gg-record-list tr[data-household]").count() == int(
        page.inner_text("#gg-record-figure")
    )

    # Freeze March for the district's grids and publish it.
    page.goto(live_server.url + "/assessment/runs/")
    page.select_option("#gg-freeze-form #gg-kind", "grid")
    page.fill("#gg-month", "2026-03")
    page.click("#gg-freeze-form button.btn-primary")
    page.wait_for_selector("#gg-run-table")
    with page.expect_navigation():
        page.click("#gg-publish")
    assert page.locator("#gg-publish").count() == 0
    assert AssessmentRun.objects.get().state == RunState.PUBLISHED

    # Explain grid A's row and open the frozen cases of its on-time closure rate.
    page.locator(f'#gg-run-table tr[data-entity="{grid_a.pk}"] td a').first.click()
    page.wait_for_selector("#gg-explain")
    line = page.locator('#gg-explain tr[data-indicator="on_time_closure_rate"]')
    numerator = int(line.locator("td").nth(2).inner_text().strip())
    line.locator("td").nth(2).locator("a").click()
    page.wait_for_selector("#gg-listed")
    assert page.locator("#gg-case-list tbody tr[data-number]").count() == numerator == 1
    assert page.locator("#gg-case-list tbody tr[data-number]").get_attribute("data-number") == (
        history.cases["c1"].number
    )
    assert page.errors == []
