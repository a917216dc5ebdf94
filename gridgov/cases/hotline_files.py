"""12345 hotline files: the columns, reading CSV (UTF-8 or GBK) and xlsx into rows, and the
spreadsheets we write (the template and the list of bad rows). See gridgov/cases/hotline.py."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from gridgov.cases.hotline_cells import is_blank

# The template's example row carries this ticket number; the importer skips it.
EXAMPLE_TICKET = "示例-0001"
# Rows above the header (an export's title lines) are skipped; the header is looked for this far.
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the template writes
    english: str  # the English header, also accepted
    aliases: tuple[str, ...] = ()  # other headers seen in 12345 exports
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "ticket", "工单编号", "ticket", ("工单号", "工单编码", "热线编号", "ticket_no", "hotline_ref"), True
    ),
    Column("received_at", "受理时间", "received_at", ("来电时间", "登记时间", "received"), True),
    Column("caller_name", "来电人", "caller_name", ("来电人姓名", "诉求人", "caller")),
    Column("caller_phone", "联系电话", "phone", ("来电号码", "电话", "caller_phone")),
    Column("description", "诉求内容", "description", ("工单内容", "内容"), True),
    Column("category", "事件类别", "category", ("事件分类", "类别"), True),
    Column("urgency", "紧急程度", "urgency"),
    Column("address", "地址", "address", ("事发地址", "诉求地址")),
    Column("lon", "经度", "lon", ("longitude", "lng"), True),
    Column("lat", "纬度", "lat", ("latitude",), True),
    Column("crs", "坐标系", "crs", ("coordinate_system",)),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


class HotlineFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header); nothing was imported."""


@dataclass(frozen=True)
class RowProblem:
    """One bad cell (or a whole bad row, when `column` is empty)."""

    row: int
    column: str
    reason: str
    ticket: str = ""
    value: str = ""


@dataclass
class Table:
    headers: dict[str, str]  # column key -> the header as the file writes it
    rows: list[tuple[int, dict[str, Any]]]  # (row number, column key -> raw cell value)


# --- Reading the file ---------------------------------------------------------------------------


