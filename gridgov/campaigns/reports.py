"""The daily report of a campaign as an Excel workbook: per grid, the day's counts (DailyCount)
and the cumulative counts (GridProgress, as of the export), with subtotals per community and
street and a grand total. Counts only: no household, person or answer appears in it, so it
survives the purge and may be forwarded. Scoped to the grids the user sees; audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from gridgov.access.scope import scoped
from gridgov.audit.log import record
from gridgov.campaigns.coverage import COUNTS, Counts
from gridgov.campaigns.models import Campaign, DailyCount, GridProgress
from gridgov.campaigns.rights import VIEW
from gridgov.geo.models import OrgUnit

DAY_COUNTS = (
    "done",
    "not_home",
    "refused",
    "moved",
    "exceptions",
    "monitored",
    "checkins",
    "missed_checkins",
)
STREET_LENGTH = 10  # "150502.001"
COMMUNITY_LENGTH = 14  # "150502.001.001"
SUBTOTAL_FILL = PatternFill("solid", fgColor="EEF2F7")
TOTAL_FILL = PatternFill("solid", fgColor="D9E2EE")


@dataclass
class Line:
    """One line of the report: a grid, a subtotal or the total."""

    day: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DAY_COUNTS, 0))
    cumulative: Counts = field(default_factory=Counts)

    def add(self, other: Line) -> None:
        for name in DAY_COUNTS:
            self.day[name] += other.day[name]
        self.cumulative.add(other.cumulative)


def _headers() -> list[str]:
    return [
        _("Street"),
        _("Community"),
        _("Grid"),
        _("Done today"),
        _("Not at home today"),
        _("Refused today"),
        _("Moved away today"),
        _("Exceptions today"),
        _("Under monitoring"),
        _("Check-ins"),
        _("Missed check-ins"),
        _("Households"),
        _("Done"),
        _("Not at home"),
        _("Refused"),
        _("Moved away"),
        _("Not visited yet"),
        _("Exceptions"),
        _("Coverage %"),
        _("Done %"),
    ]


def _values(line: Line) -> list:
    counts = line.cumulative
    return [
        *(line.day[name] for name in DAY_COUNTS),
        counts.total,
        counts.done,
        counts.not_home,
        counts.refused,
        counts.moved,
        counts.pending,
        counts.exceptions,
        counts.coverage_percent,
        counts.done_percent,
    ]


def grid_lines(user, campaign: Campaign, day: date) -> dict[str, tuple[OrgUnit, Line]]:
    """Each grid the user sees, by org path, with its line: three queries."""
    lines: dict[str, tuple[OrgUnit, Line]] = {}
    progress = (
        scoped(user, GridProgress.objects.filter(campaign=campaign), VIEW)
        .select_related("grid")
        .order_by("org_path")
    )
    for row in progress:
        counts = Counts(**{name: getattr(row, name) for name in COUNTS})
        lines[row.org_path] = (row.grid, Line(cumulative=counts))
    daily = scoped(user, DailyCount.objects.filter(campaign=campaign, day=day), VIEW).select_related("grid")
    for count in daily:
        _grid, line = lines.setdefault(count.org_path, (count.grid, Line()))
        for name in DAY_COUNTS:
            line.day[name] += getattr(count, name)
    return dict(sorted(lines.items()))


def build_workbook(user, campaign: Campaign, day: date) -> Workbook:
    grids = grid_lines(user, campaign, day)
    parents = {path[:n] for path in grids for n in (STREET_LENGTH, COMMUNITY_LENGTH)}
    units = {unit.path: unit for unit in OrgUnit.objects.filter(path__in=sorted(parents))}

    def name(path: str) -> str:
        unit = units.get(path)
        return unit.name_zh if unit else path

    book = Workbook()
    sheet = book.active
    sheet.title = _("Daily report")[:31]
    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.append([campaign.name, _("Day"), day.isoformat(), _("Exported"), exported])
    sheet.append([_("Cumulative counts are as of the export.")])
    sheet.append(_headers())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    total = Line()
    street_line = community_line = None
    street = community = ""

    def close_community() -> None:
        if community_line is not None:
            sheet.append([name(street), name(community), _("Community total"), *_values(community_line)])
            for cell in sheet[sheet.max_row]:
                cell.fill = SUBTOTAL_FILL

    def close_street() -> None:
        if street_line is not None:
            sheet.append([name(street), _("Street total"), "", *_values(street_line)])
            for cell in sheet[sheet.max_row]:
                cell.fill = SUBTOTAL_FILL
                cell.font = Font(bold=True)

    for path, (grid, line) in grids.items():
        if path[:COMMUNITY_LENGTH] != community:
            close_community()
            if path[:STREET_LENGTH] != street:
                close_street()
                street, street_line = path[:STREET_LENGTH], Line()
            community, community_line = path[:COMMUNITY_LENGTH], Line()
        sheet.append([name(street), name(community), grid.name_zh, *_values(line)])
        for running in (community_line, street_line, total):
            assert running is not None
            running.add(line)
    close_community()
    close_street()
    sheet.append([_("Total"), "", "", *_values(total)])
    for cell in sheet[sheet.max_row]:
        cell.fill = TOTAL_FILL
        cell.font = Font(bold=True)
    for index, width in enumerate([14, 16, 18] + [10] * (len(_headers()) - 3), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=4)
    return book


def daily_report(user, campaign: Campaign, day: date, *, request=None) -> bytes:
    """The workbook's bytes; the export is audited (who, which campaign, which day)."""
    book = build_workbook(user, campaign, day)
    out = BytesIO()
    book.save(out)
    record(
        "campaigns.daily_report",
        request=request,
        actor=user,
        target=campaign,
        details={"campaign": campaign.pk, "day": day.isoformat()},
    )
    return out.getvalue()
