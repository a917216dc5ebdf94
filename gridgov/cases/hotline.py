"""Importing 12345 hotline tickets (CSV or xlsx) as cases: validating rows and importing them.

Reading files and writing spreadsheets is in hotline_files.py, reading cells in hotline_cells.py.

Every row is validated before anything is written, and every problem of every row is reported
with its row number (the header row is row 1, as a spreadsheet shows it), its column and a
reason. Good rows are then reported one by one through workflow.report_case, each in its own
transaction, with the ticket number as idempotency key: re-importing a file creates nothing
twice. docs/hotline.md describes the file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import has_permission, in_scope
from gridgov.audit.log import record
from gridgov.cases.errors import NotAllowed, WorkflowError
from gridgov.cases.hotline_cells import (
    CategoryLookup,
    CellError,
    cell_text,
    is_blank,
    limited_text,
    parse_coordinate,
    parse_crs,
    parse_phone,
    parse_received_at,
    parse_ticket,
    parse_urgency,
)
from gridgov.cases.hotline_files import (
    COLUMN_BY_KEY,
    EXAMPLE_TICKET,
    RowProblem,
    Table,
    read_table,
)
from gridgov.cases.models import Case, Source
from gridgov.cases.states import CREATE_PERMISSION
from gridgov.cases.workflow import NewCase, report_case
from gridgov.geo import crs as coordinates
from gridgov.geo import index

IMPORT_PERMISSION = "cases.import_hotline"


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


# --- Access --------------------------------------------------------------------------------------


def check_importer(actor) -> None:
    """Raise NotAllowed unless `actor` may import hotline tickets and report cases."""
    for permission in (IMPORT_PERMISSION, CREATE_PERMISSION):
        if not has_permission(actor, permission):
            raise NotAllowed(
                _("%(user)s lacks the permission %(permission)s.")
                % {"user": getattr(actor, "username", actor), "permission": permission}
            )


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
    ticket = cell_text(cells.get("ticket"))

    def cell(key: str, parse) -> None:
        value = cells.get(key)
        try:
            parsed[key] = parse(value)
        except CellError as exc:
            column = headers.get(key) or COLUMN_BY_KEY[key].header
            problems.append(RowProblem(row, column, exc.reason, ticket, cell_text(value)))

    cell("ticket", parse_ticket)
    cell("received_at", lambda v: parse_received_at(v, now=now))
    cell("caller_name", lambda v: limited_text(v, 50))
    cell("caller_phone", parse_phone)
    cell("description", _description)
    cell("category", categories.find)
    cell("urgency", parse_urgency)
    cell("address", lambda v: limited_text(v, 200))
    cell("lon", lambda v: parse_coordinate(v, low=73.0, high=136.0))
    if not (is_blank(cells.get("lon")) and is_blank(cells.get("lat"))):  # no coordinates: said once
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
    text = cell_text(value)
    if not text:
        raise CellError(_("The description of the request is required."))
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


def validate(table: Table, *, actor) -> tuple[list[_GoodRow], list[RowProblem]]:
    """Every row checked: the rows fit to import and the problems of all the others."""
    now = timezone.now()
    categories = CategoryLookup()
    good: list[_GoodRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for row, cells in table.rows:
        if cell_text(cells.get("ticket")) == EXAMPLE_TICKET:
            continue
        candidate, row_problems = _validate_row(
            row, cells, table.headers, actor=actor, now=now, categories=categories
        )
        ticket = cell_text(cells.get("ticket"))
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
