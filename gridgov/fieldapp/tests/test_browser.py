"""The field app in a real Chromium at a phone viewport: offline reports queue, then sync once."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from gridgov.access.roles import Role
from gridgov.cases.models import Case, CasePhoto, Category, TimeLimit, Urgency
from gridgov.cases.testing import HOME_POINT, LIMITS
from gridgov.patrol.models import Visit
from gridgov.people.testing import build_registry_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("GRIDGOV_SCREENSHOT_DIR")


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _signed_in_context(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="zh-CN",
        viewport=PHONE,
        is_mobile=True,
        geolocation={"longitude": HOME_POINT[0], "latitude": HOME_POINT[1]},
        permissions=["geolocation"],
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _field_world():
    """The registry world (a household of two in the worker's grid) with a case category."""
    reg = build_registry_world()
    roads = Category.objects.create(code="02", name_zh="道路", name_en="Roads")
    Category.objects.create(code="0201", parent=roads, name_zh="路面坑洼", name_en="Pothole")
    for urgency in Urgency.values:
        for stage, (amount, unit) in LIMITS.items():
            TimeLimit.objects.create(category=roads, urgency=urgency, stage=stage, amount=amount, unit=unit)
    return reg


def _until(page, expression: str, timeout_s: float = 40) -> None:
    """Wait until `expression` is true in the page (the CSP forbids wait_for_function's eval)."""
    for _ in range(int(timeout_s * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout_s}s: {expression}")


def open_app(browser, live_server, user):
    """The field app signed in as `user` on a phone, its service worker in control and its bundle
    loaded: (context, page, the page's script errors)."""
    context = _signed_in_context(browser, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/field/")
    _until(page, "navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#case-category option[value='0201']", state="attached")  # the bundle arrived
    return context, page, errors


def _status(page) -> str:
    return page.get_attribute("#sync-status", "data-state")


def _report(page, description: str) -> None:
    form = page.locator("form[data-kind='case.report']")
    form.locator("select[name=category]").select_option("0201")
    form.locator("textarea[name=description]").fill(description)
    form.locator("input[name=photos]").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    _until(page, "document.querySelector('#case-lon').value !== ''")
    form.locator("button[type=submit]").click()
    _until(page, "document.querySelector('form[data-kind=\"case.report\"] .saved-note').textContent !== ''")


def _visit(page, household_id: int) -> None:
    page.click(".form-chooser button[data-kind='patrol.visit']")
    form = page.locator("form[data-kind='patrol.visit']")
    form.locator("select[name=household]").select_option(str(household_id))
    form.locator("input[name=met] >> nth=0").check()
    form.locator("select[name=situation]").select_option("attention")
    form.locator("input[name=needs][value=medical]").check()
    form.locator("button[type=submit]").click()
    _until(page, "document.querySelector('form[data-kind=\"patrol.visit\"] .saved-note').textContent !== ''")
    page.click(".form-chooser button[data-kind='case.report']")


def test_worker_reports_cases_and_a_visit_offline_and_they_sync_once_online(browser, live_server):
    world = _field_world()
    household = world.households["a101"]
    context, page, errors = open_app(browser, live_server, world.users[Role.GRID_WORKER])
    assert _status(page) == "synced"

    context.set_offline(True)
    _report(page, "路面有坑，已拍照")
    page.locator("form[data-kind='case.report'] .saved-note").evaluate("n => n.textContent = ''")
    _report(page, "井盖缺失")
    _visit(page, household.pk)
    page.wait_for_selector("#sync-status[data-state=offline]")
    assert "3" in page.text_content("#sync-status")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "field-offline.png"), full_page=True)
    assert Case.objects.count() == 0

    context.set_offline(False)
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=45000)
    assert sorted(Case.objects.values_list("description", flat=True)) == ["井盖缺失", "路面有坑，已拍照"]
    assert CasePhoto.objects.count() == 2
    visit = Visit.objects.get()
    assert visit.household_id == household.pk

    # The app opens with no network at all, from the service worker's shell.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("form[data-kind='case.report']")
    page.wait_for_selector("#sync-status[data-state=synced]")
    page.click(".field-tabs button[data-show=outbox]")
    page.wait_for_selector(".outbox-entry[data-status=done] >> nth=2")
    assert page.locator(".outbox-entry[data-status=done]").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    assert Case.objects.count() == 2 and Visit.objects.count() == 1

    # Signing out clears the device: the database goes, then the site's logout is posted.
    context.set_offline(False)
    page.click(".field-tabs button[data-show=grid]")
    page.click("#logout-link")
    page.wait_for_url("**/accounts/login/**")
    assert page.evaluate("indexedDB.databases().then(dbs => dbs.map(db => db.name))") == []
    assert page.evaluate("caches.keys().then(keys => keys.every(k => k.startsWith('field-shell-')))")
    context.close()
