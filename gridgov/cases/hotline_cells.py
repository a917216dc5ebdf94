"""Reading the cells of a 12345 hotline row: ticket, time, phone, urgency, coordinates, category.

Each parser returns the clean value or raises CellError with the reason, in the user's language.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import Category, Urgency
from gridgov.geo import crs as coordinates

# A ticket received a little "in the future" is clock skew between systems, not an error.
CLOCK_SKEW = timedelta(minutes=10)

URGENCY_WORDS = {
    "一般": Urgency.NORMAL,
    "普通": Urgency.NORMAL,
    "normal": Urgency.NORMAL,
    "紧急": Urgency.URGENT,
    "urgent": Urgency.URGENT,
    "特急": Urgency.CRITICAL,
    "特别紧急": Urgency.CRITICAL,
    "critical": Urgency.CRITICAL,
}
CRS_WORDS = {
    "wgs84": coordinates.WGS84,
    "gps": coordinates.WGS84,
    "gcj02": coordinates.GCJ02,
    "高德": coordinates.GCJ02,
    "腾讯": coordinates.GCJ02,
    "bd09": coordinates.BD09,
    "百度": coordinates.BD09,
}
# 12345 platforms take positions from phone maps (GCJ-02), not from GPS receivers.
DEFAULT_CRS = coordinates.GCJ02

TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分%S秒",
    "%Y年%m月%d日%H时%M分",
    "%Y年%m月%d日%H:%M",
    "%Y%m%d%H%M%S",
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code 0 + 2..3 digits, 7..8 digit number, an optional extension.
_LANDLINE = re.compile(r"(0\d{2,3})-?([1-9]\d{6,7})(?:-(\d{1,6}))?")
_CATEGORY_CODE = re.compile(r"^(\d{2}|\d{4})(?:\s+.*)?$")


class CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- Reading cells ------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text; whole numbers that a spreadsheet stored as floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def limited_text(value: Any, limit: int) -> str:
    text = cell_text(value)
    if len(text) > limit:
        raise CellError(_("Longer than %(limit)d characters.") % {"limit": limit})
    return text


def parse_ticket(value: Any) -> str:
    ticket = limited_text(value, 40)
    if not ticket:
        raise CellError(_("The ticket number is required."))
    return ticket


def parse_received_at(value: Any, *, now: datetime) -> datetime:
    """A received time: an xlsx date cell, an Excel serial number or text in a common format.
    Times without a zone are Beijing time (Asia/Shanghai)."""
    shanghai = ZoneInfo("Asia/Shanghai")
    if is_blank(value):
        raise CellError(_("The time the call was received is required."))
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) and 20000 < value < 100000:
        from openpyxl.utils.datetime import from_excel

        moment = from_excel(value)
    else:
        moment = _parse_time_text(cell_text(value))
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=shanghai)
    if moment > now + CLOCK_SKEW:
        raise CellError(_("The received time is in the future."))
    return moment


def _parse_time_text(text: str) -> datetime:
    cleaned = re.sub(r"\s+", " ", text.replace("：", ":")).strip()
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    try:
        if ":" not in cleaned:
            raise ValueError("a date without a time of day")
        return datetime.fromisoformat(cleaned)
    except ValueError:
        raise CellError(
            _("Not a date and time; write it like 2026-03-05 14:30 or 2026/3/5 14:30:00.")
        ) from None


def parse_phone(value: Any) -> str:
    """A mainland mobile (11 digits) or landline (area code-number[-extension]) number, normalized."""
    text = cell_text(value)
    if not text:
        return ""
    digits = re.sub(r"[\s()（）]", "", text)
    digits = re.sub(r"^(\+86|0086|86(?=1[3-9]\d{9}$))-?", "", digits)
    if _MOBILE.fullmatch(digits):
        return digits
    landline = _LANDLINE.fullmatch(digits)
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    raise CellError(
        _(
            "Not a mainland mobile number (11 digits starting 13 to 19) or a landline number "
            "with its area code (like 0475-8211234)."
        )
    )


def parse_urgency(value: Any) -> str:
    text = cell_text(value).lower()
    if not text:
        return Urgency.NORMAL
    urgency = URGENCY_WORDS.get(text)
    if urgency is None:
        raise CellError(_("Write 一般, 紧急 or 特急 (normal, urgent or critical)."))
    return urgency


def parse_crs(value: Any) -> str:
    text = re.sub(r"[\s\-_]", "", cell_text(value)).lower()
    if not text:
        return DEFAULT_CRS
    crs = CRS_WORDS.get(text)
    if crs is None:
        raise CellError(_("Write WGS84, GCJ02 or BD09."))
    return crs


def parse_coordinate(value: Any, *, low: float, high: float) -> float:
    if is_blank(value):
        raise CellError(
            _("No coordinates: the import does not look addresses up; add the longitude and latitude.")
        )
    try:
        number = float(cell_text(value))
    except ValueError:
        raise CellError(_("Not a number.")) from None
    if not low <= number <= high:
        raise CellError(_("Outside China (%(low)s to %(high)s).") % {"low": low, "high": high})
    return number


class CategoryLookup:
    """Active categories by code, by Chinese name and by English name (loaded once per import)."""

    def __init__(self) -> None:
        self.by_code: dict[str, Category] = {}
        self.by_name: dict[str, list[Category]] = {}
        for category in Category.objects.filter(is_active=True):
            self.by_code[category.code] = category
            for name in (category.name_zh, category.name_en.lower()):
                if name:
                    self.by_name.setdefault(name, []).append(category)

    def find(self, value: Any) -> Category:
        text = cell_text(value)
        if not text:
            raise CellError(_("The category is required."))
        coded = _CATEGORY_CODE.match(text)
        if coded is None and text.isdigit() and len(text) in (1, 3):
            # A spreadsheet that stored 0201 as a number dropped the leading zero.
            coded = _CATEGORY_CODE.match("0" + text)
        if coded:
            category = self.by_code.get(coded.group(1))
            if category is None:
                raise CellError(_("No active category has the code %(code)s.") % {"code": coded.group(1)})
            return category
        matches = self.by_name.get(text) or self.by_name.get(text.lower()) or []
        if len(matches) > 1:
            raise CellError(_("Several categories have this name; write the code instead."))
        if not matches:
            raise CellError(_("No active category has this code or name."))
        return matches[0]
