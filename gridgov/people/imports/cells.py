"""Reading one cell of a registry import file. Each reader returns the clean value (or the
"empty" value: '' or None, which an update reads as "keep what is stored") or raises CellError
with the reason in the active language."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.hotline_cells import cell_text, is_blank
from gridgov.people.credit_codes import check_credit_code
from gridgov.people.identity_numbers import IdentifierError, IdNumber, check_id_number, mask_id_number
from gridgov.people.phones import check_mobile, mask_mobile

__all__ = ["CellError", "cell_text", "is_blank"]

# WGS-84 bounds of China (with a margin); a point outside is a swapped or mistyped coordinate.
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)
SHOWN_VALUE_LENGTH = 100
_SPACES = re.compile(r"\s+")

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_YES = {"是", "有", "完好", "畅通", "正常", "合格", "yes", "y", "true", "1", "√", "✓"}
_NO = {
    "否",
    "无",
    "没有",
    "不完好",
    "损坏",
    "不畅通",
    "堵塞",
    "不正常",
    "不合格",
    "no",
    "n",
    "false",
    "0",
    "×",
    "✗",
}


class CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def shown_value(value: Any, *, identifier: str = "") -> str:
    """The cell as a problem report may show it: ID numbers and phones masked, shortened."""
    text = cell_text(value)
    if identifier == "id_number":
        text = mask_id_number(text)
    elif identifier == "phone":
        text = mask_mobile(text)
    return text[:SHOWN_VALUE_LENGTH]


def text(value: Any, limit: int) -> str:
    result = cell_text(value)
    if len(result) > limit:
        raise CellError(_("Longer than %(limit)d characters.") % {"limit": limit})
    return result


def required_text(value: Any, limit: int, message: Any) -> str:
    """Text that must be given; `message` (lazy: translated only when needed) says so."""
    result = text(value, limit)
    if not result:
        raise CellError(str(message))
    return result


def required(value: Any, message: Any) -> Any:
    """`value` as read, unless it is empty: then CellError(message)."""
    if value is None or value == "":
        raise CellError(str(message))
    return value


def integer(value: Any, *, low: int, high: int) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(cell_text(value))
    except ValueError:
        raise CellError(_("Not a whole number.")) from None
    if not low <= number <= high:
        raise CellError(_("Must be between %(low)d and %(high)d.") % {"low": low, "high": high})
    return number


def decimal(value: Any, *, low: Decimal, high: Decimal, places: int) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        number = Decimal(cell_text(value).replace(",", ""))
    except InvalidOperation:
        raise CellError(_("Not a number.")) from None
    if not number.is_finite() or not low <= number <= high:
        raise CellError(_("Must be between %(low)s and %(high)s.") % {"low": low, "high": high})
    return round(number, places)


def coordinate(value: Any, *, longitude: bool) -> float:
    """A WGS-84 longitude or latitude in decimal degrees, inside China."""
    if is_blank(value):
        raise CellError(_("Enter the longitude and latitude (WGS-84, decimal degrees)."))
    try:
        number = float(cell_text(value))
    except ValueError:
        raise CellError(_("Not a number.")) from None
    low, high = LON_RANGE if longitude else LAT_RANGE
    if not low <= number <= high:
        raise CellError(_("Outside China (%(low)s to %(high)s).") % {"low": low, "high": high})
    return number


def a_date(value: Any, *, today: date | None = None) -> date | None:
    """A date: an xlsx date cell, an Excel serial number or text like 2026-03-05, 2026/3/5,
    2026年3月5日 or 20260305. A date in the future is refused."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, int | float) and 20000 < value < 100000:
        from openpyxl.utils.datetime import from_excel

        result = from_excel(value).date()
    else:
        result = _date_text(cell_text(value))
    if result > (today or timezone.localdate()):
        raise CellError(_("The date is in the future."))
    return result


def _date_text(written: str) -> date:
    cleaned = re.sub(r"\s+", "", written)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise CellError(_("Not a date; write it like 2026-03-05 or 2026/3/5."))


def yes_no(value: Any) -> bool | None:
    written = cell_text(value).lower()
    if not written:
        return None
    if written in _YES:
        return True
    if written in _NO:
        return False
    raise CellError(_("Write 是 (yes) or 否 (no)."))


def choice(value: Any, words: dict[str, str], hint: Any) -> str:
    """The code a cell names in `words` (keys lower-case); '' for an empty cell. `hint` (lazy:
    translated only for a bad cell) says what to write."""
    written = cell_text(value)
    if not written:
        return ""
    code = words.get(written)
    if code is None:
        code = words.get(_SPACES.sub("", written).lower())
    if code is None:
        raise CellError(str(hint))
    return code


def id_number(value: Any, *, today: date | None = None) -> IdNumber:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: a number typed into a number cell lost its end.
        raise CellError(
            _("The ID number was stored as a number and lost its last digits; format the column as text.")
        )
    try:
        return check_id_number(cell_text(value), today=today)
    except IdentifierError as exc:
        raise CellError(str(exc.message)) from None


def mobile(value: Any) -> str:
    """A mainland mobile number, or '' for an empty cell."""
    if is_blank(value):
        return ""
    try:
        return check_mobile(cell_text(value))
    except IdentifierError as exc:
        raise CellError(str(exc.message)) from None


def credit_code(value: Any) -> str:
    if is_blank(value):
        return ""
    try:
        return check_credit_code(cell_text(value))
    except IdentifierError as exc:
        raise CellError(str(exc.message)) from None
