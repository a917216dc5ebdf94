"""The Suggestions panel in the real case page, in Chromium: "Apply" fills the register form's
category and opens that form, nothing is submitted; merging a likely duplicate takes one click."""

import pytest

from gridgov.access.roles import Role
from gridgov.access.testing import PASSWORD
from gridgov.cases.models import Case, State
from gridgov.cases.testing import HOME_POINT, report
from gridgov.intelligence.classifier import train
from gridgov.intelligence.tests.helpers import history_world, samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_fills_the_form_and_a_duplicate_merges_in_one_click(live_server, browser):
    world = history_world()
    train(samples=samples(600))
    case = report(world, description="小区门口井盖缺失，夜间行人容易踩空", category="0101")
    twin = report(
        world, description="小区门口井盖丢了", category="0101", point=(HOME_POINT[0], HOME_POINT[1] + 0.0001)
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", world.users[Role.COMMUNITY_ADMIN].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    page.goto(f"{live_server.url}/cases/{twin.number}/")
    panel = page.locator("#gg-suggestions")
    panel.wait_for()
    apply = panel.locator("[data-kind=category] [data-gg-apply]").first
    value = apply.get_attribute("data-value")
    assert value
    apply.click()
    assert page.locator("details.gg-action[data-action=register]").get_attribute("open") is not None
    assert page.input_value("#id_register-category") == value
    assert Case.objects.get(pk=twin.pk).state == State.REPORTED  # applying submits nothing

    duplicates = page.locator("#gg-likely-duplicates")
    assert case.number in duplicates.inner_text()
    assert page.locator("#gg-duplicates").count() == 0  # the panel is the page's only duplicate list
    duplicates.locator(f'[data-number="{case.number}"] button[type=submit]').click()
    page.wait_for_load_state("networkidle")
    twin.refresh_from_db()
    assert (twin.state, twin.merged_into_id) == (State.MERGED, case.pk)
    assert errors == []
    context.close()
