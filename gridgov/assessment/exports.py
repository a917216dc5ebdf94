"""Excel exports of every assessment table (openpyxl, built in memory)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gridgov.assessment.indicators import PERCENT, indicators_of

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
