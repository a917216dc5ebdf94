"""Importing 12345 hotline tickets (CSV or xlsx) as cases: reading, validating, importing.

Every row is validated before anything is written, and every problem of every row is reported
with its row number (the header row is row 1, as a spreadsheet shows it), its column and a
reason. Good rows are then reported one by one through workflow.report_case, each in its own
transaction, with the ticket number as idempotency key: re-importing a file creates nothing
twice. docs/hotline.md describes the file format.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import has_permission, in_scope
from gridgov.audit.log import record
from gridgov.cases.errors import NotAllowed, WorkflowError
from gridgov.cases.models import Case, Category, Source, Urgency
from gridgov.cases.states import CREATE_PERMISSION
from gridgov.cases.workflow import NewCase, report_case
from gridgov.geo import crs as coordinates
from gridgov.geo import index

IMPORT_PERMISSION = "cases.import_hotline"
# The template's example row carries this ticket number; the importer skips it.
EXAMPLE_TICKET = "示例-0001"
# A ticket received a little "in the future" is clock skew between systems, not an error.
CLOCK_SKEW = timedelta(minutes=10)
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

URGENCY_WORDS = {
    "一般": Urgency.NORMAL,
    "普通": Urgency.NORMAL,
    "normal": Urgency.NORMAL,
    "紧急": Urgency.URGENT,
    "urgent": Urgency.URGENT,
    "特急": Urgency.CRITICAL,
    "特别紧急": Urgency.CRITICAL,
    "critical": Urgency.CRITICAL,
}
CRS_WORDS = {
    "wgs84": coordinates.WGS84,
    "gps": coordinates.WGS84,
    "gcj02": coordinates.GCJ02,
    "高德": coordinates.GCJ02,
    "腾讯": coordinates.GCJ02,
    "bd09": coordinates.BD09,
    "百度": coordinates.BD09,
}
# 12345 platforms take positions from phone maps (GCJ-02), not from GPS receivers.
DEFAULT_CRS = coordinates.GCJ02

TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分%S秒",
    "%Y年%m月%d日%H时%M分",
    "%Y年%m月%d日%H:%M",
    "%Y%m%d%H%M%S",
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code 0 + 2..3 digits, 7..8 digit number, an optional extension.
_LANDLINE = re.compile(r"(0\d{2,3})-?([1-9]\d{6,7})(?:-(\d{1,6}))?")
_CATEGORY_CODE = re.compile(r"^(\d{2}|\d{4})(?:\s+.*)?$")


class HotlineFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header); nothing was imported."""


class _CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RowProblem:
    """One bad cell (or a whole bad row, when `column` is empty)."""

    row: int
    column: str
    reason: str
    ticket: str = ""
    value: str = ""


@dataclass
class RowOutcome:
    row: int
    ticket: str
    case_number: str


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool
    imported: list[RowOutcome] = field(default_factory=list)  # in a dry run: would be imported
    already_imported: list[RowOutcome] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})

    def counts(self) -> dict[str, int]:
        return {
            "imported": len(self.imported),
            "already_imported": len(self.already_imported),
            "bad": len(self.bad_rows),
        }


@dataclass
class _Table:
    headers: dict[str, str]  # column key -> the header as the file writes it
    rows: list[tuple[int, dict[str, Any]]]  # (row number, column key -> raw cell value)


# --- Access --------------------------------------------------------------------------------------


def check_importer(actor) -> None:
    """Raise NotAllowed unless `actor` may import hotline tickets and report cases."""
    for permission in (IMPORT_PERMISSION, CREATE_PERMISSION):
        if not has_permission(actor, permission):
            raise NotAllowed(
                _("%(user)s lacks the permission %(permission)s.")
                % {"user": getattr(actor, "username", actor), "permission": permission}
            )


# --- Reading the file ---------------------------------------------------------------------------


def read_table(content: bytes, file_name: str) -> _Table:
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


def _table(raw_rows: list[list[Any]]) -> _Table:
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
        if all(_blank(value) for value in cells.values()):
            continue
        rows.append((i + 1, cells))
    return _Table(headers, rows)


