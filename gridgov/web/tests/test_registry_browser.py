"""Registry pages in a real Chromium."""

from __future__ import annotations

import re

import pytest

from gridgov.access.roles import Role
from gridgov.access.testing import PASSWORD
from gridgov.people.testing import CANARY_ID, CANARY_PHONE, build_registry_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_household_card_from_a_search_and_a_reveal_on_a_phone(live_server, browser, settings):
    settings.PEOPLE_REVEALS_PER_HOUR = 1
    reg = build_registry_world()
    head, card = reg.persons["head"], reg.households["a101"]
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", reg.users[Role.GRID_WORKER].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    # Search by pinyin initials; the search lands on an address that can be bookmarked.
    page.goto(live_server.url + "/registry/")
    page.fill("#id_q", "wlbte")
    page.click("#gg-search button[type=submit]")
    page.wait_for_url("**/registry/?q=wlbte*")
    rows = page.locator("#gg-results tr.gg-reg-row")
    assert rows.count() == 1
    rows.first.locator(f"a[data-household='{card.pk}']").click()

    # The household card: the head first and marked, the other member, masked numbers only.
    page.wait_for_url(f"**/registry/households/{card.pk}/")
    members = page.locator("#gg-members tr.gg-reg-row")
    assert members.count() == 2
    assert members.first.get_attribute("data-person") == str(head.pk)
    assert members.first.locator(".gg-head-badge").is_visible()
    assert CANARY_ID not in page.content()

    # From the card to the head's page; reveal the ID number with a reason (htmx).
    members.first.locator("a").first.click()
    page.wait_for_url(f"**/registry/persons/{head.pk}/")
    assert re.search(r"\b1\b", page.inner_text("#gg-reveals-left"))
    reveal = page.locator(".gg-reveal[data-field=id_number]")
    reveal.locator("summary").click()
    reveal.locator("input[name=reason]").fill("核实身份")
    reveal.locator("button[type=submit]").click()
    page.wait_for_selector("#gg-reveal-id_number .gg-clear")
    assert page.inner_text("#gg-reveal-id_number .gg-clear") == CANARY_ID
    assert re.search(r"\b0\b", page.inner_text("#gg-reveals-left"))  # the counter follows
    # Over the hourly limit: the refusal (429) shows in place of the value.
    reveal = page.locator(".gg-reveal[data-field=phone]")
    reveal.locator("summary").click()
    reveal.locator("input[name=reason]").fill("联系本人")
    reveal.locator("button[type=submit]").click()
    page.wait_for_selector("#gg-reveal-phone .gg-reveal-error")
    assert CANARY_PHONE not in page.content()
    assert [e for e in errors if "429" not in e] == []
    context.close()


def test_grid_page_then_a_building_and_an_organization(live_server, browser):
    from gridgov.people.testing import CANARY_CONTACT_PHONE

    reg = build_registry_world()
    building, a101, a502 = reg.buildings["a"], reg.houses["a101"], reg.houses["a502"]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", reg.users[Role.GRID_WORKER].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    # The grid page: its registry figures, each a link to the list behind it.
    page.goto(live_server.url + "/units/150502001001001/")
    assert page.inner_text("[data-figure=population] .gg-figure-value") == "2"
    assert page.inner_text("[data-figure=rented] .gg-figure-value") == "1"
    assert page.locator("#gg-tag-counts [data-tag=community_correction]").count() == 0
    page.click("a[data-figure=buildings]")
    page.wait_for_url("**/registry/buildings/?unit=150502001001001")
    page.click(f"#gg-building-table tr[data-building='{building.pk}'] a")

    # The building: floors 6 down to 1, units 1 and 2, each house coloured by use, a small map.
    page.wait_for_url(f"**/registry/buildings/{building.pk}/")
    page.wait_for_selector("#gg-place-map[data-ready='1']")
    floors = page.locator("#gg-matrix tbody tr").evaluate_all("rows => rows.map(r => r.dataset.floor)")
    assert floors == ["6", "5", "4", "3", "2", "1"]
    rented = page.locator(f"#gg-matrix tr[data-floor='5'] td[data-unit='2'] [data-house='{a502.pk}']")
    assert "gg-use-rented" in rented.get_attribute("class") and rented.locator(".gg-house-none").count() == 1
    lived_in = page.locator(f"[data-house='{a101.pk}']")
    assert lived_in.locator("[data-tag=elderly_alone]").count() == 1
    lived_in.locator(".gg-house-household").click()
    page.wait_for_url(f"**/registry/households/{reg.households['a101'].pk}/")

    # An organization: the contact phone masked, revealed in place with a reason.
    shop = reg.organizations["shop"]
    page.goto(live_server.url + f"/registry/organizations/{shop.pk}/")
    page.wait_for_selector("#gg-place-map[data-ready='1']")
    assert CANARY_CONTACT_PHONE not in page.content()
    reveal = page.locator("#gg-reveal-contact")
    reveal.locator("summary").click()
    reveal.locator("input[name=reason]").fill("通知消防检查")
    reveal.locator("button[type=submit]").click()
    page.wait_for_selector("#gg-reveal-contact_phone .gg-clear")
    assert page.inner_text("#gg-reveal-contact_phone .gg-clear") == CANARY_CONTACT_PHONE
    assert errors == []
    context.close()
