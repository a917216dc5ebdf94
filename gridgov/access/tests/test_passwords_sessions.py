"""Password policy, the idle session timeout and the password hasher of the real settings."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.geo.models import Kind, Level, OrgUnit

PASSWORD = "Grid-Test-2024!"


def _messages(password: str) -> list[str]:
    try:
        with translation.override("en"):
            validate_password(password)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return []


def test_too_short_password_names_the_length_rule():
    messages = _messages("Ab1!xyz")
    assert any("at least 10 characters" in m for m in messages)


def test_two_character_classes_name_the_mix_rule():
    messages = _messages("onlylowercase2024")
    assert any("at least 3 of" in m for m in messages)


def test_good_password_passes():
    assert _messages("Keerqin-Grid-42") == []


def test_argon2_is_the_first_hasher_in_the_real_settings():
    from gridgov import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.fixture
def grid_worker(db):
    district = OrgUnit.objects.create(
        code="150502", level=Level.DISTRICT, kind=Kind.DISTRICT, name_zh="科尔沁区", path="150502"
    )
    street = OrgUnit.objects.create(
        code="150502001",
        parent=district,
        level=Level.STREET,
        kind=Kind.SUBDISTRICT,
        name_zh="团结街道",
        path="150502.001",
    )
    user = get_user_model().objects.create_user("worker", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.STREET_ADMIN, org_unit=street)
    return user


def _log_in(client) -> None:
    response = client.post("/accounts/login/", {"username": "worker", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_session_expires_after_30_idle_minutes(client, grid_worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _log_in(client)
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_each_request_renews_the_idle_timeout(client, grid_worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _log_in(client)
        for _step in range(3):  # 87 minutes signed in, never idle for 30
            traveller.shift(timedelta(minutes=29))
            assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert client.get("/").status_code == 302
