"""Sign-in events reach the audit log: login, logout, failed login and the lockout after it."""

import json

import pytest

from gridgov.audit.models import AuditEntry, Outcome
from gridgov.audit.tests.builders import PASSWORD, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_pages")]

LOGIN = "/accounts/login/"


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_login_and_logout_are_recorded_with_the_client_address(client):
    user = make_user("wang.fang", role="grid_worker")
    response = client.post(LOGIN, {"username": "wang.fang", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    (login,) = _entries("auth.login")
    assert (login.actor_id, login.actor_name, login.roles) == (user.id, "wang.fang", "grid_worker")
    assert (login.outcome, login.client_ip) == (Outcome.OK, "10.1.2.3")
    assert login.is_sealed  # sealed right after the request committed

    client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    (logout,) = _entries("auth.logout")
    assert (logout.actor_id, logout.outcome) == (user.id, Outcome.OK)


def test_failed_login_records_the_username_never_the_password(client):
    make_user("li.na")
    wrong = {"username": "li.na", "password": "Wrong-Password-1"}
    response = client.post(LOGIN, wrong, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    (failed,) = _entries("auth.login_failed")
    assert (failed.outcome, failed.details, failed.actor_id) == (Outcome.FAILED, {"username": "li.na"}, None)
    assert (failed.actor_name, failed.client_ip) == ("li.na", "10.9.9.9")
    stored = " ".join(json.dumps([e.details, e.target_repr]) for e in AuditEntry.objects.all())
    assert "Wrong-Password-1" not in stored


def test_lockout_after_five_failures_refuses_even_the_right_password(client, settings):
    assert settings.AXES_ENABLED is not False and settings.AXES_FAILURE_LIMIT == 5
    make_user("zhao.lei")
    for _ in range(5):
        client.post(LOGIN, {"username": "zhao.lei", "password": "Wrong-Password-1"})
    assert len(_entries("auth.login_failed")) == 5
    (locked,) = _entries("auth.locked_out")
    assert (locked.outcome, locked.details) == (Outcome.DENIED, {"username": "zhao.lei"})

    response = client.post(LOGIN, {"username": "zhao.lei", "password": PASSWORD})
    assert response.status_code != 302
    assert "_auth_user_id" not in client.session
    assert _entries("auth.login") == []
    assert len(_entries("auth.locked_out")) == 2
