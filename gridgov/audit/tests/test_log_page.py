"""The auditor's page: who may open it, the filters, paging, CSV export — and that its use is audited."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gridgov.audit.log import record
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.audit.tests.builders import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("audit_pages")]

URL = "/audit/"


@pytest.fixture
def auditor(client):
    user = make_user("auditor.sun", role="auditor")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages checked below are the English ones
    return user


def _shown(response) -> list[str]:
    return [entry.action for entry in response.context["page"].object_list]


def test_an_auditor_sees_entries_newest_first_and_the_view_is_audited(client, auditor):
    record("case.dispatch", target_type="cases.case", target_id="7", target_repr="150502-20261124-00007")
    record("auth.login_failed", outcome=Outcome.FAILED, details={"username": "x"})
    response = client.get(URL)
    assert response.status_code == 200
    shown = _shown(response)
    assert shown.index("auth.login_failed") < shown.index("case.dispatch")
    assert "150502-20261124-00007" in response.content.decode()
    view = AuditEntry.objects.filter(action="audit.view").latest("id")
    assert (view.actor_id, view.roles, view.details) == (auditor.id, "auditor", {"filters": {}, "page": 1})


def test_filters_narrow_the_rows_and_are_recorded(client, auditor):
    worker = make_user("wang.fang", role="grid_worker")
    case = {"target_type": "cases.case"}
    record("case.dispatch", actor=worker, target_id="7", target_repr="井盖缺失 Huolinhe", **case)
    record("case.dispatch", actor=worker, target_id="8", target_repr="路灯不亮", **case)
    record("case.close", target_type="cases.case", target_id="7")
    record("auth.login_failed", outcome=Outcome.FAILED, details={"username": "wang.fang"})
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        old = record("case.close", target_type="cases.case", target_id="9")

    assert _shown(client.get(URL, {"action": "case.dispatch", "actor": "wang.fang"})) == ["case.dispatch"] * 2
    by_target = client.get(URL, {"target_type": "cases.case", "target_id": "7"})
    assert _shown(by_target) == ["case.close", "case.dispatch"]
    assert _shown(client.get(URL, {"q": "井盖"})) == ["case.dispatch"]
    assert _shown(client.get(URL, {"outcome": "failed"})) == ["auth.login_failed"]
    # The auditor's own sign-in (force_login) is an auth event too.
    assert _shown(client.get(URL, {"action": "auth."})) == ["auth.login_failed", "auth.login"]
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    recent = client.get(URL, {"action": "case.close", "date_from": yesterday, "date_to": today})
    assert _shown(recent) == ["case.close"]
    older = client.get(URL, {"action": "case.close", "date_to": today - timedelta(days=30)})
    assert [e.pk for e in older.context["page"].object_list] == [old.pk]
    view = AuditEntry.objects.filter(action="audit.view").latest("id")
    assert view.details["filters"] == {"action": "case.close", "date_to": str(today - timedelta(days=30))}


def test_a_bad_date_is_a_field_error_and_shows_nothing(client, auditor):
    record("case.dispatch")
    response = client.get(URL, {"date_from": "2026-13-45"})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors["date_from"] == ["Enter a valid date."]
    reversed_range = client.get(URL, {"date_from": "2026-11-24", "date_to": "2026-11-01"})
    assert reversed_range.context["form"].errors["date_to"] == ["The end date is before the start date."]


def test_pages_hold_fifty_entries(client, auditor):
    for i in range(60):
        record("patrol.visit", target_id=str(i))
    first = client.get(URL, {"action": "patrol.visit"})
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(URL, {"action": "patrol.visit", "page": 2})
    assert [e.target_id for e in second.context["page"].object_list] == [str(i) for i in range(9, -1, -1)]


def test_export_writes_the_filtered_rows_as_csv_and_is_audited(client, auditor):
    record("case.dispatch", target_repr='=HYPERLINK("http://x")')
    record("case.close", target_repr="closed one")
    response = client.get(URL, {"action": "case.dispatch", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == ["id", "seq", "time", "account", "roles", "action"]
    assert [row[5] for row in rows[1:]] == ["case.dispatch"]
    assert rows[1][8] == '\'=HYPERLINK("http://x")'  # a formula is neutralised for spreadsheets
    export = AuditEntry.objects.get(action="audit.export")
    assert (export.actor_id, export.details) == (auditor.id, {"filters": {"action": "case.dispatch"}})


def test_anyone_without_the_permission_gets_403_and_the_denial_is_recorded(client):
    admin = make_user("district.admin", role="district_admin")
    client.force_login(admin)
    response = client.get(URL, {"export": "csv"}, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 403
    denied = AuditEntry.objects.get(action="access.denied")
    assert (denied.actor_id, denied.outcome, denied.client_ip) == (admin.id, Outcome.DENIED, "10.0.0.8")
    assert denied.details == {"permission": "audit.view_log", "path": URL}
    assert not AuditEntry.objects.filter(action__in=["audit.view", "audit.export"]).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_shows_what_it_counted_before_its_own_view_entry(client, auditor):
    for i in range(3):
        record("case.dispatch", target_id=str(i))
    response = client.get(URL)  # counted: 3 dispatches and the auditor's sign-in
    page = response.context["page"]
    assert page.paginator.count == 4
    assert [e.action for e in page.object_list] == ["case.dispatch"] * 3 + ["auth.login"]
