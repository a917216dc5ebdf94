"""Reading export files back in tests: every text a file holds, and its rows."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import IO

from openpyxl import load_workbook


def all_text(handle: IO[bytes], file_format: str) -> str:
    """Everything the file holds as text: for xlsx every part of the package (cells, shared
    strings, page header and footer, document properties)."""
    handle.seek(0)
    data = handle.read()
    if file_format == "csv":
        return data.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "\n".join(package.read(name).decode("utf-8", "replace") for name in package.namelist())


def rows(handle: IO[bytes], file_format: str) -> list[list]:
    """The file's rows as lists of values ('' / None for empty cells)."""
    handle.seek(0)
    data = handle.read()
    if file_format == "csv":
        return [list(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
    workbook = load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
