"""The map in a real Chromium: log in, drill down to the grids, switch to English."""

import pytest

from gridgov.access.roles import Role
from gridgov.web.tests.builders import PASSWORD, make_district, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def test_map_drills_down_to_grids_and_language_switches(page, live_server):
    district = make_district("150502", streets=2, communities=2, grids=3)
    make_user("admin", (Role.DISTRICT_ADMIN, district), first_name="张伟")

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/map/")
    # One jurisdiction root: the map opens the district and draws its 2 streets.
    page.wait_for_selector("#gg-map[data-current='150502'][data-loaded='2']")
    assert page.locator("#gg-map path.leaflet-interactive").count() == 2
    page.locator("#gg-map-list button", has_text="第1街道").click()
    page.wait_for_selector("#gg-map[data-current='150502001'][data-loaded='2']")
    page.locator("#gg-map path.gg-unit-150502001001").click()
    page.wait_for_selector("#gg-map[data-current='150502001001'][data-loaded='3']")
    assert page.locator("#gg-map path.leaflet-interactive").count() == 3
    names = page.locator("#gg-map-list button").all_inner_texts()
    assert len(names) == 3 and all(name.startswith("1-1-") for name in names), names
    # A grid has no children: clicking it opens a popup with a link to its page.
    page.locator("#gg-map path.gg-unit-150502001001001").click()
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert link.get_attribute("href") == "/units/150502001001001/"
    # Breadcrumb back up to the street.
    page.locator("#gg-map-crumbs a", has_text="第1街道").click()
    page.wait_for_selector("#gg-map[data-current='150502001'][data-loaded='2']")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    page.wait_for_selector("#gg-map[data-loaded]")
    assert "Log out" in page.inner_text("header")
    listed = page.inner_text("#gg-map-list")
    assert "Street 1" in listed and "Street 2" in listed
    assert "街道" not in listed
    assert page.errors == []
