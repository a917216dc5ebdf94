"""A campaign's target list imported from Excel (TargetMode.LIST): one column of household
numbers (户号) or of ID numbers (身份证号, matched through the registry's keyed hash, the
household being the person's). Every bad row is reported with its row, column and reason; every
good row is kept. ID numbers never appear in clear in the report or the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import Campaign, CampaignStatus, ListEntry, TargetMode
from gridgov.campaigns.rights import MANAGE, atomic_action, require
from gridgov.campaigns.targeting import scope_paths
from gridgov.people import pii
from gridgov.people.imports.cells import CellError, cell_text, id_number, is_blank, shown_value
from gridgov.people.models import Household, Person, PersonStatus

CHUNK = 1000  # rows looked up per query
HOUSEHOLD = "household"
ID_NUMBER = "id_number"
# Header texts (lower case, spaces removed) naming each kind of column.
HEADERS = {
    "户号": HOUSEHOLD,
    "户编号": HOUSEHOLD,
    "householdnumber": HOUSEHOLD,
    "household": HOUSEHOLD,
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "公民身份号码": ID_NUMBER,
    "idnumber": ID_NUMBER,
    "id_number": ID_NUMBER,
}


@dataclass(frozen=True)
class BadRow:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the column's header as written in the file
    value: str  # the cell as shown (ID numbers masked)
    reason: str


@dataclass
class ListImport:
    column: str = ""
    rows: int = 0  # data rows read (blank rows skipped)
    households: int = 0  # distinct households of the good rows
    added: int = 0  # of which were not yet on the list
    bad_rows: list[BadRow] = field(default_factory=list)


def _rows(stream: IO[bytes] | str) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise CampaignError("file", _("This is not an Excel (.xlsx) file.")) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _header(row: tuple[Any, ...]) -> tuple[int, str, str]:
    for index, value in enumerate(row):
        text = cell_text(value).lower().replace(" ", "")
        if text in HEADERS:
            return index, HEADERS[text], cell_text(value)
    raise CampaignError(
        "file", _("The first row must name a column 户号 (household number) or 身份证号 (ID number).")
    )


@atomic_action
def import_list(user, campaign: Campaign, stream: IO[bytes] | str, *, replace: bool = False) -> ListImport:
    """Add the households listed in the workbook's first sheet to the draft campaign's list
    (`replace`: the list becomes exactly the file's good rows). Households outside the
    campaign's scope, inactive or unknown are bad rows. Raises CampaignError("file"), ("status")
    or ("target_mode")."""
    require(user, MANAGE, campaign.org_path, action="campaigns.list_import")
    if campaign.status != CampaignStatus.DRAFT:
        raise CampaignError("status", _("The list can be changed only before the campaign starts."))
    if campaign.target_mode != TargetMode.LIST:
        raise CampaignError("target_mode", _("Set the campaign's target to an imported list first."))
    rows = _rows(stream)
    header = next(rows, None)
    if header is None:
        raise CampaignError("file", _("The file is empty."))
    index, kind, column = _header(header)
    report = ListImport(column=column)
    paths = scope_paths(campaign)
    found: set[int] = set()
    chunk: list[tuple[int, Any]] = []
    for number, row in enumerate(rows, start=2):
        if all(is_blank(value) for value in row):
            continue
        report.rows += 1
        chunk.append((number, row[index] if index < len(row) else None))
        if len(chunk) >= CHUNK:
            found |= _check(chunk, kind, column, paths, report)
            chunk = []
    if chunk:
        found |= _check(chunk, kind, column, paths, report)
    if replace:
        ListEntry.objects.filter(campaign=campaign).delete()
        existing: set[int] = set()
    else:
        existing = set(ListEntry.objects.filter(campaign=campaign).values_list("household_id", flat=True))
    fresh = sorted(found - existing)
    ListEntry.objects.bulk_create(
        [ListEntry(campaign=campaign, household_id=pk) for pk in fresh], batch_size=CHUNK
    )
    report.households, report.added = len(found), len(fresh)
    report.bad_rows.sort(key=lambda bad: bad.row)
    record(
        "campaigns.list_import",
        actor=user,
        target=campaign,
        details={
            "column": kind,
            "rows": report.rows,
            "households": report.households,
            "added": report.added,
            "bad_rows": len(report.bad_rows),
            "replace": replace,
        },
    )
    return report


def _inside(path: str, paths: list[str]) -> bool:
    return any(path == top or path.startswith(top + ".") for top in paths)


def _check(
    chunk: list[tuple[int, Any]], kind: str, column: str, paths: list[str], report: ListImport
) -> set[int]:
    """The households of the chunk's good rows; bad rows go to the report (two queries at most)."""
    identifier = "id_number" if kind == ID_NUMBER else ""

    def bad(number: int, value: Any, reason: str) -> None:
        report.bad_rows.append(BadRow(number, column, shown_value(value, identifier=identifier), reason))

    keys: list[tuple[int, Any, str]] = []
    for number, value in chunk:
        if is_blank(value):
            bad(number, value, _("The cell is empty."))
            continue
        if kind == HOUSEHOLD:
            keys.append((number, value, cell_text(value)))
            continue
        try:
            checked = id_number(value)
        except CellError as error:
            bad(number, value, error.reason)
            continue
        keys.append((number, value, pii.index_of(checked.number, pii.ID_NUMBER)))

    households: dict[str, tuple[int, str, bool]] = {}
    if kind == HOUSEHOLD:
        listed = Household.objects.filter(number__in=[k for *_, k in keys])
        for pk, household_number, path, active in listed.values_list("pk", "number", "org_path", "is_active"):
            households[household_number] = (pk, path, active)
    else:
        persons = Person.objects.filter(id_number_index__in=[k for *_, k in keys]).values_list(
            "id_number_index", "status", "household_id", "household__org_path", "household__is_active"
        )
        for index, status, pk, path, active in persons:
            if status != PersonStatus.ACTIVE:
                households[str(index)] = (0, "", False)
            elif pk is not None:
                households[str(index)] = (pk, path, active)
            else:
                households[str(index)] = (0, "", True)

    good: set[int] = set()
    for number, value, key in keys:
        if key not in households:
            bad(
                number,
                value,
                _("No household with this number.")
                if kind == HOUSEHOLD
                else _("No person with this ID number."),
            )
            continue
        pk, path, active = households[key]
        if not pk and active:
            bad(number, value, _("This person belongs to no household."))
        elif not active:
            bad(
                number,
                value,
                _("This household is no longer active.")
                if kind == HOUSEHOLD
                else _("This person or their household no longer lives here."),
            )
        elif not _inside(path, paths):
            bad(number, value, _("This household is outside the campaign's scope."))
        else:
            good.add(pk)
    return good
