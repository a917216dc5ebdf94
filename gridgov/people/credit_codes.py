"""Unified social credit codes (统一社会信用代码, GB 32100-2015): checking and building.

18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V, which read
like digits): 1 registration authority, 2 organisation type, 3–8 region code, 9–17 organisation
code, 18 check character. Only the alphabet and the check character are verified; the meaning of
positions 1–17 is not (authorities add types over time).

Pure functions: no database.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from gridgov.people.identity_numbers import IdentifierError, to_halfwidth

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}

# Weight of position i is 3^i mod 31; the check value makes the weighted sum a multiple of 31.
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_CODE = re.compile(f"[{ALPHABET}]{{18}}")


class CreditCodeError(IdentifierError):
    default_field = "credit_code"


def check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters (upper-case, from ALPHABET).

    Raises ValueError if `first17` is not 17 characters of ALPHABET.
    """
    if len(first17) != 17 or any(char not in _VALUE for char in first17):
        raise ValueError("first17 must be 17 characters of the credit-code alphabet")
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    # 31 - (total mod 31), with 31 written as 0: the same as -total mod 31.
    return ALPHABET[-total % 31]


def check_credit_code(text: str) -> str:
    """Check a unified social credit code and return it normalised (ASCII, upper case).

    Raises CreditCodeError with code "required", "wrong_length", "invalid_characters" or
    "wrong_check_character".
    """
    code = to_halfwidth(text or "").strip().upper()
    if not code:
        raise CreditCodeError(code="required", message=_("Enter the unified social credit code."))
    if len(code) != 18:
        raise CreditCodeError(
            code="wrong_length", message=_("A unified social credit code has 18 characters.")
        )
    if not _CODE.fullmatch(code):
        raise CreditCodeError(
            code="invalid_characters",
            message=_(
                "A unified social credit code has only digits and capital letters "
                "other than I, O, S, V and Z."
            ),
        )
    if check_character(code[:17]) != code[17]:
        raise CreditCodeError(
            code="wrong_check_character",
            message=_(
                "The last character of the unified social credit code does not match the others; "
                "check for a typing error."
            ),
        )
    return code


def make_credit_code(first17: str) -> str:
    """`first17` (case-insensitive) with its check character appended.

    Raises ValueError as check_character does.
    """
    first17 = first17.upper()
    return first17 + check_character(first17)
