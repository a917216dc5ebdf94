"""Assessment periods: day, week (from Monday), month, quarter, year, as half-open date ranges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = ("day", "week", "month", "quarter", "year")


class PeriodError(ValueError):
    field = "period"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        if kind == "day":
            return cls(kind, day)
        if kind == "week":
            return cls(kind, day - timedelta(days=day.weekday()))
        if kind == "month":
            return cls(kind, day.replace(day=1))
        if kind == "quarter":
            return cls(kind, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        if kind == "year":
            return cls(kind, date(day.year, 1, 1))
        raise PeriodError(_("Unknown period kind."))

    @classmethod
    def parse(cls, text: str) -> Period:
        """`month:2026-03-01` (any day inside the period is accepted)."""
        kind, _sep, start = (text or "").partition(":")
        try:
            day = date.fromisoformat(start)
        except ValueError:
            raise PeriodError(_("Give the period as kind:YYYY-MM-DD.")) from None
        return cls.containing(kind, day)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.start.isoformat()}"

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.kind == "day":
            return self.start + timedelta(days=1)
        if self.kind == "week":
            return self.start + timedelta(days=7)
        return _add_months(self.start, {"month": 1, "quarter": 3, "year": 12}[self.kind])

    def previous(self) -> Period:
        """The period before (period-on-period)."""
        if self.kind in ("day", "week"):
            return Period(self.kind, self.start - (self.end - self.start))
        return Period(self.kind, _add_months(self.start, -{"month": 1, "quarter": 3, "year": 12}[self.kind]))

    def next(self) -> Period:
        return Period.containing(self.kind, self.end)

    def year_ago(self) -> Period:
        """The same period one year earlier (year-on-year; a week: the week of the same date)."""
        try:
            day = self.start.replace(year=self.start.year - 1)
        except ValueError:  # 29 February
            day = self.start.replace(year=self.start.year - 1, day=28)
        return Period.containing(self.kind, day)

    def moments(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes (local midnight to local midnight)."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min).replace(tzinfo=tz),
            datetime.combine(self.end, time.min).replace(tzinfo=tz),
        )

    def label(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            return _("week of %(day)s") % {"day": self.start.isoformat()}
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        if self.kind == "quarter":
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)
