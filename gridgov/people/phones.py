"""Mainland China mobile numbers: checking and masking.

A mobile number has 11 digits starting 13–19. Numbers are often written with a country prefix
("+86", "86", "0086") and grouped with spaces or hyphens; those are accepted and dropped.

Pure functions: no database.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from gridgov.people.identity_numbers import IdentifierError, to_halfwidth

_SEPARATORS = re.compile(r"[\s\-]+")
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)


class PhoneError(IdentifierError):
    default_field = "phone"


def _digits(text: str) -> str:
    """The number without separators and country prefix (not yet checked)."""
    value = _SEPARATORS.sub("", to_halfwidth(text or ""))
    if value.startswith("+86"):
        return value[3:]
    # Without "+", strip a prefix only where it leaves 11 digits: "86…" could otherwise be a typo.
    if value.startswith("0086") and len(value) == 15:
        return value[4:]
    if value.startswith("86") and len(value) == 13:
        return value[2:]
    return value


def check_mobile(text: str) -> str:
    """Check a mainland mobile number and return its 11 digits.

    Raises PhoneError with code "required", "invalid_characters", "wrong_length" or "not_mobile".
    """
    value = _digits(text)
    if not value:
        raise PhoneError(code="required", message=_("Enter the mobile phone number."))
    if not value.isascii() or not value.isdigit():
        raise PhoneError(
            code="invalid_characters",
            message=_("A mobile phone number has only digits (spaces, hyphens and +86 are allowed)."),
        )
    if len(value) != 11:
        raise PhoneError(code="wrong_length", message=_("A mobile phone number has 11 digits."))
    if not _MOBILE.fullmatch(value):
        raise PhoneError(
            code="not_mobile",
            message=_("A mainland mobile phone number starts with 13 to 19."),
        )
    return value


def mask_mobile(number: str) -> str:
    """A mobile number with its first 3 and last 4 digits visible: "138****5678".

    A value that is not a mobile number is masked completely, so nothing malformed shows more.
    """
    value = _digits(number)
    if _MOBILE.fullmatch(value):
        return value[:3] + "****" + value[-4:]
    return "*" * len(value)
