"""One-time codes: stored as a hash only, sending limits, expiry and wrong tries."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.utils.translation import override

from gridgov.audit.models import AuditEntry, Outcome
from gridgov.people import pii
from gridgov.residents import codes
from gridgov.residents.errors import ResidentError
from gridgov.residents.models import RESIDENT_PHONE, OneTimeCode
from gridgov.residents.testing import last_code

PHONE = "13712345678"
pytestmark = pytest.mark.django_db


def _request(ip="10.0.0.1"):
    return RequestFactory().post("/resident/signin/", REMOTE_ADDR=ip)


def _age(seconds: int) -> None:
    """Move every code `seconds` into the past."""
    for row in OneTimeCode.objects.all():
        OneTimeCode.objects.filter(pk=row.pk).update(
            created_at=row.created_at - timedelta(seconds=seconds),
            expires_at=row.expires_at - timedelta(seconds=seconds),
        )


def test_code_is_sent_and_only_its_hash_is_stored(outbox):
    issued = codes.request_code("+86 137-1234-5678", request=_request())
    code = last_code(PHONE)
    assert len(code) == 6 and code.isdigit()
    assert issued.code_hash == codes.code_hash(pii.index_of(PHONE, RESIDENT_PHONE), code)
    stored = " ".join(str(v) for v in OneTimeCode.objects.values_list().get())
    assert code not in stored and PHONE not in stored
    entry = AuditEntry.objects.get(action="residents.code_request")
    assert entry.details == {"phone": "137****5678"} and entry.outcome == Outcome.OK


def test_invalid_number_names_the_phone_field(outbox):
    with override("en"), pytest.raises(ResidentError) as caught:
        codes.request_code("1371234", request=_request())
    assert caught.value.field == "phone" and "11 digits" in caught.value.message
    assert not OneTimeCode.objects.exists() and outbox == []


def test_one_code_per_number_per_interval(outbox):
    codes.request_code(PHONE, request=_request())
    with override("en"), pytest.raises(ResidentError) as caught:
        codes.request_code(PHONE, request=_request())
    assert caught.value.field == "phone" and caught.value.code == "too_soon"
    assert "Wait" in caught.value.message
    assert OneTimeCode.objects.count() == 1 and len(outbox) == 1
    denied = AuditEntry.objects.get(action="residents.code_request", outcome=Outcome.DENIED)
    assert denied.details == {"phone": "137****5678", "reason": "too_soon"}
    _age(61)
    codes.request_code(PHONE, request=_request())
    assert OneTimeCode.objects.count() == 2


def test_daily_limit_per_number(outbox, settings):
    for _ in range(settings.RESIDENT_CODE_DAILY_LIMIT):
        codes.request_code(PHONE, request=_request())
        _age(61)
    with pytest.raises(ResidentError) as caught:
        codes.request_code(PHONE, request=_request())
    assert caught.value.code == "daily_limit"
    _age(24 * 3600)  # the oldest falls out of the 24 hours
    codes.request_code(PHONE, request=_request())


def test_limit_per_client_address(outbox, settings):
    settings.RESIDENT_CODE_IP_HOURLY_LIMIT = 3
    for n in range(3):
        codes.request_code(f"1371234560{n}", request=_request("10.9.9.9"))
    with pytest.raises(ResidentError) as caught:
        codes.request_code("13712345609", request=_request("10.9.9.9"))
    assert caught.value.field == "phone" and caught.value.code == "ip_limit"
    codes.request_code("13712345609", request=_request("10.9.9.8"))  # another address is served


def test_sender_failure_writes_no_code(settings):
    settings.SMS_SENDER = "gridgov.residents.tests.test_codes.BrokenSender"
    with pytest.raises(ResidentError) as caught:
        codes.request_code(PHONE, request=_request())
    assert caught.value.code == "not_sent" and not OneTimeCode.objects.exists()


class BrokenSender:
    def send(self, phone, text):
        from gridgov.residents.sms import SmsError

        raise SmsError("gateway down")


def _check(code_text):
    index = pii.index_of(PHONE, RESIDENT_PHONE)
    return codes.check_code(index, code_text)


def test_right_code_passes_and_expired_code_does_not(outbox):
    codes.request_code(PHONE, request=_request())
    issued, error = _check(last_code(PHONE))
    assert error is None and issued is not None
    _age(301)
    issued, error = _check(last_code(PHONE))
    assert issued is None and error.field == "code" and error.code == "expired"


def test_five_wrong_tries_void_the_code(outbox, settings):
    codes.request_code(PHONE, request=_request())
    right = last_code(PHONE)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    for _ in range(settings.RESIDENT_CODE_MAX_TRIES):
        issued, error = _check(wrong)
        assert issued is None and error.code == "wrong" and error.field == "code"
    assert OneTimeCode.objects.get().failed_tries == settings.RESIDENT_CODE_MAX_TRIES
    issued, error = _check(right)  # even the right code is refused now
    assert issued is None and error.code == "expired"


def test_malformed_code_is_not_counted(outbox):
    codes.request_code(PHONE, request=_request())
    _issued, error = _check("12a4")
    assert error.code == "format" and OneTimeCode.objects.get().failed_tries == 0


def test_only_the_newest_code_counts(outbox):
    codes.request_code(PHONE, request=_request())
    first = last_code(PHONE)
    _age(61)
    codes.request_code(PHONE, request=_request())
    second = last_code(PHONE)
    if first != second:
        assert _check(first)[0] is None
    assert _check(second)[0] is not None
    assert timezone.now() < OneTimeCode.objects.latest("created_at").expires_at


def test_purge_deletes_only_codes_past_every_limit(outbox):
    from io import StringIO

    from django.core.management import call_command

    codes.request_code(PHONE, request=_request())
    _age(3 * 24 * 3600)
    codes.request_code(PHONE, request=_request())
    out = StringIO()
    call_command("purge_signin_codes", stdout=out)
    assert out.getvalue().strip() == "deleted: 1" and OneTimeCode.objects.count() == 1
