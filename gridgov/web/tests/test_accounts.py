"""API token page and the TOTP second factor for staff."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from gridgov.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_token_create_shows_key_once_and_is_audited(client, street_admin):
    client.force_login(street_admin)
    page = client.get("/accounts/token/", HTTP_ACCEPT_LANGUAGE="en")
    assert "You have no API token" in page.content.decode()
    response = client.post("/accounts/token/", {"action": "issue"})
    token = Token.objects.get(user=street_admin)
    assert token.key in response.content.decode()
    assert token.key not in client.get("/accounts/token/").content.decode()
    entry = AuditEntry.objects.get(action="api.token_create")
    assert entry.actor_name == "street"


def test_token_regenerate_replaces_the_key(client, street_admin):
    client.force_login(street_admin)
    client.post("/accounts/token/", {"action": "issue"})
    old = Token.objects.get(user=street_admin).key
    client.post("/accounts/token/", {"action": "issue"})
    assert Token.objects.get(user=street_admin).key != old
    assert AuditEntry.objects.filter(action="api.token_create", details__replaced=True).count() == 1


def test_token_revoke_is_audited(client, street_admin):
    client.force_login(street_admin)
    client.post("/accounts/token/", {"action": "issue"})
    response = client.post("/accounts/token/", {"action": "revoke"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=street_admin).exists()
    assert AuditEntry.objects.filter(action="api.token_revoke", actor_name="street").count() == 1


def test_token_bad_action_changes_nothing(client, street_admin):
    client.force_login(street_admin)
    client.post("/accounts/token/", {"action": "explode"})
    assert not Token.objects.filter(user=street_admin).exists()
    assert not AuditEntry.objects.filter(action__startswith="api.token").exists()


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_staff_enrols_totp_then_reaches_home(client, district_admin, settings):
    settings.REQUIRE_2FA = True
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _enrol(client, district_admin, traveller)


def _enrol(client, district_admin, traveller):
    client.force_login(district_admin)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/"
    # Pages under /accounts/ are open to the middleware, so the token page checks on its own.
    assert client.get("/accounts/token/")["Location"] == "/accounts/otp/"

    enrol = client.get("/accounts/otp/")
    body = enrol.content.decode()
    assert "<svg" in body
    device = TOTPDevice.objects.get(user=district_admin, confirmed=False)
    secret = re.search(r"data-otp-secret>([A-Z2-7]+)<", body).group(1)
    assert len(secret) >= 16

    wrong_code = "000000" if _current_code(device) != "000000" else "111111"
    wrong = client.post("/accounts/otp/", {"code": wrong_code})
    assert wrong.status_code == 200
    assert AuditEntry.objects.filter(action="access.otp_verify", outcome="failed").exists()

    device.refresh_from_db()
    throttled = client.post("/accounts/otp/", {"code": _current_code(device)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many wrong codes" in throttled.content.decode()
    traveller.shift(timedelta(seconds=5))  # django-otp's back-off after one wrong code is 1 s
    response = client.post("/accounts/otp/", {"code": _current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="access.otp_enrol").exists()


def test_confirmed_device_asks_for_code_only(client, district_admin, settings):
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=district_admin, name="phone", confirmed=True)
    client.force_login(district_admin)
    body = client.get("/accounts/otp/").content.decode()
    assert "<svg" not in body
    response = client.post("/accounts/otp/", {"code": _current_code(device)})
    assert response.status_code == 302
    assert client.get("/map/").status_code == 200


def test_resident_is_not_asked_for_a_second_factor(client, resident, settings):
    settings.REQUIRE_2FA = True
    client.force_login(resident)
    assert client.get("/").status_code == 200
    assert client.get("/accounts/otp/").status_code == 302
    assert not TOTPDevice.objects.filter(user=resident).exists()
