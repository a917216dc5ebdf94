"""Writing import files for tests and running them through the real import path."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from gridgov.people.identity_numbers import make_id_number
from gridgov.people.imports.columns import COLUMNS
from gridgov.people.imports.dry_run import check_job
from gridgov.people.imports.jobs import create_job
from gridgov.people.imports.runner import run_job
from gridgov.people.transfers import ImportJob

GRID_1 = "150502001001001"
GRID_2 = "150502001001002"
GRID_OTHER_STREET = "150502002001001"


def headers(kind: str) -> list[str]:
    return [column.header for column in COLUMNS[kind]]


def table(kind: str, rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The header of `kind` and the rows (column key -> value) in its column order."""
    keys = [column.key for column in COLUMNS[kind]]
    return [headers(kind), *[[row.get(key, "") for key in keys] for row in rows]]


def write_csv(path: Path, lines: list[list[Any]], *, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, lines: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in lines:
        sheet.append(line)
    workbook.save(path)
    return path


def person_id(n: int, *, year: int = 1980) -> str:
    """A valid ID number, distinct for each n < 365 * 1000."""
    day = date(year, 1, 1).toordinal() + n // 1000
    return make_id_number("150502", date.fromordinal(day), n % 1000)


def checked_job(kind: str, path: Path, unit, user) -> ImportJob:
    return check_job(create_job(kind=kind, file=path, org_unit=unit, user=user))


def imported(kind: str, path: Path, unit, user) -> ImportJob:
    job = checked_job(kind, path, unit, user)
    return run_job(job.pk)


def problems(job: ImportJob) -> set[tuple[int, str]]:
    return set(job.problems.values_list("row", "field"))
