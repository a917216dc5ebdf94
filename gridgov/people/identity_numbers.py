"""Chinese resident identity numbers (GB 11643-1999): checking, legacy upgrade, building and masking.

An 18-character number reads: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit
sequence (odd for men, even for women), and a check character computed with ISO 7064 MOD 11-2.
Numbers issued before 1999 have 15 digits (region, YYMMDD in the 1900s, sequence) and are
upgraded here to the 18-character form.

Region codes: only the two-digit provincial-level prefix is checked against the 34 provinces,
regions, municipalities and special administrative regions. A full list of county codes is not
shipped (it changes every year and old numbers keep retired codes), so any four digits after a
valid province are accepted except "0000", which names a province itself and never a person's
place of registration.

Pure functions: no database. Errors carry a code per reason and a translatable message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Provincial-level codes (first two digits), GB/T 2260.
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82"]
)

EARLIEST_BIRTH = date(1900, 1, 1)

# ISO 7064 MOD 11-2 as GB 11643 writes it: weight of position i is 2^(17-i) mod 11, and the
# remainder of the weighted sum picks the check character from this string.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

# re.ASCII: without it \d also matches digits of other scripts, which int() would then read.
_NUMBER_18 = re.compile(r"\d{17}[\dX]", re.ASCII)
_NUMBER_15 = re.compile(r"\d{15}", re.ASCII)

# Full-width digits and Latin letters (U+FF10.., U+FF21.., U+FF41..) and the ideographic space are
# what Chinese input methods type; other look-alikes (superscripts, other scripts' digits) stay as
# they are so that they are reported rather than silently read as digits.
_HALFWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(ord("a") + i) for i in range(26)},
        "\u3000": " ",
        "\uff0b": "+",
        "\uff0d": "-",
    }
)

Sex = Literal["male", "female"]


class IdentifierError(ValueError):
    """An identifier (ID number, credit code, phone) that cannot be accepted.

    `field` names the input, `code` the reason (stable, for programs), `message` says it to the
    user (translatable, rendered in the language active when shown).
    """

    default_field = "identifier"

    def __init__(self, *, code: str, message: Any, field: str | None = None) -> None:
        super().__init__(code)
        self.field = field or self.default_field
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class IdNumberError(IdentifierError):
    default_field = "id_number"


@dataclass(frozen=True)
class IdNumber:
    number: str  # 18 characters, check character "X" in upper case
    region: str  # 6 digits
    birth_date: date
    sex: Sex
    upgraded_from_legacy: bool  # given as a 15-digit number


def to_halfwidth(text: str) -> str:
    """Full-width digits, Latin letters, plus, hyphen and space as their ASCII forms."""
    return text.translate(_HALFWIDTH)


def check_digit(first17: str) -> str:
    """The GB 11643 check character ("0"–"9" or "X") of the first 17 digits.

    Raises ValueError if `first17` is not exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("first17 must be 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def check_id_number(text: str, *, today: date | None = None) -> IdNumber:
    """Check an 18- or 15-digit ID number and return it normalised to 18 characters.

    Surrounding whitespace is ignored, full-width characters are read as ASCII and a final "x"
    as "X". `today` (default: today in TIME_ZONE) bounds the birth date.
    Raises IdNumberError with code "required", "wrong_length", "invalid_characters",
    "unknown_province", "unknown_region", "invalid_birth_date", "birth_date_too_early",
    "birth_date_in_future" or "wrong_check_digit".
    """
    number = to_halfwidth(text or "").strip().upper()
    if not number:
        raise IdNumberError(code="required", message=_("Enter the ID number."))
    if len(number) not in (15, 18):
        raise IdNumberError(
            code="wrong_length",
            message=_("An ID number has 18 characters (or 15 digits if issued before 1999)."),
        )
    legacy = len(number) == 15
    if not (_NUMBER_15 if legacy else _NUMBER_18).fullmatch(number):
        raise IdNumberError(
            code="invalid_characters",
            message=_("An ID number has only digits, and may end with the letter X."),
        )
    _check_region(number[:6])
    birth = _birth_date("19" + number[6:12] if legacy else number[6:14], today)
    if legacy:
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_digit(first17)
    elif check_digit(number[:17]) != number[17]:
        raise IdNumberError(
            code="wrong_check_digit",
            message=_(
                "The last character of the ID number does not match the others; check for a typing error."
            ),
        )
    return IdNumber(
        number=number,
        region=number[:6],
        birth_date=birth,
        sex="male" if int(number[16]) % 2 else "female",
        upgraded_from_legacy=legacy,
    )


def make_id_number(region: str, birth: date, sequence: int) -> str:
    """A valid 18-character ID number (for demo data and tests).

    `sequence` is 0–999; odd for a man, even for a woman. Raises ValueError on a region that
    check_id_number would refuse, or a sequence out of range.
    """
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError("region must be 6 ASCII digits")
    if region[:2] not in PROVINCE_CODES or region[2:] == "0000":
        raise ValueError(f"region {region!r} is not a county-level code of a known province")
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be 0..999")
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def mask_id_number(number: str) -> str:
    """An ID number with only its first 6 and last 2 characters visible: "150502**********34".

    A 15-digit number keeps the same 6 + 2; anything else is masked completely, so a malformed
    value in a log or an error report never shows more than a valid one would.
    """
    value = to_halfwidth(number or "").strip()
    if len(value) in (15, 18):
        return value[:6] + "*" * (len(value) - 8) + value[-2:]
    return "*" * len(value)


def _check_region(region: str) -> None:
    if region[:2] not in PROVINCE_CODES:
        raise IdNumberError(
            code="unknown_province",
            message=_("The ID number does not start with a province code (its first two digits)."),
        )
    if region[2:] == "0000":
        raise IdNumberError(
            code="unknown_region",
            message=_("The region code of the ID number (its first six digits) names no county."),
        )


def _birth_date(yyyymmdd: str, today: date | None) -> date:
    try:
        birth = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        raise IdNumberError(
            code="invalid_birth_date",
            message=_("The birth date in the ID number is not a real date."),
        ) from None
    if birth < EARLIEST_BIRTH:
        raise IdNumberError(
            code="birth_date_too_early",
            message=_("The birth date in the ID number is before 1900."),
        )
    if birth > (today or timezone.localdate()):
        raise IdNumberError(
            code="birth_date_in_future",
            message=_("The birth date in the ID number is in the future."),
        )
    return birth
