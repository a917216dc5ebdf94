"""Pages render for the roles that may see them; others get an audited 403."""

import pytest
from django.contrib.auth import get_user_model

from gridgov.access.models import Department
from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.web.tests.builders import make_user

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_district_admin_navigation_and_home(client, district_admin):
    client.force_login(district_admin)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    links = ("/map/", "/units/", "/accounts/token/", "/api/docs/", "/admin/")
    for link in (f'href="{url}"' for url in links):
        assert link in body
    assert 'href="/audit/"' not in body  # the audit log is the auditor's
    assert "District administrator" in body
    assert "Test District" in body  # the English name in English


def test_auditor_home_links_the_audit_log_and_has_no_map(client, auditor):
    client.force_login(auditor)
    body = client.get("/").content.decode()
    assert 'href="/audit/"' in body
    assert 'href="/map/"' not in body
    assert 'data-stat="grids"' not in body


def test_auditor_is_denied_the_map_with_an_audit_entry(client, auditor):
    client.force_login(auditor)
    response = client.get("/map/")
    assert response.status_code == 403
    assert "403" in response.content.decode()
    entry = AuditEntry.objects.filter(action="access.denied").latest("id")
    assert entry.outcome == "denied"
    assert entry.actor_name == "auditor"
    assert entry.details == {"permission": "geo.view_units", "path": "/map/"}


def test_resident_home_shows_their_grid_and_no_token_page(client, resident):
    client.force_login(resident)
    body = client.get("/").content.decode()
    assert "1-2-1网格" in body
    assert 'href="/units/150502001002001/"' in body
    assert 'href="/accounts/token/"' not in body
    assert 'data-stat="grids"' not in body  # no street/community counts for a one-grid jurisdiction
    response = client.get("/accounts/token/")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="access.denied", details__permission="api.use_token").exists()


def test_department_handler_home_shows_the_department(client, district):
    department = Department.objects.create(
        code="cg", name_zh="城市管理局", name_en="Urban management", org_unit=district
    )
    handler = make_user("handler", (Role.DEPARTMENT_HANDLER, department))
    client.force_login(handler)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "城市管理局" in body


def test_home_counts_are_scoped_to_the_jurisdiction(client, district_admin, street_admin):
    client.force_login(district_admin)
    summary = client.get("/").context["summary"]
    assert (summary.streets, summary.communities, summary.grids) == (2, 4, 8)
    client.force_login(street_admin)
    summary = client.get("/").context["summary"]
    # The street itself is the jurisdiction root: no streets below it, 2 communities, 4 grids.
    assert (summary.streets, summary.communities, summary.grids) == (1, 2, 4)
    assert summary.area_m2 == pytest.approx(get_unit_area("150502001"))


def get_unit_area(code):
    from gridgov.geo.models import OrgUnit

    return OrgUnit.objects.get(code=code).area_m2


def test_map_page_carries_the_api_contract_and_no_inline_script(client, street_admin, settings):
    client.force_login(street_admin)
    response = client.get("/map/?unit=150502001")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-geojson-url="/api/v1/geojson/"' in body
    assert 'data-focus="150502001"' in body
    assert 'data-tile-url=""' in body
    assert "<script>" not in body  # CSP: script-src 'self', no inline code
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_language_switch_changes_html_lang(client, district_admin):
    client.force_login(district_admin)
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Log out" in body


def test_login_page_and_login(client, district_admin):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    assert "After 5 failed attempts the account is locked for 30 minutes" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "admin", "password": "Grid-Test-2024!"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_logout_is_a_post(client, district_admin):
    client.force_login(district_admin)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_fifth_failed_login_locks_the_account(client, district_admin):
    for _attempt in range(5):
        response = client.post("/accounts/login/", {"username": "admin", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 429
    assert "30" in body
    # Even the right password is refused while locked.
    response = client.post("/accounts/login/", {"username": "admin", "password": "Grid-Test-2024!"})
    assert response.status_code == 429


def test_admin_link_only_for_staff(client, street_admin):
    client.force_login(street_admin)
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_superuser_without_memberships_sees_home(client, db):
    root = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(root)
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/admin/"' in response.content.decode()


def test_the_inbox_is_in_the_navigation_with_the_unread_count(client, district_admin):
    from gridgov.inbox.services import notify

    client.force_login(district_admin)
    assert 'href="/inbox/"' in client.get("/").content.decode()
    notify([district_admin], kind="test", title="A message")
    page = client.get("/").content.decode()
    assert 'text-bg-danger ms-auto">1</span>' in page


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("web/favicon.svg")


def test_an_unscheduled_year_is_announced_to_those_who_set_deadlines(
    client, district_admin, resident, time_machine
):
    time_machine.move_to("2026-11-25 10:00 +08:00")  # the library knows 2026, not 2027
    client.force_login(district_admin)
    assert "gg-calendar-warning" in client.get("/").content.decode()
    client.force_login(resident)
    assert "gg-calendar-warning" not in client.get("/").content.decode()
