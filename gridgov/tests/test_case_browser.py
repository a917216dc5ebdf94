"""A case carried through the closed loop in a real Chromium: a grid worker reports with a photo
(picking the place on the map), the community admin registers and dispatches it to the
urban-management department, the department handler accepts and handles it, the grid worker
verifies it and the community admin closes it; the timeline shows every step."""

from __future__ import annotations

import pytest

from gridgov.access.roles import Role
from gridgov.access.testing import PASSWORD
from gridgov.cases.models import Case, CasePhoto, State
from gridgov.cases.testing import build_case_world
from gridgov.web.cases.testing import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Session:
    """One person's browser: signs in, opens the case page, takes an action through its form."""

    def __init__(self, browser, base: str, user, problems: list[str], phone: bool = False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        self.context = browser.new_context(locale="zh-CN", viewport=viewport)
        self.page = self.context.new_page()
        self.base = base
        self.page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: problems.append(str(e)))
        self.page.goto(base + "/accounts/login/")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form[action='/accounts/login/'] button[type=submit]")
        self.page.wait_for_url(base + "/")

    def open(self, case: Case) -> None:
        self.page.goto(f"{self.base}/cases/{case.number}/")

    def act(self, action: str, **fields: str) -> None:
        details = self.page.locator(f"details.gg-action[data-action={action}]")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        for name, value in fields.items():
            details.locator(f"[name={action}-{name}]").fill(value)
        with self.page.expect_navigation():
            details.locator("button[type=submit]").click()
        assert self.page.locator(".alert-success").count() == 1, self.page.content()[:3000]

    def close(self) -> None:
        self.context.close()


def test_case_goes_round_the_loop_in_the_browser(live_server, browser):
    world = build_case_world()
    users = world.users
    problems: list[str] = []

    # The grid worker reports on a phone: category, description, a photo, the place on the map.
    worker = Session(browser, live_server.url, users[Role.GRID_WORKER], problems, phone=True)
    page = worker.page
    page.goto(live_server.url + "/cases/new/")
    page.wait_for_selector("#gg-picker[data-ready='1']")
    page.select_option("#id_category", "0201")
    page.fill("#id_description", "学校门口路面有大坑")
    page.set_input_files(
        "#id_photos",
        files=[{"name": "pothole.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((320, 240))}],
    )
    # The picker opens on the worker's grid: a tap in the middle of the map lands inside it.
    page.locator("#gg-picker").click()
    assert page.locator("#gg-picker").get_attribute("data-picked") == "1"
    assert page.input_value("#id_crs") == "wgs84"
    with page.expect_navigation():
        page.click("#gg-submit")
    case = Case.objects.get()
    assert page.url == f"{live_server.url}/cases/{case.number}/"
    assert CasePhoto.objects.filter(case=case).count() == 1
    assert page.locator(".gg-photo img").count() == 1
    page.wait_for_selector("#gg-case-map[data-ready='1'] path.leaflet-interactive")
    assert 122.0 < case.lon < 122.1 and 43.5 < case.lat < 43.7

    # The community (the intake level of patrol reports) registers and dispatches.
    admin = Session(browser, live_server.url, users[Role.COMMUNITY_ADMIN], problems)
    admin.open(case)
    admin.act("register")
    # The suggested department is preselected.
    assert admin.page.input_value("[name=dispatch-addressee]") == "department:urban_mgmt"
    admin.act("dispatch", note="今天处理")

    handler = Session(browser, live_server.url, users[Role.DEPARTMENT_HANDLER], problems)
    handler.page.goto(live_server.url + "/cases/?queue=mine")
    with handler.page.expect_navigation():
        handler.page.click(f"a[href='/cases/{case.number}/']")
    handler.act("accept")
    handler.act("handle", result="已用沥青填平")

    worker.page.goto(live_server.url + "/cases/?queue=verify")
    with worker.page.expect_navigation():
        worker.page.click(f"a[href='/cases/{case.number}/']")
    worker.act("verify", note="现场核查已修复")

    admin.open(case)
    admin.act("close")
    case.refresh_from_db()
    assert case.state == State.CLOSED

    steps = admin.page.locator(".gg-timeline .gg-step")
    assert [steps.nth(i).get_attribute("data-action") for i in range(steps.count())] == [
        "report",
        "register",
        "dispatch",
        "accept",
        "handle",
        "verify",
        "close",
    ]
    timeline = admin.page.inner_text(".gg-timeline")
    for text in ("今天处理", "已用沥青填平", "现场核查已修复", users[Role.DEPARTMENT_HANDLER].username):
        assert text in timeline
    assert admin.page.locator("details.gg-action").count() == 0
    for session in (worker, admin, handler):
        session.close()
    assert problems == []
