"""Reading a registry import file as a stream of rows: CSV (UTF-8 with or without BOM, or GBK)
or xlsx (the first worksheet). Rows are read one at a time, so a file of a million rows never
sits in memory; reading the same file twice gives the same rows with the same numbers, which
is what lets an import resume after its last committed batch."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from gridgov.people.imports.cells import cell_text, is_blank
from gridgov.people.imports.columns import COLUMNS, header_keys, normal_header

# Rows above the header (a register's title lines) are skipped; the header is looked for this far.
HEADER_SEARCH_ROWS = 10
# A row whose first column starts with this is the template's example and is never imported.
EXAMPLE_MARK = "示例"
SUFFIXES = (".csv", ".xlsx")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 1 << 20

# (row number as a spreadsheet shows it, column key -> raw cell value)
SourceRow = tuple[int, dict[str, Any]]


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header); nothing is imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: dict[str, str]  # column key -> the header as the file writes it
    rows: Iterator[SourceRow]  # data rows only: no header, no blank rows, no example row


def file_format(head: bytes, name: str) -> str:
    """ "csv" or "xlsx", from the file name and its first bytes; ImportFileError for anything else."""
    suffix = Path(name).suffix.lower()
    if head.startswith(_XLS_MAGIC) or suffix == ".xls":
        raise ImportFileError(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or .csv."))
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    if suffix == ".xlsx":
        raise ImportFileError(_("The file is not a readable xlsx workbook."))
    if suffix == ".csv":
        return "csv"
    raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


@contextmanager
def open_table(path: Path, kind: str, *, name: str = "") -> Iterator[Table]:
    """The header and a stream of data rows of the file at `path` (`name` is the file name the
    user gave, for its suffix). Raises ImportFileError when the file cannot be read or lacks a
    required column."""
    with path.open("rb") as handle:
        head = handle.read(8)
    fmt = file_format(head, name or path.name)
    if fmt == "xlsx":
        with _xlsx_rows(path) as raw_rows:
            yield _table(raw_rows, kind)
    else:
        with _csv_rows(path) as raw_rows:
            yield _table(raw_rows, kind)


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[Iterator[tuple[Any, ...]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            _("The file is not a readable xlsx workbook (%(error)s).") % {"error": type(exc).__name__}
        ) from None
    try:
        yield workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030 (a superset of GBK, what Chinese Excel saves CSV in).

    The whole file is validated as UTF-8 (in C, chunk by chunk) before GBK is assumed: a GBK
    file can start with plain ASCII and show its first Chinese character on line 900,000.
    """
    with path.open("rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_SNIFF_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        gbk = codecs.getincrementaldecoder("gb18030")()
        try:
            while chunk := handle.read(_SNIFF_BYTES):
                gbk.decode(chunk)
            gbk.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK encoded.")) from None
    return "gb18030"


@contextmanager
def _csv_rows(path: Path) -> Iterator[Iterator[list[str]]]:
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        first_line = handle.readline()
        handle.seek(0)
        delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
        yield _csv_reader(handle, delimiter)


def _csv_reader(handle, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(handle, delimiter=delimiter)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read (%(error)s).") % {"error": exc}) from None


def _table(raw_rows: Iterator[Any], kind: str) -> Table:
    keys = header_keys(kind)
    columns = COLUMNS[kind]
    anchor = next(c for c in columns if c.required).key
    head: list[Any] = []
    header_index = None
    for position, raw in enumerate(raw_rows):
        head.append(raw)
        if any(keys.get(normal_header(cell)) == anchor for cell in raw):
            header_index = position
            break
        if position + 1 >= HEADER_SEARCH_ROWS:
            break
    if header_index is None:
        anchor_column = next(c for c in columns if c.key == anchor)
        raise ImportFileError(
            _("No header row with the column %(column)s was found in the first %(count)d rows.")
            % {"column": anchor_column.header, "count": HEADER_SEARCH_ROWS}
        )
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    for position, cell in enumerate(head[header_index]):
        key = keys.get(normal_header(cell))
        if key is None:
            continue  # columns we do not use
        if key in positions:
            raise ImportFileError(
                _("Row %(row)d: the columns %(first)s and %(second)s mean the same thing.")
                % {"row": header_index + 1, "first": headers[key], "second": cell_text(cell)}
            )
        headers[key] = cell_text(cell)
        positions[key] = position
    missing = [c for c in columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("Row %(row)d: required columns are missing: %(columns)s.")
            % {"row": header_index + 1, "columns": "、".join(c.header for c in missing)}
        )
    first_key = min(positions, key=positions.__getitem__)
    return Table(headers, _data_rows(raw_rows, header_index + 1, positions, first_key))


def _data_rows(
    raw_rows: Iterator[Any], first_number: int, positions: dict[str, int], first_key: str
) -> Iterator[SourceRow]:
    items = list(positions.items())
    width = max(positions.values()) + 1
    for number, raw in enumerate(raw_rows, start=first_number + 1):
        if len(raw) < width:
            raw = list(raw) + [None] * (width - len(raw))
        cells = {key: raw[position] for key, position in items}
        if all(is_blank(value) for value in cells.values()):
            continue
        first = cells[first_key]
        if isinstance(first, str) and first.lstrip().startswith(EXAMPLE_MARK):
            continue
        yield number, cells
