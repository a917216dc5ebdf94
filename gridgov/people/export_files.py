"""Writing an export file, row by row, into an anonymous temporary file.

xlsx through openpyxl's write-only mode and CSV in UTF-8 with a byte-order mark (without it
Excel reads UTF-8 as the local code page and garbles Chinese). Rows are written as they come,
so memory does not grow with the number of rows. A watermark, when given, is the first line
above the headers; in xlsx also the page header and footer and the document properties.

Cells that a spreadsheet would run as a formula are written inert: a text cell starting with
"=" stays text in xlsx, and CSV text starting with = + - @ gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from gridgov.people.transfers import ExportFormat

CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}
# Excel's page header and footer hold at most 255 characters, codes included.
_HEADER_FOOTER_LIMIT = 240
_CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_export(
    file_format: str,
    *,
    title: str,
    headers: list[str],
    rows: Iterable[list[Any]],
    watermark: str = "",
    author: str = "",
) -> tuple[IO[bytes], int]:
    """The file (an anonymous temporary file, positioned at its start) and its number of data rows."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the caller streams it, then closes it)
    try:
        if file_format == ExportFormat.CSV:
            count = _write_csv(handle, headers, rows, watermark)
        else:
            count = _write_xlsx(handle, title, headers, rows, watermark, author)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_CSV_FORMULA_STARTS):
        return "'" + value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _write_csv(handle: IO[bytes], headers: list[str], rows: Iterable[list[Any]], watermark: str) -> int:
    # A text wrapper over the binary temporary file; detached afterwards so the file stays open.
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    if watermark:
        writer.writerow([watermark])
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
        count += 1
    text.flush()
    text.detach()
    return count


def _header_footer_text(watermark: str) -> str:
    # "&" starts a code in Excel's header syntax; "&&" is a literal ampersand.
    return watermark[:_HEADER_FOOTER_LIMIT].replace("&", "&&")


def _xlsx_cell(sheet, value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


def _write_xlsx(
    handle: IO[bytes], title: str, headers: list[str], rows: Iterable[list[Any]], watermark: str, author: str
) -> int:
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = author or "gridgov"
    sheet = workbook.create_sheet(title)
    # Keep the headers (and the watermark above them) in view; set before the first row is written.
    sheet.freeze_panes = "A3" if watermark else "A2"
    if watermark:
        workbook.properties.description = watermark
        workbook.properties.subject = watermark
        workbook.properties.keywords = watermark
        text = _header_footer_text(watermark)
        sheet.oddHeader.center.text = text
        sheet.oddFooter.center.text = text
        sheet.evenHeader.center.text = text
        sheet.evenFooter.center.text = text
        mark = WriteOnlyCell(sheet, watermark)
        mark.font = Font(bold=True, color="C00000")
        sheet.append([mark])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    workbook.save(handle)
    return count
