"""Sign up with a code, bind to the registry and see the household, in Chromium at phone size."""

from __future__ import annotations

import pytest

from gridgov.people.testing import CANARY_ID, build_registry_world
from gridgov.residents.testing import last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13612345678"


def test_sign_up_bind_and_see_household_on_a_phone(live_server, browser, outbox):
    build_registry_world()
    problems: list[str] = []
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(live_server.url + "/resident/?next=/resident/")
    page.fill("input[name=phone]", PHONE)
    page.check("input[name=agree]")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_selector("input[name=code]")
    assert "136****5678" in page.content()
    page.fill("input[name=code]", last_code(PHONE))
    page.fill("input[name=display_name]", "小乌")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(live_server.url + "/resident/")
    assert "136****5678" in page.inner_text("main")

    page.click("a[href='/resident/bind/']")
    page.fill("input[name=name]", "乌兰巴特尔")
    page.fill("input[name=id_number]", CANARY_ID)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_selector("[data-testid=members]")
    members = page.inner_text("[data-testid=members]")
    assert "乌兰巴特尔" in members and "王秀英" in members
    assert CANARY_ID not in page.content()
    # Phone-first: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
    assert problems == []