# --- Reading cells ------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A cell as text; whole numbers that a spreadsheet stored as floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _limited(value: Any, limit: int) -> str:
    text = _text(value)
    if len(text) > limit:
        raise _CellError(_("Longer than %(limit)d characters.") % {"limit": limit})
    return text


def parse_ticket(value: Any) -> str:
    ticket = _limited(value, 40)
    if not ticket:
        raise _CellError(_("The ticket number is required."))
    return ticket


def parse_received_at(value: Any, *, now: datetime) -> datetime:
    """A received time: an xlsx date cell, an Excel serial number or text in a common format.
    Times without a zone are Beijing time (Asia/Shanghai)."""
    shanghai = ZoneInfo("Asia/Shanghai")
    if _blank(value):
        raise _CellError(_("The time the call was received is required."))
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) and 20000 < value < 100000:
        from openpyxl.utils.datetime import from_excel

        moment = from_excel(value)
    else:
        moment = _parse_time_text(_text(value))
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=shanghai)
    if moment > now + CLOCK_SKEW:
        raise _CellError(_("The received time is in the future."))
    return moment


def _parse_time_text(text: str) -> datetime:
    cleaned = re.sub(r"\s+", " ", text.replace("：", ":")).strip()
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    try:
        if ":" not in cleaned:
            raise ValueError("a date without a time of day")
        return datetime.fromisoformat(cleaned)
    except ValueError:
        raise _CellError(
            _("Not a date and time; write it like 2026-03-05 14:30 or 2026/3/5 14:30:00.")
        ) from None


def parse_phone(value: Any) -> str:
    """A mainland mobile (11 digits) or landline (area code-number[-extension]) number, normalized."""
    text = _text(value)
    if not text:
        return ""
    digits = re.sub(r"[\s()（）]", "", text)
    digits = re.sub(r"^(\+86|0086|86(?=1[3-9]\d{9}$))-?", "", digits)
    if _MOBILE.fullmatch(digits):
        return digits
    landline = _LANDLINE.fullmatch(digits)
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    raise _CellError(
        _(
            "Not a mainland mobile number (11 digits starting 13 to 19) or a landline number "
            "with its area code (like 0475-8211234)."
        )
    )


def parse_urgency(value: Any) -> str:
    text = _text(value).lower()
    if not text:
        return Urgency.NORMAL
    urgency = URGENCY_WORDS.get(text)
    if urgency is None:
        raise _CellError(_("Write 一般, 紧急 or 特急 (normal, urgent or critical)."))
    return urgency


def parse_crs(value: Any) -> str:
    text = re.sub(r"[\s\-_]", "", _text(value)).lower()
    if not text:
        return DEFAULT_CRS
    crs = CRS_WORDS.get(text)
    if crs is None:
        raise _CellError(_("Write WGS84, GCJ02 or BD09."))
    return crs


def parse_coordinate(value: Any, *, low: float, high: float) -> float:
    if _blank(value):
        raise _CellError(
            _("No coordinates: the import does not look addresses up; add the longitude and latitude.")
        )
    try:
        number = float(_text(value))
    except ValueError:
        raise _CellError(_("Not a number.")) from None
    if not low <= number <= high:
        raise _CellError(_("Outside China (%(low)s to %(high)s).") % {"low": low, "high": high})
    return number


class CategoryLookup:
    """Active categories by code, by Chinese name and by English name (loaded once per import)."""

    def __init__(self) -> None:
        self.by_code: dict[str, Category] = {}
        self.by_name: dict[str, list[Category]] = {}
        for category in Category.objects.filter(is_active=True):
            self.by_code[category.code] = category
            for name in (category.name_zh, category.name_en.lower()):
                if name:
                    self.by_name.setdefault(name, []).append(category)

    def find(self, value: Any) -> Category:
        text = _text(value)
        if not text:
            raise _CellError(_("The category is required."))
        coded = _CATEGORY_CODE.match(text)
        if coded is None and text.isdigit() and len(text) in (1, 3):
            # A spreadsheet that stored 0201 as a number dropped the leading zero.
            coded = _CATEGORY_CODE.match("0" + text)
        if coded:
            category = self.by_code.get(coded.group(1))
            if category is None:
                raise _CellError(_("No active category has the code %(code)s.") % {"code": coded.group(1)})
            return category
        matches = self.by_name.get(text) or self.by_name.get(text.lower()) or []
        if len(matches) > 1:
            raise _CellError(_("Several categories have this name; write the code instead."))
        if not matches:
            raise _CellError(_("No active category has this code or name."))
        return matches[0]


