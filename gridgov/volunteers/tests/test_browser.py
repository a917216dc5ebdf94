"""The resident's volunteer pages in a real Chromium at a phone-sized viewport: register,
sign up, check in with the organiser's code, then spend the points in the shop."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.volunteers import activities, ledger, registry, shop
from gridgov.volunteers.models import Activity, EntryKind, Redemption, SignUp, Volunteer, VolunteerStatus
from gridgov.volunteers.testing import HEPING, activity, build_volunteer_world, resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("GRIDGOV_SCREENSHOT_DIR")  # set to look at the pages while developing


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
        page.screenshot(path=os.path.join(SHOTS, f"volunteers-{name}.png"), full_page=True)


def test_resident_volunteers_checks_in_and_redeems_on_a_phone(browser, live_server):
    world = build_volunteer_world()
    user = resident(world, 1, name="王小明")
    event = activity(world, starts_in=timedelta(minutes=10), limit=3)
    context, page, errors = _signed_in_page(browser, live_server, user)

    page.goto(f"{live_server.url}/volunteers/")
    page.fill("input[name=skills]", "理发")
    page.fill("input[name=availability]", "周末")
    page.click("#volunteer-status button[type=submit]")
    page.wait_for_selector("[data-status=pending]")
    _shot(page, "home-pending")
    assert _fits_the_phone(page)
    volunteer = Volunteer.objects.get(user=user)
    registry.decide(volunteer.pk, VolunteerStatus.APPROVED, actor=world.users[Role.COMMUNITY_ADMIN])

    page.goto(f"{live_server.url}/volunteers/")
    page.click(f"[data-activity='{event.pk}']")
    page.click("form[action$='/sign-up/'] button")
    page.wait_for_selector("form[action$='/check-in/']")
    page.fill("#id_code", event.check_in_code)
    _shot(page, "activity-check-in")
    page.click("form[action$='/check-in/'] button")
    page.wait_for_selector("form[action$='/check-out/']")
    assert _fits_the_phone(page)
    signup = SignUp.objects.get(activity=event, volunteer=volunteer)
    assert signup.checked_in_at is not None

    ledger.post(user, 25, EntryKind.VOLUNTEERING, community=world.units[HEPING])
    item = shop.add_item(
        world.units[HEPING], name="洗衣液", price=20, stock=1, actor=world.users[Role.COMMUNITY_ADMIN]
    )
    page.goto(f"{live_server.url}/volunteers/shop/")
    page.click(f"[data-item='{item.pk}'] button")
    page.wait_for_selector(".alert-success")
    _shot(page, "shop")
    assert _fits_the_phone(page)
    assert Redemption.objects.filter(user=user, item=item).exists()

    page.goto(f"{live_server.url}/volunteers/points/")
    assert page.inner_text("#balance") == "5"
    page.goto(f"{live_server.url}/volunteers/leaderboard/")
    assert "王小明" in page.inner_text("#points-board")
    _shot(page, "leaderboard")
    assert _fits_the_phone(page)
    assert errors == []
    context.close()


def test_staff_create_an_activity_and_check_a_volunteer_in(browser, live_server):
    world = build_volunteer_world()
    user = resident(world, 1, name="王小明")
    volunteer = registry.register(user, skills="", availability="")
    registry.decide(volunteer.pk, VolunteerStatus.APPROVED, actor=world.users[Role.COMMUNITY_ADMIN])
    client = Client()
    client.force_login(world.users[Role.COMMUNITY_ADMIN])
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
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
    page.goto(f"{live_server.url}/volunteers/manage/activities/")
    page.select_option("select[name=community]", str(world.units[HEPING].pk))
    page.fill("input[name=title]", "义务植树")
    page.fill("input[name=place]", "西辽河堤")
    start = timezone.localtime() + timedelta(minutes=5)
    page.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=ends_at]", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=signup_limit]", "10")
    page.select_option("select[name=points_mode]", "fixed")
    page.fill("input[name=points]", "8")
    page.click("#new-form button[type=submit]")
    page.wait_for_selector("#check-in-code")
    event = Activity.objects.get(title="义务植树")
    assert page.inner_text("#check-in-code") == event.check_in_code

    activities.sign_up(event.pk, user=user)
    page.reload()
    page.click("form[action$='/check-in/'] button")
    page.wait_for_selector("form[action$='/check-out/']")
    _shot(page, "staff-activity")
    assert SignUp.objects.get(activity=event).checked_in_at is not None
    context.close()
