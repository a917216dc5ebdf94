"""Registry exports: the records of one unit as an xlsx or CSV file, masked.

Who may export: a holder of people.export whose jurisdiction covers the unit; the file holds
only records the user may see (people.view), ID numbers and phones in their masked form, free
text with identifiers masked, and only the special-group tags the user may see. Every export
is audited ("people.export"). The unmasked export, which needs a second person's approval,
is in people.export_requests and writes its files through `write_sheet` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope, path_filter, scoped
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.geo.models import OrgUnit
from gridgov.people.export_files import CONTENT_TYPES, write_export
from gridgov.people.export_sheets import MASKED, SHEETS, Identifiers, Sheet
from gridgov.people.services import RegistryError
from gridgov.people.transfers import ExportFormat

ACTION = "people.export"
EXPORT = "people.export"


@dataclass
class ExportFile:
    """A written export: an open temporary file to stream, and what to call it."""

    handle: IO[bytes]
    filename: str
    content_type: str
    rows: int


def export_units(user, permission: str = EXPORT) -> QuerySet[OrgUnit]:
    """The active units whose records `user` may export under `permission`, tree order."""
    return scoped(user, OrgUnit.objects.active(), permission).order_by("path")


def sheet_for(kind: str) -> Sheet:
    """The sheet of a record kind; raises RegistryError("kind") for an unknown kind."""
    sheet = SHEETS.get(kind)
    if sheet is None:
        raise RegistryError("kind", _("Choose what to export."), "invalid_kind")
    return sheet


def check_format(file_format: str) -> str:
    if file_format not in ExportFormat.values:
        raise RegistryError("file_format", _("Choose xlsx or CSV."), "invalid_format")
    return file_format


def _records(sheet: Sheet, unit: OrgUnit, user) -> QuerySet:
    # The unit's records, narrowed again to what the user may see: an export never shows more
    # than the pages do.
    records = scoped(user, sheet.queryset(), "people.view")
    return records.filter(path_filter("org_path", [unit.path])).order_by("org_path", "pk")


def write_sheet(
    sheet: Sheet,
    unit: OrgUnit,
    user,
    *,
    file_format: str,
    identifiers: Identifiers,
    watermark: str = "",
    suffix: str = "",
) -> ExportFile:
    """Write the unit's records of `sheet` as the user may see them (no permission check here)."""
    rows = sheet.rows(_records(sheet, unit, user), user, identifiers)
    handle, count = write_export(
        file_format,
        title=sheet.title,
        headers=sheet.headers,
        rows=rows,
        watermark=watermark,
        author=user.get_username(),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{sheet.title}_{unit.code}_{stamp}{suffix}.{file_format}"
    return ExportFile(handle, filename, CONTENT_TYPES[ExportFormat(file_format)], count)


def export_masked(user, *, kind: str, unit: OrgUnit, file_format: str, request=None) -> ExportFile:
    """The masked export of `kind` records in `unit`, audited.

    Raises RegistryError for an unknown kind or format, PermissionDenied when the user may not
    export in that unit (the attempt is audited).
    """
    sheet = sheet_for(kind)
    check_format(file_format)
    details: dict[str, Any] = {"kind": kind, "unit": unit.code, "masked": True, "format": file_format}
    if not in_scope(user, unit.path, EXPORT):
        record(ACTION, actor=user, request=request, target=unit, outcome=Outcome.DENIED, details=details)
        raise PermissionDenied(_("You may not export the records of this unit."))
    export = write_sheet(sheet, unit, user, file_format=file_format, identifiers=MASKED)
    record(ACTION, actor=user, request=request, target=unit, details={**details, "rows": export.rows})
    return export
