"""Excel exports (openpyxl): one sheet per table, the header row bold, every figure a link.

A cell given as `Link(value, url)` keeps its value (a number stays a number, so sums still
work) and opens `url` — the drill-down list the page links that figure to — made absolute
with the request, so it opens from the downloaded file. The assessment exports write through
`append_row` too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

# Turns a site path ("/cockpit/cases/?m=…") into an absolute URL: `request.build_absolute_uri`.
Absolute = Callable[[str], str]


class Link(NamedTuple):
    """A cell value that opens `url` (a site path) when clicked in the workbook."""

    value: Any
    url: str


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float) or value is None else str(value)


def append_row(sheet: Worksheet, row: list, absolute: Absolute) -> None:
    """Append `row` to `sheet`; `Link` cells get their value and an absolute hyperlink."""
    # Cells made here and handed to `append` (which places them): reading the appended row back
    # through `sheet.max_row` scans every cell, quadratic over a 50,000-row list.
    cells = [Cell(sheet, value=_plain(v.value if isinstance(v, Link) else v)) for v in row]
    sheet.append(cells)
    for cell, v in zip(cells, row, strict=True):
        if isinstance(v, Link) and v.url:
            cell.hyperlink = absolute(v.url)
            cell.style = "Hyperlink"


def workbook(sheets: list[tuple[str, list[str], list[list]]], absolute: Absolute) -> bytes:
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
            append_row(sheet, row, absolute)
        sheet.freeze_panes = "A2"
    if not used:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(request, sheets: list[tuple[str, list[str], list[list]]], filename: str) -> HttpResponse:
    response = HttpResponse(workbook(sheets, request.build_absolute_uri), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
