"""Masked registry exports: who may export what, what the files hold, audit and query counts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.access.policy import roles_with
from gridgov.access.roles import Role
from gridgov.access.testing import PERSONA_UNIT
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.people import services
from gridgov.people.export_sheets import MASKED, PERSONS
from gridgov.people.exports import export_masked, export_units, write_sheet
from gridgov.people.models import Person
from gridgov.people.services import RegistryError
from gridgov.people.testing import CANARIES, CANARY_ID, CANARY_PHONE, build_registry_world
from gridgov.people.tests.export_files import all_text, rows
from gridgov.people.transfers import RecordKind

pytestmark = pytest.mark.django_db

EXPORTERS = sorted(roles_with("people.export"))
NON_EXPORTERS = sorted(set(Role) - roles_with("people.export"))
GRID_1 = "150502001001001"


@pytest.fixture
def reg():
    return build_registry_world()


def _export(reg, role, kind=RecordKind.PERSONS, unit_code=None, file_format="xlsx"):
    unit = reg.units[unit_code or PERSONA_UNIT[role]]
    return export_masked(reg.users[role], kind=kind, unit=unit, file_format=file_format)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize("role", EXPORTERS)
def test_masked_exports_hold_no_clear_identifier_for_any_role(reg, role, file_format):
    # The shop's note and a person's note carry identifiers typed as free text.
    head = reg.persons["head"]
    head.note = f"子女电话 +86 139-0475-1234，身份证{CANARY_ID}"
    services.save_person(head, actor=reg.users[Role.DISTRICT_ADMIN])
    for kind in RecordKind.values:
        export = _export(reg, role, kind, file_format=file_format)
        text = all_text(export.handle, file_format)
        leaked = [canary for canary in CANARIES if canary in text]
        assert leaked == [], (role, kind)
    persons = all_text(_export(reg, role, file_format=file_format).handle, file_format)
    assert head.id_number_masked in persons and "139****1234" in persons


@pytest.mark.parametrize("role", NON_EXPORTERS)
def test_roles_without_the_export_permission_are_refused_and_audited(reg, role):
    unit = reg.units["150502"]
    with pytest.raises(PermissionDenied):
        export_masked(reg.users[role], kind=RecordKind.PERSONS, unit=unit, file_format="csv")
    entry = AuditEntry.objects.get(action="people.export")
    assert entry.outcome == Outcome.DENIED and entry.actor == reg.users[role]
    assert export_units(reg.users[role]).count() == 0


def test_a_unit_outside_the_jurisdiction_is_refused(reg):
    with pytest.raises(PermissionDenied):
        _export(reg, Role.COMMUNITY_ADMIN, unit_code="150502002001")
    assert AuditEntry.objects.get(action="people.export").outcome == Outcome.DENIED


def test_the_persons_file_has_chinese_headers_masked_identifiers_and_visible_tags(reg):
    export = _export(reg, Role.GRID_CHIEF, file_format="xlsx")
    header, *data = rows(export.handle, "xlsx")
    assert header[:6] == ["姓名", "身份证号", "性别", "出生日期", "民族", "联系电话"]
    assert "特殊人群" in header and "网格编码" in header
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    assert sorted(by_name) == sorted(["乌兰巴特尔", "王秀英"])  # grid 1 only
    head = by_name["乌兰巴特尔"]
    assert head["身份证号"] == CANARY_ID[:6] + "*" * 10 + CANARY_ID[-2:]
    assert head["联系电话"] == CANARY_PHONE[:3] + "****" + CANARY_PHONE[-4:]
    assert head["民族"] == "蒙古族" and head["网格编码"] == GRID_1 and head["户号"] == "H-A101"
    assert head["楼栋"] == "和平小区1号楼" and head["门牌号"] == "101"
    assert set(head["特殊人群"].split("、")) == {"独居老人", "残疾人"}
    assert export.rows == 2 and export.filename.startswith("人员_" + GRID_1)


def test_tags_the_user_may_not_see_stay_out_of_the_file(reg):
    # A grid worker sees general and sensitive tags, not the restricted ones (community correction).
    worker = reg.users[Role.GRID_WORKER]
    export = write_sheet(PERSONS, reg.units[GRID_1], worker, file_format="csv", identifiers=MASKED)
    header, *data = rows(export.handle, "csv")
    tags = {row[0]: row[header.index("特殊人群")] for row in data}
    assert tags["王秀英"] == ""  # her only tag is community correction
    assert "社区矫正" not in all_text(export.handle, "csv")
    chief = write_sheet(
        PERSONS, reg.units[GRID_1], reg.users[Role.GRID_CHIEF], file_format="csv", identifiers=MASKED
    )
    assert "社区矫正" in all_text(chief.handle, "csv")


def test_csv_starts_with_a_byte_order_mark_so_excel_reads_utf8(reg):
    export = _export(reg, Role.GRID_CHIEF, file_format="csv")
    export.handle.seek(0)
    assert export.handle.read(3) == b"\xef\xbb\xbf"
    assert export.content_type.startswith("text/csv")


def test_text_that_looks_like_a_formula_stays_text(reg):
    head = reg.persons["head"]
    head.note = '=HYPERLINK("http://evil.example","x")'
    services.save_person(head, actor=reg.users[Role.DISTRICT_ADMIN])
    xlsx = _export(reg, Role.GRID_CHIEF, file_format="xlsx")
    header, *data = rows(xlsx.handle, "xlsx")
    assert "<f>" not in all_text(xlsx.handle, "xlsx")
    assert {row[header.index("备注")] for row in data} >= {head.note}
    csv_export = _export(reg, Role.GRID_CHIEF, file_format="csv")
    header, *data = rows(csv_export.handle, "csv")
    assert "'" + head.note in {row[header.index("备注")] for row in data}


@pytest.mark.parametrize("kind", RecordKind.values)
def test_every_kind_exports_the_records_of_the_unit(reg, kind):
    export = _export(reg, Role.STREET_ADMIN, kind, file_format="csv")
    header, *data = rows(export.handle, "csv")
    expected = {
        RecordKind.PERSONS: 3,  # not the person of the other district
        RecordKind.HOUSEHOLDS: 1,
        RecordKind.BUILDINGS: 2,
        RecordKind.HOUSES: 3,
        RecordKind.ORGANIZATIONS: 1,
    }[kind]
    assert len(data) == export.rows == expected
    assert all(len(row) == len(header) for row in data)


def test_the_export_is_audited_with_kind_unit_rows_and_masked(reg):
    _export(reg, Role.COMMUNITY_ADMIN, RecordKind.HOUSES, file_format="csv")
    entry = AuditEntry.objects.get(action="people.export")
    assert entry.outcome == Outcome.OK and entry.actor == reg.users[Role.COMMUNITY_ADMIN]
    assert entry.details == {
        "kind": "houses",
        "unit": "150502001001",
        "rows": 3,
        "masked": True,
        "format": "csv",
    }
    assert not any(canary in str(entry.details) for canary in CANARIES)


def test_bad_kind_and_format_are_named(reg):
    with pytest.raises(RegistryError) as error:
        _export(reg, Role.GRID_CHIEF, "components")
    assert error.value.field == "kind"
    with pytest.raises(RegistryError) as error:
        _export(reg, Role.GRID_CHIEF, file_format="pdf")
    assert error.value.field == "file_format"
    assert not AuditEntry.objects.filter(action="people.export").exists()


@pytest.mark.parametrize("kind", RecordKind.values)
def test_the_number_of_queries_does_not_grow_with_the_rows(reg, kind):
    admin = reg.users[Role.DISTRICT_ADMIN]
    unit = reg.units["150502"]

    def count() -> int:
        admin.__dict__.pop("_gridgov_memberships", None)
        with CaptureQueriesContext(connection) as queries:
            export_masked(admin, kind=kind, unit=unit, file_format="csv")
        return len(queries)

    before = count()
    building = reg.buildings["b"]
    for n in range(12):
        services.save_person(Person(name=f"新住户{n}", house=reg.houses["b201"]), actor=admin)
        services.save_organization(
            type(reg.organizations["shop"])(
                name=f"店{n}", kind="shop", address="和平路", lon=122.151, lat=43.601, building=building
            ),
            actor=admin,
        )
    assert count() == before


def test_exported_files_can_be_imported_again():
    # Headers the import knows, each once, with its required ones; choices in its words.
    from gridgov.people import export_sheets as sheets
    from gridgov.people.imports import buildings, columns, houses, organizations, persons

    for kind, sheet in sheets.SHEETS.items():
        keys = columns.header_keys(kind)
        known = [keys[columns.normal_header(h)] for h in sheet.headers if columns.normal_header(h) in keys]
        assert len(known) == len(set(known)), kind
        assert {c.key for c in columns.COLUMNS[kind] if c.required} <= set(known), kind
    for exported, imported in (
        (sheets.RESIDENCE_WORDS, persons.RESIDENCE_WORDS),
        (sheets.RELATION_WORDS, persons.RELATION_WORDS),
        (sheets.BUILDING_KIND_WORDS, buildings.KIND_WORDS),
        (sheets.HOUSE_USE_WORDS, houses.USE_WORDS),
        (sheets.ORGANIZATION_KIND_WORDS, organizations.KIND_WORDS),
        (sheets.FIRE_RISK_WORDS, organizations.RISK_WORDS),
    ):
        assert {code: imported.get(word) for code, word in exported.items()} == {c: c for c in exported}
    assert persons.RELATION_WORDS["女婿"] == "child_in_law"
