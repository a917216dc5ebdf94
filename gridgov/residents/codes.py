"""One-time sign-in codes: issuing one (with its sending limits) and checking one.

A code is 6 digits, valid RESIDENT_CODE_TTL_SECONDS, void after RESIDENT_CODE_MAX_TRIES wrong
tries; only the newest unused code of a number counts. The database keeps an HMAC of the code
under the index key, bound to the number's keyed hash: neither the code nor the number is stored.
Concurrent requests for one number queue on its PhoneLock row.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit.log import client_ip, record
from gridgov.audit.models import Outcome
from gridgov.people import crypto, pii
from gridgov.people.identity_numbers import IdentifierError
from gridgov.people.phones import check_mobile, mask_mobile
from gridgov.residents.errors import ResidentError
from gridgov.residents.models import RESIDENT_PHONE, OneTimeCode, PhoneLock
from gridgov.residents.sms import SmsError, configured_sender

CODE_DIGITS = 6
_CODE_CONTEXT = "residents.signin.code"
_CODE_RE = re.compile(r"\d{6}", re.ASCII)


def checked_phone(text: str) -> tuple[str, str]:
    """The canonical number and its keyed hash; ResidentError on field "phone" if invalid."""
    try:
        phone = check_mobile(text)
    except IdentifierError as exc:
        raise ResidentError("phone", exc.message, exc.code) from None
    return phone, pii.index_of(phone, RESIDENT_PHONE)


def lock_phone(phone_index: str) -> None:
    """Hold the number's lock until the transaction ends (call inside transaction.atomic)."""
    PhoneLock.objects.get_or_create(phone_index=phone_index)
    PhoneLock.objects.select_for_update().get(phone_index=phone_index)


def code_hash(phone_index: str, code: str) -> str:
    return crypto.blind_index(
        f"{phone_index}.{code}", key=crypto.configured_index_key(), context=_CODE_CONTEXT
    )


def _check_limits(phone_index: str, ip: str | None) -> None:
    now = timezone.now()
    codes = OneTimeCode.objects.filter(phone_index=phone_index)
    last = codes.order_by("-created_at").values_list("created_at", flat=True).first()
    interval = timedelta(seconds=settings.RESIDENT_CODE_INTERVAL_SECONDS)
    if last is not None and now - last < interval:
        wait = int((last + interval - now).total_seconds()) + 1
        raise ResidentError(
            "phone",
            _("A code was just sent to this number. Wait %(seconds)s seconds before asking again.")
            % {"seconds": wait},
            "too_soon",
        )
    if codes.filter(created_at__gte=now - timedelta(days=1)).count() >= settings.RESIDENT_CODE_DAILY_LIMIT:
        raise ResidentError(
            "phone", _("This number has asked for too many codes today. Try again tomorrow."), "daily_limit"
        )
    if ip is not None:
        from_ip = OneTimeCode.objects.filter(client_ip=ip, created_at__gte=now - timedelta(hours=1)).count()
        if from_ip >= settings.RESIDENT_CODE_IP_HOURLY_LIMIT:
            raise ResidentError(
                "phone",
                _("Too many codes were asked for from this network. Try again in an hour."),
                "ip_limit",
            )


def request_code(phone_text: str, *, request=None) -> OneTimeCode:
    """Issue a new code for the number and send it by SMS.

    Raises ResidentError (field "phone") for an invalid number, a limit reached (too soon, too
    many today, too many from this address) or a sender failure; a refusal writes no code.
    """
    phone, phone_index = checked_phone(phone_text)
    masked = mask_mobile(phone)
    ip = client_ip(request)
    try:
        with transaction.atomic():
            lock_phone(phone_index)
            _check_limits(phone_index, ip)
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            now = timezone.now()
            issued = OneTimeCode.objects.create(
                phone_index=phone_index,
                code_hash=code_hash(phone_index, code),
                client_ip=ip,
                created_at=now,
                expires_at=now + timedelta(seconds=settings.RESIDENT_CODE_TTL_SECONDS),
            )
            record("residents.code_request", request=request, target=issued, details={"phone": masked})
            text = _(
                "Your gridgov sign-in code is %(code)s, valid for %(minutes)s minutes. Do not share it."
            ) % {"code": code, "minutes": max(1, settings.RESIDENT_CODE_TTL_SECONDS // 60)}
            try:
                configured_sender().send(phone, text)
            except SmsError:
                raise ResidentError(
                    "phone", _("The code could not be sent. Try again in a few minutes."), "not_sent"
                ) from None
    except ResidentError as exc:
        record(
            "residents.code_request",
            request=request,
            outcome=Outcome.DENIED,
            details={"phone": masked, "reason": exc.code},
        )
        raise
    return issued


def check_code(phone_index: str, code_text: str) -> tuple[OneTimeCode | None, ResidentError | None]:
    """The newest unused code of the number if `code_text` matches it, else the error to show.

    Call inside transaction.atomic with the number's lock held. A wrong code counts a try on
    the row (the caller must let the transaction commit before raising); a right one is not yet
    consumed (see consume).
    """
    code_text = (code_text or "").strip()
    if not _CODE_RE.fullmatch(code_text):
        return None, ResidentError("code", _("Enter the 6-digit code from the text message."), "format")
    issued = OneTimeCode.objects.filter(phone_index=phone_index, used_at=None).order_by("-created_at").first()
    if (
        issued is None
        or issued.expires_at <= timezone.now()
        or issued.failed_tries >= settings.RESIDENT_CODE_MAX_TRIES
    ):
        return None, ResidentError(
            "code",
            _("This code has expired or was entered wrongly too often. Ask for a new code."),
            "expired",
        )
    if not hmac.compare_digest(issued.code_hash, code_hash(phone_index, code_text)):
        issued.failed_tries += 1
        issued.save(update_fields=["failed_tries"])
        left = settings.RESIDENT_CODE_MAX_TRIES - issued.failed_tries
        if left <= 0:
            message = _("The code is wrong. It is now void: ask for a new code.")
        else:
            message = _("The code is wrong. %(left)s tries left.") % {"left": left}
        return None, ResidentError("code", message, "wrong")
    return issued, None


def consume(issued: OneTimeCode) -> None:
    """Mark the code used (it cannot sign in twice)."""
    issued.used_at = timezone.now()
    issued.save(update_fields=["used_at"])


def purge_old_codes(*, older_than: timedelta = timedelta(days=2)) -> int:
    """Delete the codes older than every limit looks back (default 2 days); returns how many."""
    deleted, _by_model = OneTimeCode.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
