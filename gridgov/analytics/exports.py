"""Excel export of the cockpit's tables (openpyxl): one sheet per table, the header row bold."""

from __future__ import annotations

import io
import re

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def workbook(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """An .xlsx of `sheets` = [(title, header, rows)]."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for title, header, rows in sheets:
        name = _BAD_SHEET_CHARS.sub(" ", str(title))[:28] or "Sheet"
        while name in used:
            name = name[:26] + f"_{len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([str(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([v if isinstance(v, int | float) or v is None else str(v) for v in row])
        sheet.freeze_panes = "A2"
    if not used:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(sheets: list[tuple[str, list[str], list[list]]], filename: str) -> HttpResponse:
    response = HttpResponse(workbook(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
