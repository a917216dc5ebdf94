"""Excel exports of every assessment table (openpyxl, built in memory)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gridgov.access.display import display_name
from gridgov.assessment.indicators import PERCENT, REGISTRY, VISITS, indicators_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value, unit: str):
    if value is None:
        return None
    return round(value * 100, 2) if unit == PERCENT else round(value, 2)


def _header(indicators) -> list[str]:
    return [f"{i.label} ({'%' if i.unit == PERCENT else _(i.unit)})" for i in indicators]


def live_table(rows, kind: str, period) -> list[list]:
    """The indicator table of one kind and period: values, then score, grade and rank."""
    indicators = indicators_of(kind)
    out = [[_("Rank"), _("Name"), _("Score"), _("Grade"), *_header(indicators)]]
    for r in sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.label)):
        out.append(
            [r.rank, r.label, r.score, r.grade, *(_cell(r.figures[i.code].value, i.unit) for i in indicators)]
        )
    return out


def run_table(run, rows) -> list[list]:
    indicators = indicators_of(run.kind)
    out = [[_("Rank"), _("Name"), _("Score"), _("Grade"), *_header(indicators)]]
    for r in sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.label)):
        values = [_cell((r.values.get(i.code) or {}).get("value"), i.unit) for i in indicators]
        out.append([r.rank, r.label, r.score, r.grade, *values])
    return out


def case_table(cases) -> list[list]:
    out = [[_("Number"), _("Category"), _("Grid"), _("State"), _("Reported"), _("Closed")]]
    for case in cases:
        out.append(
            [
                case.number,
                case.category.name_zh,
                case.grid.name_zh,
                str(case.get_state_display()),
                timezone.localtime(case.reported_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(case.closed_at).strftime("%Y-%m-%d %H:%M") if case.closed_at else "",
            ]
        )
    return out


def xlsx_response(table: list[list], name: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = name[:31].replace(":", "-")
    for line in table:
        sheet.append(line)
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
            base = [household.number, household.grid.name_zh, str(household.house or "")]
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
            out.append([person.masked_name, person.grid.name_zh, number, changes])
        return out
    out = [[_("Campaign"), _("Grid"), _("Targets done"), _("Targets")]]
    for row in rows:
        out.append([row.campaign.name, row.grid.name_zh, row.done, row.total])
    return out
