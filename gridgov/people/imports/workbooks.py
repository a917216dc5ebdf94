"""The spreadsheets we hand out: the import template of each kind (Chinese headers, an example
row, a sheet explaining the columns) and the problems of a checked file."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from django.utils.translation import gettext as _

from gridgov.people.credit_codes import make_credit_code
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.imports.columns import COLUMNS
from gridgov.people.imports.files import EXAMPLE_MARK
from gridgov.people.transfers import ImportJob, RecordKind

# Identifiers and codes are text cells: Excel would drop leading zeros and the last digits of
# an 18-digit ID number typed into a number cell.
TEXT_COLUMNS = {"id_number", "head_id_number", "phone", "contact_phone", "grid", "credit_code", "household"}
TEXT_ROWS = 2000

EXAMPLES: dict[str, dict[str, Any]] = {
    RecordKind.PERSONS: {
        "name": f"{EXAMPLE_MARK}：乌兰其其格",
        "id_number": make_id_number("150502", date(1986, 4, 12), 224),
        "ethnicity": "蒙古族",
        "phone": "13900000000",
        "residence_type": "户籍",
        "registered_address": "内蒙古通辽市科尔沁区永清街道和平路1号",
        "grid": "150502001001001",
        "building": "1",
        "unit": 2,
        "house_number": "502",
        "household": "H-150502-0001",
        "relation": "户主",
        "tags": "独居老人、残疾人",
        "note": "",
    },
    RecordKind.BUILDINGS: {
        "ref": f"{EXAMPLE_MARK}-1",
        "name": "和平小区1号楼",
        "address": "永清街道和平路1号",
        "lon": 122.2633,
        "lat": 43.6175,
        "floors": 6,
        "units": 3,
        "kind": "住宅",
    },
    RecordKind.HOUSES: {
        "building": f"{EXAMPLE_MARK}-1",
        "grid": "",
        "unit": 2,
        "floor": 5,
        "house_number": "502",
        "area": 86.5,
        "use": "出租",
    },
    RecordKind.HOUSEHOLDS: {
        "number": f"{EXAMPLE_MARK}-H-0001",
        "grid": "",
        "building": "1",
        "unit": 2,
        "house_number": "502",
        "head_id_number": make_id_number("150502", date(1986, 4, 12), 224),
    },
    RecordKind.ORGANIZATIONS: {
        "name": f"{EXAMPLE_MARK}：和平便利店",
        "kind": "门店",
        "credit_code": make_credit_code("92150502MA0N00001"),
        "legal_representative": "赵丽",
        "contact_name": "赵丽",
        "contact_phone": "13900000000",
        "address": "永清街道和平路1号底商",
        "lon": 122.2634,
        "lat": 43.6176,
        "employees": 3,
        "fire_inspected_on": "2026-03-05",
        "fire_risk": "低",
        "extinguishers_ok": "是",
        "exits_clear": "是",
        "fire_notes": "",
    },
}


def _hints() -> dict[str, str]:
    place = _("Where the record is: the grid code, or building number + unit + house number.")
    return {
        "name": _("Required for a new record."),
        "id_number": _("Required: 18 characters (or the old 15 digits). Identifies the person."),
        "head_id_number": _("The head's ID number; the person must be registered in the unit."),
        "ethnicity": _("Chinese name (蒙古族, 蒙古) or the two-digit code."),
        "phone": _("A mainland mobile number."),
        "contact_phone": _("A mainland mobile number."),
        "residence_type": _("户籍, 常住 or 流动; blank means 户籍 for a new person."),
        "registered_address": _("At most 200 characters."),
        "grid": place,
        "building": place + " " + _("The building number (楼栋编号) as in the buildings file."),
        "unit": _("A whole number (1, 2, 3 …)."),
        "house_number": _("As written on the door, e.g. 502."),
        "household": _("Household number; a new number creates the household where the person lives."),
        "relation": _("户主, 配偶, 子女, 父母, 孙子女, 祖父母, 兄弟姐妹, 儿媳/女婿, 其他亲属 or 其他."),
        "tags": _("Special groups, separated by 、 or a comma: e.g. 独居老人、残疾人."),
        "note": _("Free text."),
        "ref": _("Required: the building's number, unique within its grid."),
        "address": _("Required for a new record."),
        "lon": _("Required: WGS-84 (GPS) longitude in decimal degrees; the grid follows from the point."),
        "lat": _("Required: WGS-84 (GPS) latitude in decimal degrees."),
        "floors": _("Number of floors above ground."),
        "units": _("Number of units (entrances)."),
        "kind": _("The kind: see the example; blank keeps the stored value."),
        "floor": _("Required for a new house; negative for a basement."),
        "area": _("Floor area in m²."),
        "use": _("自住, 出租, 空置 or 商用."),
        "number": _("Required: the household number, unique in the district."),
        "credit_code": _("18 characters; identifies the organization (else its name and address do)."),
        "legal_representative": _("At most 50 characters."),
        "contact_name": _("At most 50 characters."),
        "employees": _("A whole number."),
        "fire_inspected_on": _("Date of the last fire-safety inspection, e.g. 2026-03-05."),
        "fire_risk": _("低, 中 or 高."),
        "extinguishers_ok": _("是 or 否."),
        "exits_clear": _("是 or 否."),
        "fire_notes": _("At most 200 characters."),
    }


def write_template(kind: str, stream: IO[bytes]) -> None:
    """The import template of `kind`: headers, the example row (never imported) and a sheet
    that explains each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(RecordKind(kind).label)[:31]
    sheet.append([column.header for column in columns])
    example = EXAMPLES[kind]
    sheet.append([example.get(column.key, "") for column in columns])
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = Font(bold=column.required)
        sheet.column_dimensions[cell.column_letter].width = 22 if column.identifier else 16
        if column.key in TEXT_COLUMNS:
            for row in range(2, TEXT_ROWS + 2):
                sheet.cell(row=row, column=position).number_format = "@"
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("说明")
    guide.append([_("Column"), _("Also accepted"), _("Header required"), _("What to write")])
    hints = _hints()
    for column in columns:
        guide.append(
            [
                column.header,
                ", ".join((column.english, *column.aliases)),
                _("yes") if column.required else "",
                hints.get(column.key, ""),
            ]
        )
    guide.append([])
    for line in (
        _("The row whose first cell starts with %(mark)s is an example and is never imported.")
        % {"mark": EXAMPLE_MARK},
        _("A record already registered in your unit is updated: filled cells overwrite, empty cells keep."),
        _("Each record may appear once in a file; a second occurrence is reported, not imported."),
        _("Check the file first: every bad row is reported with its column and the reason."),
    ):
        guide.append([line])
    for letter, width in zip("ABCD", (16, 40, 12, 80), strict=True):
        guide.column_dimensions[letter].width = width
    workbook.save(stream)


def write_problems(job: ImportJob, stream: IO[bytes]) -> None:
    """The problems of a checked job: row, column, value (identifiers masked) and reason."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Problems")[:31])
    for letter, width in zip("ABCD", (8, 16, 30, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_("Row"), _("Column"), _("Value"), _("Reason")])
    for row, field, value, message in (
        job.problems.order_by("row", "id").values_list("row", "field", "value", "message").iterator()
    ):
        sheet.append([row, field, value, message])
    workbook.save(stream)
