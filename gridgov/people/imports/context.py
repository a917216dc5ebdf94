"""What every kind's importer works with: the job's context, the problems it finds and the
result of checking a batch of rows."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.utils import timezone

from gridgov.geo.models import OrgUnit
from gridgov.people.imports.cells import CellError, shown_value
from gridgov.people.imports.columns import Column
from gridgov.people.imports.files import SourceRow
from gridgov.people.imports.lookups import GridLookup, TagLookup


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the column's Chinese header
    message: str
    value: str = ""  # as shown: identifiers masked


@dataclass
class ImportContext:
    """The unit imported into, the importer, and the lookups that live for a whole job."""

    unit: OrgUnit
    user: Any
    grids: GridLookup
    tags: TagLookup
    now: datetime = field(default_factory=timezone.now)
    today: date = field(default_factory=timezone.localdate)  # bounds birth dates in ID numbers

    @classmethod
    def for_unit(cls, unit: OrgUnit, user) -> ImportContext:
        return cls(unit=unit, user=user, grids=GridLookup(unit), tags=TagLookup(user, unit))

    def inside(self, path: str) -> bool:
        return path == self.unit.path or path.startswith(self.unit.path + ".")


@dataclass
class CheckedRow:
    row: int
    key: Hashable | None  # what makes the record unique in a file (None if it could not be read)
    record: Any | None  # what the importer writes; None for a bad row
    problems: list[Problem] = field(default_factory=list)


class RowReader:
    """Reads the cells of one row, collecting a problem per bad cell."""

    def __init__(self, row: int, cells: dict[str, Any], columns: dict[str, Column]) -> None:
        self.row = row
        self.cells = cells
        self.columns = columns
        self.problems: list[Problem] = []

    def read(self, key: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        value = self.cells.get(key)
        try:
            return parse(value)
        except CellError as exc:
            self.problem(key, exc.reason)
            return default

    def problem(self, key: str, message: str, value: Any = ...) -> None:
        column = self.columns[key]
        shown = self.cells.get(key) if value is ... else value
        identifier = ""
        if column.identifier:
            identifier = "phone" if "phone" in key else "id_number"
        self.problems.append(
            Problem(self.row, column.header, message, shown_value(shown, identifier=identifier))
        )

    def header(self, key: str) -> str:
        return self.columns[key].header


class KindImporter(Protocol):
    """Checks a batch of rows of one kind and writes the good ones."""

    kind: str
    key_column: str  # the column a duplicate in the file is reported on

    def check(self, rows: Sequence[SourceRow], ctx: ImportContext) -> list[CheckedRow]:
        """One CheckedRow per row, in order; a fixed number of queries per batch."""
        ...

    def apply(self, records: list[Any], ctx: ImportContext) -> tuple[int, int]:
        """Write the checked records (inside the caller's transaction): (created, updated)."""
        ...