# --- Validating rows ----------------------------------------------------------------------------


@dataclass
class _GoodRow:
    row: int
    ticket: str
    case: NewCase


def _validate_row(
    row: int,
    cells: dict[str, Any],
    headers: dict[str, str],
    *,
    actor,
    now: datetime,
    categories: CategoryLookup,
) -> tuple[_GoodRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    parsed: dict[str, Any] = {}
    ticket = _text(cells.get("ticket"))

    def cell(key: str, parse) -> None:
        value = cells.get(key)
        try:
            parsed[key] = parse(value)
        except _CellError as exc:
            column = headers.get(key) or COLUMN_BY_KEY[key].header
            problems.append(RowProblem(row, column, exc.reason, ticket, _text(value)))

    cell("ticket", parse_ticket)
    cell("received_at", lambda v: parse_received_at(v, now=now))
    cell("caller_name", lambda v: _limited(v, 50))
    cell("caller_phone", parse_phone)
    cell("description", _description)
    cell("category", categories.find)
    cell("urgency", parse_urgency)
    cell("address", lambda v: _limited(v, 200))
    cell("lon", lambda v: parse_coordinate(v, low=73.0, high=136.0))
    if not (_blank(cells.get("lon")) and _blank(cells.get("lat"))):  # no coordinates: said once
        cell("lat", lambda v: parse_coordinate(v, low=3.0, high=54.0))
    cell("crs", parse_crs)
    if "lon" in parsed and "lat" in parsed and "crs" in parsed:
        reason = _place_problem(parsed["lon"], parsed["lat"], parsed["crs"], actor)
        if reason:
            problems.append(
                RowProblem(row, headers["lon"], reason, ticket, f"{parsed['lon']}, {parsed['lat']}")
            )
    if problems:
        return None, problems
    new_case = NewCase(
        category=parsed["category"].code,
        description=parsed["description"],
        lon=parsed["lon"],
        lat=parsed["lat"],
        crs=parsed["crs"],
        urgency=parsed["urgency"],
        source=Source.HOTLINE,
        address=parsed["address"],
        caller_name=parsed["caller_name"],
        caller_phone=parsed["caller_phone"],
        hotline_ref=parsed["ticket"],
        idempotency_key=parsed["ticket"],
        at=parsed["received_at"],
    )
    return _GoodRow(row, parsed["ticket"], new_case), []


def _description(value: Any) -> str:
    text = _text(value)
    if not text:
        raise _CellError(_("The description of the request is required."))
    return text


def _place_problem(lon: float, lat: float, crs: str, actor) -> str:
    """Why the position cannot take a case of `actor`'s, or '' when it can."""
    wgs_lon, wgs_lat = coordinates.to_wgs84(lon, lat, crs)
    grid = index.grid_at(wgs_lon, wgs_lat)
    if grid is None:
        return _(
            "The location is outside every grid of the district (check that longitude and latitude "
            "are not swapped and the coordinate system is right)."
        )
    if not in_scope(actor, grid.path, CREATE_PERMISSION):
        return _("The location is outside your jurisdiction.")
    return ""


def validate(table: _Table, *, actor) -> tuple[list[_GoodRow], list[RowProblem]]:
    """Every row checked: the rows fit to import and the problems of all the others."""
    now = timezone.now()
    categories = CategoryLookup()
    good: list[_GoodRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for row, cells in table.rows:
        if _text(cells.get("ticket")) == EXAMPLE_TICKET:
            continue
        candidate, row_problems = _validate_row(
            row, cells, table.headers, actor=actor, now=now, categories=categories
        )
        ticket = _text(cells.get("ticket"))
        if ticket and ticket in first_row_of:
            row_problems.append(
                RowProblem(
                    row,
                    table.headers["ticket"],
                    _("The ticket number repeats row %(row)d.") % {"row": first_row_of[ticket]},
                    ticket,
                    ticket,
                )
            )
        elif ticket:
            first_row_of[ticket] = row
        problems.extend(row_problems)
        if candidate is not None and not row_problems:
            good.append(candidate)
    return good, problems


def _existing_cases(tickets: list[str]) -> dict[str, Case]:
    found: dict[str, Case] = {}
    for start in range(0, len(tickets), 500):
        for case in Case.objects.filter(hotline_ref__in=tickets[start : start + 500]).order_by("id"):
            found.setdefault(case.hotline_ref, case)
    return found


# --- Importing ----------------------------------------------------------------------------------


def import_hotline(content: bytes, file_name: str, *, actor, dry_run: bool = False) -> ImportReport:
    """Validate every row of a hotline file, then report each good row as a case (unless dry_run).

    A ticket already on a case with the same content counts as already imported; with other
    content it is a bad row. Raises NotAllowed (the actor may not import) and HotlineFileError
    (the file as a whole is unreadable); row problems are returned in the report, never raised.
    """
    check_importer(actor)
    table = read_table(content, file_name)
    report = ImportReport(file_name=file_name, dry_run=dry_run)
    good, report.problems = validate(table, actor=actor)
    existing = _existing_cases([candidate.ticket for candidate in good])
    for candidate in good:
        case = existing.get(candidate.ticket)
        if case is not None:
            _sort_existing(report, candidate, case, table.headers)
        elif dry_run:
            report.imported.append(RowOutcome(candidate.row, candidate.ticket, ""))
        else:
            _import_row(report, candidate, actor, table.headers)
    report.problems.sort(key=lambda problem: problem.row)
    if not dry_run:
        record(
            "cases.hotline_import",
            actor=actor,
            details={"file": Path(file_name).name, **report.counts()},
        )
    return report


def _sort_existing(report: ImportReport, candidate: _GoodRow, case: Case, headers: dict[str, str]) -> None:
    if case.request_fingerprint == candidate.case.fingerprint():
        report.already_imported.append(RowOutcome(candidate.row, candidate.ticket, case.number))
        return
    report.problems.append(
        RowProblem(
            candidate.row,
            headers["ticket"],
            _("This ticket is already recorded on case %(number)s with different content.")
            % {"number": case.number},
            candidate.ticket,
            candidate.ticket,
        )
    )


_FIELD_COLUMNS = {
    "category": "category",
    "urgency": "urgency",
    "description": "description",
    "lon": "lon",
    "lat": "lat",
    "idempotency_key": "ticket",
}


def _import_row(report: ImportReport, candidate: _GoodRow, actor, headers: dict[str, str]) -> None:
    try:
        # report_case runs in its own transaction: a failing row takes no other row with it.
        case, created = report_case(candidate.case, actor=actor)
    except IntegrityError:
        # Another importer created this ticket's case at the same moment.
        case, created = Case.objects.get(source=Source.HOTLINE, hotline_ref=candidate.ticket), False
    except WorkflowError as exc:
        key = _FIELD_COLUMNS.get(exc.field or "")
        column = headers.get(key, "") if key else ""
        report.problems.append(RowProblem(candidate.row, column, str(exc.message), candidate.ticket))
        return
    outcome = RowOutcome(candidate.row, candidate.ticket, case.number)
    (report.imported if created else report.already_imported).append(outcome)


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


__all__ = [
    "COLUMNS",
    "EXAMPLE_TICKET",
    "HotlineFileError",
    "ImportReport",
    "RowProblem",
    "check_importer",
    "import_hotline",
    "iter_problem_lines",
    "read_table",
    "write_problems",
    "write_template",
]
