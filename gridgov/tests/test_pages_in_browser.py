"""Every page, opened by the role that uses it in a real Chromium, renders without a script
error or a Content-Security-Policy violation (the CSP allows no inline script)."""

from __future__ import annotations

import pytest

from gridgov.access.roles import Role
from gridgov.access.testing import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (role, path, a CSS selector that only a working page shows)
PAGES = [
    (Role.DISTRICT_ADMIN, "/", "main"),
    (Role.DISTRICT_ADMIN, "/map/", "#gg-map path.leaflet-interactive"),
    (Role.DISTRICT_ADMIN, "/units/", "main table"),
    (Role.DISTRICT_ADMIN, "/units/150502001/", "main table"),
    (Role.DISTRICT_ADMIN, "/accounts/token/", "main form"),
    (Role.DISTRICT_ADMIN, "/api/docs/", ".swagger-ui .opblock"),
    (Role.DISTRICT_ADMIN, "/admin/", "#content"),
    (Role.AUDITOR, "/audit/", "main table"),
    (Role.GRID_WORKER, "/map/", "#gg-map path.leaflet-interactive"),
    (Role.RESIDENT, "/", "main"),
]


def test_pages_render_without_script_errors(live_server, browser):
    world = build_world()
    world.users[Role.DISTRICT_ADMIN].is_staff = True
    world.users[Role.DISTRICT_ADMIN].save(update_fields=["is_staff"])
    problems: list[str] = []
    for role in dict.fromkeys(role for role, _path, _selector in PAGES):
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"{m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", world.users[role].username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        for page_role, path, selector in PAGES:
            if page_role != role:
                continue
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.wait_for_selector(selector, timeout=10_000)
        context.close()
    assert problems == []
