"""A resident's whole way in Chromium at phone size: sign up with a code, report a problem with a
photo at a place picked on the map, follow the case as staff close it, rate it, say "not fixed"."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from PIL import Image

from gridgov.cases.models import Case
from gridgov.cases.states import State
from gridgov.cases.testing import HOME_POINT, build_case_world
from gridgov.participation.testing import closed
from gridgov.residents import testing as resident_testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13712345678"
PHONE_WIDTH = 390
# The public steps of a case walked from its report to its closing, oldest first.
STEPS_TO_CLOSED = ["report", "register", "dispatch", "accept", "handle", "verify", "close"]


@pytest.fixture
def outbox(settings):
    """Codes go to residents.testing.OUTBOX instead of the log."""
    settings.SMS_SENDER = "gridgov.residents.testing.OutboxSender"
    resident_testing.OUTBOX.clear()
    yield resident_testing.OUTBOX
    resident_testing.OUTBOX.clear()


@pytest.fixture
def phone(live_server, browser):
    """A phone-sized page that records page errors, console errors and failed responses."""
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": PHONE_WIDTH, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.problems = problems
    yield page
    context.close()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide"


def state_label(state: State) -> str:
    with translation.override("zh-hans"):
        return str(state.label)


def images_load(page, seconds: float = 5) -> bool:
    """Whether every image in main has loaded within `seconds` (polled from here: the CSP
    forbids the eval that page.wait_for_function needs)."""
    script = "[...document.querySelectorAll('main img')].every(i => i.complete && i.naturalWidth > 0)"
    for _ in range(int(seconds * 10)):
        if page.evaluate(script):
            return True
        page.wait_for_timeout(100)
    return False


def timeline(page) -> list[str]:
    return page.eval_on_selector_all(".gg-portal-timeline li", "items => items.map(i => i.dataset.action)")


def settled_box(page, locator, *, tries: int = 50) -> dict:
    """The bounding box of `locator` once it stopped moving (the map pans to a typed place)."""
    locator.wait_for()
    before = locator.bounding_box()
    for _ in range(tries):
        page.wait_for_timeout(100)
        now = locator.bounding_box()
        if now == before:
            return now
        before = now
    raise AssertionError("the map kept moving")


def test_sign_up_report_follow_rate_and_say_not_fixed(phone, live_server, outbox):
    world = build_case_world()
    page = phone

    # Sign up: the portal sends an anonymous visitor to the sign-in page and back.
    page.goto(live_server.url + "/r/")
    page.wait_for_selector("input[name=phone]")
    assert "/resident/signin/" in page.url
    assert_fits_the_phone(page)
    page.fill("input[name=phone]", PHONE)
    page.check("input[name=agree]")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_selector("input[name=code]")
    assert "137****5678" in page.inner_text("main")
    assert_fits_the_phone(page)
    page.fill("input[name=code]", resident_testing.last_code(PHONE))
    page.fill("input[name=display_name]", "小乌")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(live_server.url + "/r/")

    # Report: a pothole with a photo, typed coordinates, then a tap on the map where it is.
    page.wait_for_selector("#gg-picker[data-ready='1']")
    assert_fits_the_phone(page)
    page.select_option("select[name=category]", "0201")
    page.fill("textarea[name=description]", "门口路面有个大坑")
    page.set_input_files(
        "input[name=photos]",
        files=[{"name": "pothole.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
    )
    page.click("#gg-report-form details summary")
    page.fill("input[name=lon]", f"{HOME_POINT[0] + 0.01:.6f}")
    page.fill("input[name=lat]", f"{HOME_POINT[1]:.6f}")
    # Each change asks for "the same problem?" offers: wait for one answer before the next
    # change (the in-memory SQLite test database locks on concurrent requests).
    with page.expect_response("**/r/nearby/**"):
        page.locator("input[name=lat]").blur()  # the map pans to the typed place
    marker = page.locator("#gg-picker .leaflet-marker-icon")
    box = settled_box(page, marker)
    # Tap a little west of the typed place's marker (still in grid 1 of Heping Community).
    with page.expect_response("**/r/nearby/**"):
        page.mouse.click(box["x"] + box["width"] / 2 - 10, box["y"] + box["height"] - 2)
    page.wait_for_selector("#gg-picker[data-picked='1']")
    picked_lon = float(page.input_value("input[name=lon]"))
    # West of the typed place, still in grid 1 (lon 122.0–122.1) at whatever zoom the map shows.
    assert 122.0 < picked_lon < HOME_POINT[0] + 0.01
    page.fill("input[name=address]", "和平路3号门口")
    page.click("#gg-submit")
    page.wait_for_url("**/r/done/**")
    number = page.inner_text("#gg-case-number").strip()
    case = Case.objects.get()
    assert case.number == number and case.state == State.REPORTED
    assert case.reporter.resident.phone_masked == "137****5678"
    assert case.grid.code == "150502001001001"
    assert case.photos.count() == 1 and case.address == "和平路3号门口"
    assert_fits_the_phone(page)

    # Staff walk the case to its closing through the workflow.
    case = closed(world, case)
    assert case.state == State.CLOSED

    # The resident follows it: my reports, then the case page with its steps.
    page.goto(live_server.url + "/r/mine/")
    row = page.locator(f".gg-mine-row[data-number='{number}']")
    assert state_label(State.CLOSED) in row.inner_text()
    assert_fits_the_phone(page)
    row.locator("a").click()
    page.wait_for_url(f"**/r/case/{number}/")
    assert page.inner_text("#gg-case-state").strip() == state_label(State.CLOSED)
    assert timeline(page) == STEPS_TO_CLOSED
    assert "门口路面有个大坑" in page.inner_text("main")
    assert page.locator("main img.gg-offer-photo").count() == 1
    # The (lazy-loaded) thumbnail really loads.
    assert images_load(page)
    assert_fits_the_phone(page)

    # Rate it: 4 of 5 with a comment.
    rate = page.locator(".gg-portal-action[data-action='rate']")
    rate.locator("label.gg-rating-option", has_text="4").click()
    rate.locator("textarea[name=comment]").fill("修得很快")
    rate.locator("button[type=submit]").click()
    page.wait_for_selector("#gg-my-rating")
    assert "★★★★☆" in page.inner_text("#gg-my-rating") and "修得很快" in page.inner_text("#gg-my-rating")
    assert page.locator(".gg-portal-action[data-action='rate']").count() == 0
    case.refresh_from_db()
    assert (case.rating, case.rating_comment) == (4, "修得很快")
    assert_fits_the_phone(page)

    # "Not fixed": the case goes back to be checked on site.
    not_fixed = page.locator(".gg-portal-action[data-action='not_fixed']")
    not_fixed.locator("textarea[name=reason]").fill("下雨后坑又出现了")
    not_fixed.locator("button[type=submit]").click()
    page.wait_for_selector(".gg-portal-timeline li[data-action='not_fixed']")
    case.refresh_from_db()
    assert case.state == State.HANDLED and case.closed_at is None and case.rating is None
    assert page.inner_text("#gg-case-state").strip() == state_label(State.HANDLED)
    assert timeline(page) == [*STEPS_TO_CLOSED, "not_fixed"]
    assert page.locator(".gg-portal-action").count() == 0  # neither rate nor "not fixed" again
    assert page.locator("#gg-my-rating").count() == 0
    assert_fits_the_phone(page)

    page.goto(live_server.url + "/r/mine/")
    row = page.locator(f".gg-mine-row[data-number='{number}']")
    assert state_label(State.HANDLED) in row.inner_text()
    assert_fits_the_phone(page)
    assert page.problems == []