def read_table(content: bytes, file_name: str) -> Table:
    """The header and data rows of a CSV (UTF-8 with or without BOM, or GBK) or xlsx file.

    Raises HotlineFileError when the file cannot be read or lacks a required column.
    """
    suffix = Path(file_name).suffix.lower()
    if content[:4] == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        raw_rows = _xlsx_rows(content)
    elif suffix == ".xls" or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise HotlineFileError(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or .csv."))
    else:
        raw_rows = _csv_rows(content)
    return _table(raw_rows)


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged file
        raise HotlineFileError(
            _("The file is not a readable xlsx workbook (%(error)s).") % {"error": exc}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK, the encoding most 12345 systems export in.
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise HotlineFileError(_("The CSV file is neither UTF-8 nor GBK encoded.")) from None


def _csv_rows(content: bytes) -> list[list[Any]]:
    try:
        text = _decode(content)
    except UnicodeDecodeError:
        raise HotlineFileError(_("The CSV file is not valid UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise HotlineFileError(_("The CSV file cannot be read (%(error)s).") % {"error": exc}) from None


def _normal_header(text: Any) -> str:
    header = re.sub(r"[(（].*?[)）]", "", str(text or ""))
    return re.sub(r"[\s_\-*＊\ufeff]", "", header).lower()


_HEADER_KEYS = {
    _normal_header(name): column.key
    for column in COLUMNS
    for name in (column.header, column.english, *column.aliases)
}


def _table(raw_rows: list[list[Any]]) -> Table:
    header_index = next(
        (
            i
            for i, row in enumerate(raw_rows[:HEADER_SEARCH_ROWS])
            if any(_HEADER_KEYS.get(_normal_header(cell)) == "ticket" for cell in row)
        ),
        None,
    )
    if header_index is None:
        raise HotlineFileError(
            _("No header row with the column %(column)s was found in the first %(count)d rows.")
            % {"column": COLUMN_BY_KEY["ticket"].header, "count": HEADER_SEARCH_ROWS}
        )
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    for position, cell in enumerate(raw_rows[header_index]):
        key = _HEADER_KEYS.get(_normal_header(cell))
        if key is None:
            continue  # columns of the export that we do not use
        if key in positions:
            raise HotlineFileError(
                _("Row %(row)d: the columns %(first)s and %(second)s mean the same thing.")
                % {"row": header_index + 1, "first": headers[key], "second": str(cell).strip()}
            )
        headers[key] = str(cell).strip()
        positions[key] = position
    missing = [c for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise HotlineFileError(
            _("Row %(row)d: required columns are missing: %(columns)s.")
            % {"row": header_index + 1, "columns": ", ".join(f"{c.header} ({c.english})" for c in missing)}
        )
    rows = []
    for i in range(header_index + 1, len(raw_rows)):
        raw = raw_rows[i]
        cells = {key: raw[p] if p < len(raw) else None for key, p in positions.items()}
        if all(is_blank(value) for value in cells.values()):
            continue
        rows.append((i + 1, cells))
    return Table(headers, rows)


# --- Spreadsheets we write ----------------------------------------------------------------------


def _column_hints() -> dict[str, str]:
    return {
        "ticket": _("Required; unique. The ticket number of the 12345 system."),
        "received_at": _("Required. Beijing time, e.g. 2026-03-05 14:30 or 2026/3/5 14:30:00."),
        "caller_name": _("Optional."),
        "caller_phone": _("Optional. A mainland mobile number or a landline with its area code."),
        "description": _("Required. What the caller asks for."),
        "category": _("Required. A category code (e.g. 0201) or its Chinese name."),
        "urgency": _("Optional: 一般, 紧急 or 特急; blank means 一般."),
        "address": _("Optional. Not geocoded: the position comes from the coordinates."),
        "lon": _("Required. Longitude in decimal degrees."),
        "lat": _("Required. Latitude in decimal degrees."),
        "crs": _("Optional: WGS84, GCJ02 or BD09; blank means GCJ02 (phone maps)."),
    }


EXAMPLE_ROW = {
    "ticket": EXAMPLE_TICKET,
    "received_at": "2026-03-05 14:30",
    "caller_name": "张女士",
    "caller_phone": "13800000000",
    "description": "和平小区3号楼前路面塌陷，请尽快修复。（示例行，导入时跳过）",
    "category": "0201",
    "urgency": "紧急",
    "address": "科尔沁区永清街道和平小区3号楼",
    "lon": 122.2633,
    "lat": 43.6175,
    "crs": "GCJ02",
}


def write_template(path: Path) -> None:
    """An empty import template: Chinese headers, the example row, and a sheet explaining the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工单"
    sheet.append([column.header for column in COLUMNS])
    sheet.append([EXAMPLE_ROW[column.key] for column in COLUMNS])
    for position, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=position)
        header.font = Font(bold=column.required)
        letter = header.column_letter
        sheet.column_dimensions[letter].width = 40 if column.key in ("description", "address") else 18
        if column.key in ("ticket", "caller_phone", "category"):
            # Text cells keep leading zeros and long digit strings as typed.
            for row in range(2, 1002):
                sheet.cell(row=row, column=position).number_format = "@"
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("说明")
    guide.append([_("Column"), _("Also accepted"), _("What to write")])
    hints = _column_hints()
    for column in COLUMNS:
        guide.append([column.header, ", ".join((column.english, *column.aliases)), hints[column.key]])
    guide.append([])
    guide.append(
        [
            _("The row with ticket number %(ticket)s is an example and is never imported.")
            % {"ticket": EXAMPLE_TICKET}
        ]
    )
    workbook.save(path)


def write_problems(path: Path, problems: Iterable[RowProblem]) -> None:
    """The bad rows as an xlsx: row, column, ticket number, value and reason per problem."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Problems")[:31]
    sheet.append([_("Row"), _("Column"), _("Ticket number"), _("Value"), _("Reason")])
    for problem in problems:
        sheet.append([problem.row, problem.column, problem.ticket, problem.value, problem.reason])
    for letter, width in zip("ABCDE", (8, 14, 20, 30, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)


def iter_problem_lines(problems: Iterable[RowProblem]) -> Iterator[str]:
    """The problems as lines for a terminal, in the active language."""
    for problem in problems:
        if problem.column:
            line = _("Row %(row)d, column %(column)s: %(reason)s") % {
                "row": problem.row,
                "column": problem.column,
                "reason": problem.reason,
            }
        else:
            line = _("Row %(row)d: %(reason)s") % {"row": problem.row, "reason": problem.reason}
        if problem.value:
            line += f" [{problem.value}]"
        yield line
