"""Sign-up and sign-in by mobile number through the pages."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.test import Client

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.people import pii
from gridgov.residents import codes, signin
from gridgov.residents.errors import ResidentError
from gridgov.residents.models import RESIDENT_PHONE, OneTimeCode, ResidentProfile
from gridgov.residents.testing import last_code

PHONE = "15912345678"
URL = "/resident/signin/"


def _ask_code(client, phone=PHONE, **extra):
    return client.post(
        URL, {"step": "phone", "phone": phone, "agree": "on", **extra}, HTTP_ACCEPT_LANGUAGE="en"
    )


def _enter_code(client, code, phone=PHONE, name="", **extra):
    data = {"step": "code", "phone": phone, "code": code, "display_name": name, **extra}
    return client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")


def _age_codes():
    OneTimeCode.objects.update(created_at=F("created_at") - timedelta(minutes=2))


@pytest.mark.django_db
def test_anonymous_me_goes_to_sign_in_keeping_next(world):
    response = Client().get("/resident/?next=/r/mine/")
    assert response.status_code == 302 and response["Location"] == f"{URL}?next=%2Fr%2Fmine%2F"


@pytest.mark.django_db
def test_new_number_signs_up_once_and_signs_in_after(world, outbox):
    client = Client()
    response = _ask_code(client)
    assert response.status_code == 200 and "159****5678" in response.content.decode()
    assert PHONE not in response.content.decode().replace(f'value="{PHONE}"', "")  # only in the hidden field
    response = _enter_code(client, last_code(PHONE), name="林 小红")
    assert response.status_code == 302 and response["Location"] == "/r/"

    profile = ResidentProfile.objects.select_related("user").get()
    user = profile.user
    assert PHONE not in user.username and PHONE[-4:] not in user.username
    assert not user.has_usable_password()
    assert profile.phone_index == pii.index_of(PHONE, RESIDENT_PHONE)
    assert pii.unseal(profile.phone_token, RESIDENT_PHONE) == PHONE
    assert profile.phone_masked == "159****5678" and profile.display_name == "林 小红"
    assert profile.privacy_agreed_at is not None
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.RESIDENT and membership.org_unit.code == "150502"
    assert membership.org_unit.parent is None
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEntry.objects.filter(action="residents.sign_up", actor=user).count() == 1

    # The same number again: a sign-in into the same account, no name needed.
    other = Client()
    _age_codes()
    _ask_code(other)
    response = _enter_code(other, last_code(PHONE), next="/r/mine/")
    assert response.status_code == 302 and response["Location"] == "/r/mine/"
    assert (
        ResidentProfile.objects.count() == 1
        and get_user_model().objects.filter(resident__isnull=False).count() == 1
    )
    assert int(other.session["_auth_user_id"]) == user.pk
    sign_ins = AuditEntry.objects.filter(action="residents.sign_in", actor=user).order_by("pk")
    assert [e.details["new"] for e in sign_ins] == [True, False]
    assert all(e.details["phone"] == "159****5678" for e in sign_ins)


@pytest.mark.django_db
def test_code_cannot_sign_in_twice(world, outbox):
    _ask_code(Client())
    code = last_code(PHONE)
    assert _enter_code(Client(), code, name="甲").status_code == 302
    response = _enter_code(Client(), code)
    assert response.status_code == 200 and "has expired" in response.content.decode()


@pytest.mark.django_db
def test_new_number_needs_a_name_and_the_code_stays_valid(world, outbox):
    client = Client()
    _ask_code(client)
    code = last_code(PHONE)
    response = _enter_code(client, code, name="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"] == [
        "Enter the name other residents and staff see."
    ]
    assert not ResidentProfile.objects.exists() and OneTimeCode.objects.get().failed_tries == 0
    assert _enter_code(client, code, name="王芳").status_code == 302
    assert ResidentProfile.objects.get().display_name == "王芳"


@pytest.mark.django_db
def test_wrong_code_is_shown_on_the_code_field_and_audited(world, outbox):
    client = Client()
    _ask_code(client)
    wrong = f"{(int(last_code(PHONE)) + 1) % 1000000:06d}"
    response = _enter_code(client, wrong, name="王芳")
    assert response.context["form"].errors["code"] == ["The code is wrong. 4 tries left."]
    assert "_auth_user_id" not in client.session and not ResidentProfile.objects.exists()
    failed = AuditEntry.objects.get(action="residents.sign_in")
    assert failed.outcome == "failed" and failed.details == {"phone": "159****5678", "reason": "wrong"}


@pytest.mark.django_db
def test_privacy_notice_must_be_agreed_before_a_code_is_sent(world, outbox):
    response = Client().post(URL, {"step": "phone", "phone": PHONE}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["agree"] == ["Agree to the privacy notice to continue."]
    assert outbox == [] and not OneTimeCode.objects.exists()


@pytest.mark.django_db
def test_bad_number_error_is_next_to_the_phone_field(world, outbox):
    response = _ask_code(Client(), phone="12345")
    assert response.context["form"].errors["phone"] == ["A mobile phone number has 11 digits."]
    zh = Client().post(
        URL, {"step": "phone", "phone": "12345", "agree": "on"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert zh.context["form"].errors["phone"] != ["A mobile phone number has 11 digits."]


@pytest.mark.django_db
def test_foreign_next_is_ignored(world, outbox):
    client = Client()
    _ask_code(client)
    response = _enter_code(client, last_code(PHONE), name="甲", next="https://evil.example/")
    assert response["Location"] == "/r/"


@pytest.mark.django_db
def test_staff_login_links_to_resident_sign_in_and_back(world):
    staff_page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/resident/signin/"' in staff_page and "Residents: sign in with your mobile" in staff_page
    resident_page = Client().get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/accounts/login/"' in resident_page


@pytest.mark.django_db
def test_sign_out(world, outbox):
    client = Client()
    _ask_code(client)
    _enter_code(client, last_code(PHONE), name="甲")
    response = client.post("/resident/logout/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_make_one_account(outbox):
    from gridgov.access.testing import build_units

    build_units()
    codes.request_code(PHONE)
    code = last_code(PHONE)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            outcomes.append(signin.sign_in(PHONE, code, display_name="并发").created)
        except ResidentError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == sorted([True, "expired"], key=str)
    assert ResidentProfile.objects.count() == 1
