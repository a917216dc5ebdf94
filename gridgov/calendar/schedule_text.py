"""Entering a year's schedule as text: one line per date or date range, as an official copies
them from the State Council's notice.

    2027-01-01 holiday 元旦
    2027-02-06..2027-02-12 holiday 春节
    2027-02-14 workday 春节

Kind words: holiday/off/休/放假 and workday/work/班/上班. The name is optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridgov.calendar.models import DayKind

_KINDS = {
    "holiday": DayKind.HOLIDAY,
    "off": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "work": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
}
_LINE = re.compile(
    r"^(?P<first>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:\.\.|~|～|至)\s*(?P<last>\d{4}-\d{1,2}-\d{1,2}))?"
    r"\s+(?P<kind>\S+)(?:\s+(?P<name>.+))?$"
)
# A holiday longer than this is a typo, not an arrangement.
MAX_RANGE_DAYS = 31


@dataclass(frozen=True)
class ScheduleLine:
    date: date
    kind: DayKind
    name: str


def _date(text: str, number: int) -> date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Line %(line)s: %(text)s is not a valid date.") % {"line": number, "text": text}
        ) from None


def parse_schedule_text(year: int, text: str) -> list[ScheduleLine]:
    """The days listed in `text`, in order; raises ValidationError naming every bad line."""
    result: list[ScheduleLine] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(
                _("Line %(line)s: expected “YYYY-MM-DD[..YYYY-MM-DD] holiday|workday [name]”.")
                % {"line": number}
            )
            continue
        kind = _KINDS.get(match["kind"].lower())
        if kind is None:
            errors.append(
                _("Line %(line)s: the kind “%(kind)s” is neither holiday nor workday.")
                % {"line": number, "kind": match["kind"]}
            )
            continue
        try:
            first = _date(match["first"], number)
            last = _date(match["last"], number) if match["last"] else first
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            errors.append(
                _("Line %(line)s: the range must run forward and span at most %(max)s days.")
                % {"line": number, "max": MAX_RANGE_DAYS}
            )
            continue
        if first.year != year or last.year != year:
            errors.append(_("Line %(line)s: the dates are not in %(year)s.") % {"line": number, "year": year})
            continue
        day = first
        while day <= last:
            if day in seen:
                errors.append(
                    _("Line %(line)s: %(date)s is already listed on line %(other)s.")
                    % {"line": number, "date": day.isoformat(), "other": seen[day]}
                )
            seen[day] = number
            result.append(ScheduleLine(day, kind, (match["name"] or "").strip()))
            day += timedelta(days=1)
    if errors:
        raise ValidationError(errors)
    return result
