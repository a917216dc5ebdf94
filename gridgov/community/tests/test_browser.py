"""The resident's community pages in a real Chromium at a phone-sized viewport: read a notice,
support a proposal, vote for the household and change the vote."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from gridgov.community import notices
from gridgov.community.models import Vote
from gridgov.community.testing import HEPING, HEPING_GRID_1, build_community_world, voting_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("GRIDGOV_SCREENSHOT_DIR")  # set to look at the pages while developing


@pytest.fixture
def world():
    return build_community_world()


def _signed_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
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


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"community-{name}.png"), full_page=True)


def test_resident_reads_a_notice_and_votes_for_the_household_on_a_phone(browser, live_server, world):
    admin = world.staff
    draft = notices.NoticeDraft(
        org_unit=world.units[HEPING], title="冬季供暖通知", body="11月起供暖", pinned=True
    )
    notices.publish_notice(notices.save_notice(None, draft, actor=admin), actor=admin)
    consultation = voting_consultation(world, options=("同意加装", "暂不加装"))
    household = world.add_household(HEPING_GRID_1)
    resident = world.members[household.pk][0]
    context, page, errors = _signed_in_page(browser, live_server, resident)

    page.goto(live_server.url + "/community/")
    assert page.locator(".gg-unread").count() == 1
    _shot(page, "notices")
    assert _fits_the_phone(page)
    page.click("text=冬季供暖通知")
    page.wait_for_selector("text=11月起供暖")
    page.goto(live_server.url + "/community/")
    assert page.locator(".gg-unread").count() == 0

    page.click("a.nav-link >> nth=1")  # the consultations tab
    page.click(f"a[href='/community/consultations/{consultation.pk}/']")
    page.check("input[name=option] >> nth=0")
    page.click("#vote button[type=submit]")
    page.wait_for_selector("text=同意加装")
    _shot(page, "voted")
    assert _fits_the_phone(page)
    assert Vote.objects.get(consultation=consultation).option.label == "同意加装"
    page.check("input[name=option] >> nth=1")
    page.click("#vote button[type=submit]")
    page.wait_for_load_state()
    assert Vote.objects.get(consultation=consultation).option.label == "暂不加装"
    assert page.locator("input[name=option]:checked").get_attribute("value") == str(
        consultation.options.get(label="暂不加装").pk
    )
    assert errors == []
    context.close()
