"""The dry run reports exactly the planted bad rows, with column and reason, in xlsx and CSV
(UTF-8, UTF-8 with BOM, GBK), and writes nothing but the job and its problems."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.imports.dry_run import check_job
from gridgov.people.models import Household, Person
from gridgov.people.testing import CANARY_ID, OTHER_DISTRICT_ID, build_registry_world
from gridgov.people.tests.import_helpers import (
    GRID_1,
    GRID_2,
    GRID_OTHER_STREET,
    checked_job,
    person_id,
    table,
    write_csv,
    write_xlsx,
)
from gridgov.people.transfers import ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PEOPLE_IMPORT_BATCH = 4  # several batches: duplicates are found across them
    return build_registry_world()


def _bad_checksum() -> str:
    good = person_id(7)
    return good[:17] + ("0" if good[17] != "0" else "1")


def planted_rows() -> tuple[list[dict], dict[int, tuple[str, str]]]:
    """Person rows with planted problems, and row number -> (column, words of the reason)."""
    good = {"ethnicity": "汉族", "grid": GRID_1, "residence_type": "常住"}
    rows = [
        {"name": "张三", "id_number": person_id(1), **good},  # row 2
        {"name": "李四", "id_number": _bad_checksum(), **good},  # 3: checksum
        {"name": "王五", "id_number": "15050219990231123X", **good},  # 4: 31 February
        {"name": "赵六", "id_number": person_id(2), "phone": "1390475123", **good},  # 5: phone
        {"name": "孙七", "id_number": person_id(3), **{**good, "ethnicity": "火星族"}},  # 6
        {"name": "", "id_number": person_id(4), **good},  # 7: missing name
        {"name": "周八", "id_number": person_id(5), **{**good, "grid": "150502001001099"}},  # 8
        {"name": "吴九", "id_number": person_id(6), **{**good, "grid": GRID_OTHER_STREET}},  # 9
        {"name": "郑十", "id_number": person_id(1), **good},  # 10: duplicate of row 2
        {"name": "乌兰", "id_number": person_id(8), **{**good, "grid": GRID_2}, "tags": "独居老人"},  # 11
        {"name": "李明", "id_number": OTHER_DISTRICT_ID, **good},  # 12: registered elsewhere
        {"name": "巴特尔", "id_number": CANARY_ID, **good},  # 13: update of a person of the unit
    ]
    expected = {
        3: ("身份证号", "last character"),
        4: ("身份证号", "not a real date"),
        5: ("联系电话", "11 digits"),
        6: ("民族", "Unknown ethnicity"),
        7: ("姓名", "Enter the name"),
        8: ("网格编码", "No grid has the code"),
        9: ("网格编码", "outside"),
        10: ("身份证号", "row 2"),
        12: ("身份证号", "another unit"),
    }
    return rows, expected


def _assert_reports_exactly(job, expected) -> None:
    assert job.status == ImportStatus.CHECKED
    assert job.total_rows == 12
    assert job.bad_rows == len(expected)
    found = {p.row: (p.field, p.message) for p in job.problems.all()}
    assert set(found) == set(expected)
    assert job.problems.count() == len(expected)  # one problem per bad cell
    for row, (column, words) in expected.items():
        assert found[row][0] == column
        assert words in found[row][1], (row, found[row][1])


@pytest.mark.parametrize(
    ("fmt", "encoding"), [("xlsx", None), ("csv", "utf-8"), ("csv", "utf-8-sig"), ("csv", "gbk")]
)
def test_planted_bad_rows_are_reported_exactly(world, tmp_path, fmt, encoding):
    rows, expected = planted_rows()
    lines = table("persons", rows)
    if fmt == "xlsx":
        path = write_xlsx(tmp_path / "persons.xlsx", lines)
    else:
        path = write_csv(tmp_path / "persons.csv", lines, encoding=encoding)
    persons_before = Person.objects.count()
    user = world.users[Role.COMMUNITY_ADMIN]

    with translation.override("en"):
        job = checked_job("persons", path, world.units["150502001001"], user)

    _assert_reports_exactly(job, expected)
    assert Person.objects.count() == persons_before
    entry = AuditEntry.objects.get(action="people.import.check")
    assert entry.details["bad_rows"] == len(expected)


def test_problems_are_in_the_users_language_and_identifiers_masked(world, tmp_path):
    rows, _expected = planted_rows()
    path = write_csv(tmp_path / "persons.csv", table("persons", rows))
    with translation.override("zh-hans"):
        job = checked_job("persons", path, world.units["150502001001"], world.users[Role.COMMUNITY_ADMIN])
    duplicate = job.problems.get(row=10)
    assert duplicate.value == person_id(1)[:6] + "*" * 10 + person_id(1)[-2:]
    phone = job.problems.get(row=5)
    assert phone.value == "*" * 10  # not a mobile number: masked completely
    values = " ".join(job.problems.values_list("value", flat=True))
    assert person_id(1) not in values and OTHER_DISTRICT_ID not in values


def test_example_row_title_lines_and_blank_rows_are_skipped(world, tmp_path):
    lines = table(
        "persons",
        [
            {"name": "示例：某某", "id_number": "x"},
            {"name": "张三", "id_number": person_id(1), "grid": GRID_1},
        ],
    )
    lines = [["科尔沁区人口信息登记表"], [], *lines[:2], ["", ""], lines[2]]
    path = write_xlsx(tmp_path / "persons.xlsx", lines)
    job = checked_job("persons", path, world.units["150502001001"], world.users[Role.COMMUNITY_ADMIN])
    assert (job.status, job.total_rows, job.bad_rows) == (ImportStatus.CHECKED, 1, 0)


def test_a_file_without_the_required_columns_fails_with_the_reason(world, tmp_path):
    path = write_csv(tmp_path / "persons.csv", [["姓名", "民族"], ["张三", "汉族"]])
    with translation.override("en"):
        job = checked_job("persons", path, world.units["150502001001"], world.users[Role.COMMUNITY_ADMIN])
    assert job.status == ImportStatus.FAILED
    assert "身份证号" in job.error
    assert not job.problems.exists()


def test_english_headers_are_accepted(world, tmp_path):
    path = write_csv(
        tmp_path / "persons.csv",
        [["name", "id_number", "grid_code", "ethnicity"], ["Wulan", person_id(1), GRID_1, "Mongolian"]],
    )
    job = checked_job("persons", path, world.units["150502001001"], world.users[Role.COMMUNITY_ADMIN])
    assert (job.status, job.total_rows, job.bad_rows) == (ImportStatus.CHECKED, 1, 0)


def test_an_id_number_stored_as_a_number_is_explained(world, tmp_path):
    number = make_id_number("150502", date(1980, 1, 1), 123)
    path = write_xlsx(
        tmp_path / "persons.xlsx", [["姓名", "身份证号", "网格编码"], ["张三", int(number[:17]) * 10, GRID_1]]
    )
    with translation.override("en"):
        job = checked_job("persons", path, world.units["150502001001"], world.users[Role.COMMUNITY_ADMIN])
    assert "format the column as text" in job.problems.get().message


def test_the_dry_run_runs_a_fixed_number_of_queries_per_batch(world, tmp_path, django_assert_max_num_queries):
    rows = [
        {"name": f"居民{n}", "id_number": person_id(n), "grid": GRID_1, "household": "H-NEW"}
        for n in range(40)
    ]
    path = write_csv(tmp_path / "persons.csv", table("persons", rows))
    from gridgov.people.imports.jobs import create_job

    job = create_job(
        kind="persons",
        file=path,
        org_unit=world.units["150502001001"],
        user=world.users[Role.COMMUNITY_ADMIN],
    )
    # 10 batches of 4 rows: a handful of queries each, whatever the rows say.
    with django_assert_max_num_queries(10 * 4 + 12):
        check_job(job)
    assert job.bad_rows == 0 and not Household.objects.filter(number="H-NEW").exists()
