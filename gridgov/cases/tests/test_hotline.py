"""Importing 12345 hotline tickets: file formats, every kind of bad cell, re-runs, dry runs, access."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.cases.hotline import import_hotline
from gridgov.cases.hotline_files import COLUMNS, EXAMPLE_TICKET, RowProblem
from gridgov.cases.management.commands.import_hotline import BAD_ROWS_EXIT
from gridgov.cases.models import Case, Source, State, Urgency
from gridgov.cases.testing import build_case_world
from gridgov.geo.models import Level

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = [column.header for column in COLUMNS]
# Two days ago at 14:30 Beijing time, written as a 12345 export writes it.
RECEIVED = (timezone.now().astimezone(SHANGHAI) - timedelta(days=2)).replace(
    hour=14, minute=30, second=0, microsecond=0
)
HOME = (122.05, 43.6)  # in grid 150502001001001 (in GCJ-02 as well as WGS-84)


def row(ticket: str = "12345-0001", **cells) -> list:
    values = {
        "ticket": ticket,
        "received_at": RECEIVED.strftime("%Y-%m-%d %H:%M"),
        "caller_name": "王先生",
        "caller_phone": "138 0013 8000",
        "description": "小区门口路面塌陷",
        "category": "0201",
        "urgency": "紧急",
        "address": "和平社区3号楼",
        "lon": str(HOME[0]),
        "lat": str(HOME[1]),
        "crs": "",
    }
    values.update(cells)
    return [values[column.key] for column in COLUMNS]


def csv_file(tmp_path, rows, *, encoding="utf-8", header=HEADER, name="tickets.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path = tmp_path / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def xlsx_file(tmp_path, rows, *, header=HEADER, name="tickets.xlsx"):
    workbook = Workbook()
    workbook.active.append(header)
    for values in rows:
        workbook.active.append(values)
    path = tmp_path / name
    workbook.save(path)
    return path


def run(path, *args, actor="dispatcher"):
    """(exit status, stdout, stderr) of import_hotline, messages in English."""
    out, err = io.StringIO(), io.StringIO()
    options = ["--language", "en", *args]
    if actor:
        options += ["--actor", actor]
    try:
        call_command("import_hotline", str(path), *options, stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
        err.write(str(exc))
    return status, out.getvalue(), err.getvalue()


def problems_of(world, path) -> list[RowProblem]:
    return import_hotline(
        path.read_bytes(), path.name, actor=world.users[Role.DISPATCHER], dry_run=True
    ).problems


@pytest.fixture
def world():
    return build_case_world()


def test_a_csv_row_becomes_a_hotline_case_at_the_district(world, tmp_path):
    status, out, _err = run(csv_file(tmp_path, [row()]))

    assert status == 0
    assert "1 imported, 0 already imported, 0 bad" in out
    case = Case.objects.get()
    assert case.source == Source.HOTLINE
    assert (case.hotline_ref, case.idempotency_key) == ("12345-0001", "12345-0001")
    assert (case.caller_name, case.caller_phone) == ("王先生", "13800138000")
    assert case.urgency == Urgency.URGENT
    assert case.reported_at == RECEIVED
    assert case.reporter == world.users[Role.DISPATCHER]
    assert case.state == State.REPORTED
    # The hotline's intake level is the district (settings.CASE_INTAKE_LEVEL).
    assert case.level == Level.DISTRICT
    assert case.responsible_unit == world.units["150502"]
    assert case.grid == world.units["150502001001001"]
    assert case.number.startswith("150502-" + RECEIVED.strftime("%Y%m%d"))
    entry = AuditEntry.objects.get(action="cases.hotline_import")
    assert entry.actor == world.users[Role.DISPATCHER]
    assert entry.details == {"file": "tickets.csv", "imported": 1, "already_imported": 0, "bad": 0}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(world, tmp_path, encoding):
    status, _out, _err = run(csv_file(tmp_path, [row(address="科尔沁区霍林河大街")], encoding=encoding))

    assert status == 0
    case = Case.objects.get()
    assert case.description == "小区门口路面塌陷"
    assert case.address == "科尔沁区霍林河大街"


def test_xlsx_with_date_cells_and_numbers_the_spreadsheet_made(world, tmp_path):
    # Excel stores a typed date as a date cell, a phone number and the code 0201 as numbers.
    values = row(
        received_at=RECEIVED.replace(tzinfo=None),
        caller_phone=13800138000,
        category=201,
        lon=HOME[0],
        lat=HOME[1],
        urgency="特急",
    )
    status, _out, err = run(xlsx_file(tmp_path, [values]))

    assert status == 0, err
    case = Case.objects.get()
    assert case.category.code == "0201"
    assert case.caller_phone == "13800138000"
    assert case.reported_at == RECEIVED
    assert case.urgency == Urgency.CRITICAL


def test_english_headers_chinese_names_title_lines_and_other_time_formats(world, tmp_path):
    header = [
        "ticket",
        "received_at",
        "caller_name",
        "phone",
        "description",
        "category",
        "urgency",
        "address",
        "lon",
        "lat",
        "crs",
        "承办单位",
    ]
    rows = [
        ["12345热线工单导出"] + [""] * 11,  # a title line above the header
        header,
        [
            *row(
                "A-1",
                received_at=RECEIVED.strftime("%Y/%m/%d %H:%M:%S"),
                category="路面坑洼",
                urgency="normal",
                caller_phone="0475-8211234",
            ),
            "城管局",
        ],
        [*row("A-2", received_at=RECEIVED.strftime("%Y年%m月%d日 %H:%M"), category="Roads", crs="WGS84"), ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    status, _out, err = run(path)

    assert status == 0, err
    first, second = Case.objects.order_by("hotline_ref")
    assert (first.category.code, first.urgency, first.caller_phone) == (
        "0201",
        Urgency.NORMAL,
        "0475-8211234",
    )
    assert (second.category.code, second.reported_at) == ("02", RECEIVED)
    # WGS-84 is stored as given; GCJ-02 (the default) is moved back by some hundred metres.
    assert (second.lon, second.lat) == HOME
    assert first.lon != HOME[0]


FUTURE = (timezone.now().astimezone(SHANGHAI) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"ticket": ""}, "工单编号"),
        ({"ticket": "T" * 41}, "工单编号"),
        ({"received_at": ""}, "受理时间"),
        ({"received_at": "昨天下午"}, "受理时间"),
        ({"received_at": "2026-03-05"}, "受理时间"),  # a date without the time of day
        ({"received_at": FUTURE}, "受理时间"),
        ({"caller_name": "名" * 51}, "来电人"),
        ({"caller_phone": "12345"}, "联系电话"),
        ({"caller_phone": "1234567890123"}, "联系电话"),
        ({"description": "  "}, "诉求内容"),
        ({"category": "9999"}, "事件类别"),
        ({"category": "没有这种类别"}, "事件类别"),
        ({"category": ""}, "事件类别"),
        ({"urgency": "很急"}, "紧急程度"),
        ({"address": "址" * 201}, "地址"),
        ({"lon": "", "lat": ""}, "经度"),  # no coordinates: there is no geocoder
        ({"lon": "东经122度"}, "经度"),
        ({"lat": "91"}, "纬度"),
        ({"crs": "UTM"}, "坐标系"),
        ({"lon": "121.0"}, "经度"),  # in no grid
        ({"lon": "122.5"}, "经度"),  # in the neighbouring district: outside the dispatcher's jurisdiction
    ],
)
def test_each_kind_of_bad_cell_is_reported_with_its_row_and_column(world, tmp_path, cells, column):
    problems = problems_of(world, csv_file(tmp_path, [row(**cells)]))

    assert problems
    assert {(problem.row, problem.column) for problem in problems} == {(2, column)}
    assert all(problem.reason for problem in problems)


def test_every_problem_of_a_row_is_listed(world, tmp_path):
    problems = problems_of(world, csv_file(tmp_path, [row(caller_phone="123", urgency="?", lat="")]))

    assert [(p.row, p.column) for p in problems] == [(2, "联系电话"), (2, "紧急程度"), (2, "纬度")]


def test_a_repeated_ticket_number_is_a_bad_row(world, tmp_path):
    problems = problems_of(world, csv_file(tmp_path, [row("T-1"), row("T-2"), row("T-1")]))

    assert [(p.row, p.column, p.ticket) for p in problems] == [(4, "工单编号", "T-1")]


def test_good_rows_are_imported_and_every_bad_row_reported(world, tmp_path):
    rows = [row("G-1"), row("B-1", caller_phone="abc"), row("G-2"), row("B-2", lon=""), row("G-3")]
    errors = tmp_path / "errors.xlsx"

    status, out, err = run(xlsx_file(tmp_path, rows), "--errors", str(errors))

    assert status == BAD_ROWS_EXIT
    assert "3 imported, 0 already imported, 2 bad" in out
    assert sorted(Case.objects.values_list("hotline_ref", flat=True)) == ["G-1", "G-2", "G-3"]
    assert "Row 3, column 联系电话" in err
    assert "Row 5, column 经度" in err
    sheet = load_workbook(errors).active
    reported = [(r[0], r[1], r[2]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert reported == [(3, "联系电话", "B-1"), (5, "经度", "B-2")]
    entry = AuditEntry.objects.get(action="cases.hotline_import")
    assert entry.details == {"file": "tickets.xlsx", "imported": 3, "already_imported": 0, "bad": 2}


def test_running_the_same_file_again_imports_nothing_new(world, tmp_path):
    path = csv_file(tmp_path, [row("R-1"), row("R-2")])
    run(path)
    numbers = set(Case.objects.values_list("number", flat=True))

    status, out, _err = run(path, "--verbosity", "2")

    assert status == 0
    assert "0 imported, 2 already imported, 0 bad" in out
    assert "Row 3: ticket R-2 already imported as case" in out
    assert set(Case.objects.values_list("number", flat=True)) == numbers
    assert AuditEntry.objects.filter(action="cases.hotline_import").count() == 2


def test_a_file_with_more_tickets_imports_only_the_new_ones(world, tmp_path):
    run(csv_file(tmp_path, [row("R-1")]))

    status, out, _err = run(csv_file(tmp_path, [row("R-1"), row("R-2")], name="later.csv"))

    assert status == 0
    assert "1 imported, 1 already imported, 0 bad" in out
    assert Case.objects.count() == 2


def test_a_known_ticket_with_other_content_is_a_bad_row(world, tmp_path):
    run(csv_file(tmp_path, [row("R-1")]))

    status, _out, err = run(csv_file(tmp_path, [row("R-1", description="另一件事")], name="edited.csv"))

    assert status == BAD_ROWS_EXIT
    assert "Row 2, column 工单编号" in err
    assert Case.objects.get().description == "小区门口路面塌陷"


def test_a_ticket_imported_by_another_dispatcher_is_already_imported(world, tmp_path):
    path = csv_file(tmp_path, [row("R-1")])
    run(path, actor="district_admin")

    status, out, _err = run(path)

    assert status == 0
    assert "0 imported, 1 already imported" in out
    assert Case.objects.count() == 1


def test_dry_run_changes_nothing(world, tmp_path):
    audit_before = AuditEntry.objects.count()

    status, out, _err = run(
        csv_file(tmp_path, [row("D-1"), row("D-2"), row("D-3", category="x")]), "--dry-run"
    )

    assert status == BAD_ROWS_EXIT
    assert "2 would be imported, 0 already imported, 1 bad" in out
    assert not Case.objects.exists()
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("actor", ["nobody", "grid_worker", "resident", "leader", ""])
def test_only_a_known_user_with_both_permissions_may_import(world, tmp_path, actor):
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_hotline",
            str(csv_file(tmp_path, [row()])),
            "--actor",
            actor,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert "--actor" in str(raised.value)
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(action="cases.hotline_import").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "tickets.csv",
            "工单编号,受理时间,诉求内容\nX-1,2026-03-05 14:30,路灯不亮\n".encode(),
        ),  # columns missing
        ("tickets.csv", "编号,时间\n1,2\n".encode()),  # no ticket column at all
        ("tickets.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        ("tickets.xlsx", b"PK\x03\x04 not really a workbook"),
    ],
)
def test_an_unreadable_file_imports_nothing(world, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)

    status, _out, err = run(path)

    assert status == 1
    assert "Nothing was imported" in err
    assert not Case.objects.exists()


def test_the_template_has_the_headers_and_an_example_row_that_is_never_imported(world, tmp_path):
    template = tmp_path / "template.xlsx"
    call_command("import_hotline", "--template", str(template), stdout=io.StringIO())

    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    header, example = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert list(header) == HEADER
    assert example[0] == EXAMPLE_TICKET
    # Filled in below the example row, the template imports as it is.
    sheet.append(row("F-1", lon=HOME[0], lat=HOME[1]))
    workbook.save(template)

    status, out, err = run(template)

    assert status == 0, err
    assert "1 imported, 0 already imported, 0 bad" in out
    assert list(Case.objects.values_list("hotline_ref", flat=True)) == ["F-1"]


def test_received_times_with_an_offset_keep_it(world, tmp_path):
    moment = RECEIVED.astimezone(ZoneInfo("UTC"))
    run(csv_file(tmp_path, [row(received_at=moment.isoformat())]))

    assert Case.objects.get().reported_at == datetime.fromisoformat(moment.isoformat())
