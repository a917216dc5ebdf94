"""Excel exports of every assessment table (openpyxl, built in memory).

Every figure is a `Link` to the list the page opens for it (the views build those URLs once, for
the page and the file alike); every case, household, person or campaign links to its page.
"""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gridgov.access.display import display_name
from gridgov.analytics.exports import Link, append_row
from gridgov.assessment.indicators import PERCENT, REGISTRY, VISITS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value, unit: str):
    if value is None:
        return None
    return round(value * 100, 2) if unit == PERCENT else round(value, 2)


def _header(indicators) -> list[str]:
    return [f"{i.label} ({'%' if i.unit == PERCENT else _(i.unit)})" for i in indicators]


def live_table(table: dict) -> list[list]:
    """The page's indicator table (`views._table`): rank, name, score, grade, then each figure
    linked to its drill-down list."""
    out = [[_("Rank"), _("Name"), _("Score"), _("Grade"), *_header(table["indicators"])]]
    for line in table["rows"]:
        r = line["row"]
        figures = [Link(_cell(c["figure"].value, c["indicator"].unit), c["link"]) for c in line["cells"]]
        out.append([r.rank, r.label, r.score, r.grade, *figures])
    return out


def run_table(table: dict) -> list[list]:
    """A snapshot's table (`views._run_table`): each figure linked to its frozen list."""
    out = [[_("Rank"), _("Name"), _("Score"), _("Grade"), *_header(table["indicators"])]]
    for line in table["rows"]:
        r = line["row"]
        figures = [
            Link(_cell(c["value"].get("value"), c["indicator"].unit), c["link"]) for c in line["cells"]
        ]
        out.append([r.rank, Link(r.label, line["link"]), r.score, r.grade, *figures])
    return out


def case_table(cases) -> list[list]:
    out = [[_("Number"), _("Category"), _("Grid"), _("State"), _("Reported"), _("Closed")]]
    for case in cases:
        out.append(
            [
                Link(case.number, reverse("cases:detail", args=[case.number])),
                case.category.name_zh,
                case.grid.name_zh,
                str(case.get_state_display()),
                timezone.localtime(case.reported_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(case.closed_at).strftime("%Y-%m-%d %H:%M") if case.closed_at else "",
            ]
        )
    return out


def xlsx_response(request, table: list[list], name: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = name[:31].replace(":", "-")
    for line in table:
        append_row(sheet, line, request.build_absolute_uri)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name.replace(":", "-")}.xlsx"'
    return response


def record_table(source: str, rows) -> list[list]:
    """The records behind a field-work figure as `drilldown.listing` prepared them (masked)."""
    if source == VISITS:
        out = [[_("Household"), _("Grid"), _("House"), _("Visited"), _("Worker"), _("Outcome")]]
        for household in rows:
            number = Link(household.number, reverse("registry:household", args=[household.pk]))
            base = [number, household.grid.name_zh, str(household.house or "")]
            for visit in household.period_visits or [None]:
                if visit is None:
                    out.append([*base, "", "", ""])
                    continue
                outcome = _("nobody at home") if visit.nobody_home else str(visit.get_situation_display())
                when = timezone.localtime(visit.visited_at).strftime("%Y-%m-%d %H:%M")
                out.append([*base, when, display_name(visit.worker), outcome])
        return out
    if source == REGISTRY:
        out = [[_("Person"), _("Grid"), _("Household"), _("Changes in the period")]]
        for person in rows:
            changes = "; ".join(
                f"{timezone.localtime(at).strftime('%Y-%m-%d %H:%M')} {label}"
                for at, label in person.period_changes
            )
            number = person.household.number if person.household else ""
            name = Link(person.masked_name, reverse("registry:person", args=[person.pk]))
            out.append([name, person.grid.name_zh, number, changes])
        return out
    out = [[_("Campaign"), _("Grid"), _("Targets done"), _("Targets")]]
    for row in rows:
        households = reverse("campaigns:households", args=[row.campaign_id, row.grid_id])
        out.append([Link(row.campaign.name, households), row.grid.name_zh, row.done, row.total])
    return out
