"""Importing buildings, houses, households and organizations: placement, matching, updates and
the problems of each kind."""

from __future__ import annotations

import pytest
from django.utils import translation

from gridgov.access.roles import Role
from gridgov.people.credit_codes import make_credit_code
from gridgov.people.models import Building, House, Household, Organization, Person, Residence
from gridgov.people.testing import OTHER_GRID_ID, SECOND_ID, SHOP_CREDIT_CODE, build_registry_world
from gridgov.people.tests.import_helpers import (
    GRID_1,
    GRID_2,
    checked_job,
    imported,
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
    settings.PEOPLE_IMPORT_BATCH = 3
    return build_registry_world()


@pytest.fixture
def run(world, tmp_path):
    """Import rows of a kind into the community as its admin (in English); the finished job."""

    def run(kind, rows, *, check_only=False, name=None):
        path = write_csv(tmp_path / (name or f"{kind}.csv"), table(kind, rows))
        unit, user = world.units["150502001001"], world.users[Role.COMMUNITY_ADMIN]
        with translation.override("en"):
            if check_only:
                return checked_job(kind, path, unit, user)
            return imported(kind, path, unit, user)

    return run


def _messages(job) -> dict[int, tuple[str, str]]:
    return {p.row: (p.field, p.message) for p in job.problems.all()}


BUILDINGS = [
    {
        "ref": "7",
        "name": "幸福小区7号楼",
        "address": "和平路7号",
        "lon": 122.05,
        "lat": 43.61,
        "floors": 6,
        "units": 2,
    },
    {
        "ref": "8",
        "name": "幸福小区8号楼",
        "address": "和平路8号",
        "lon": 122.15,
        "lat": 43.61,
        "kind": "商住",
    },
    {"ref": "9", "name": "镇上楼", "address": "大林镇", "lon": 122.3, "lat": 43.6},  # another street
    {"ref": "10", "name": "界外", "address": "?", "lon": 121.5, "lat": 43.6},  # in no grid
    {"ref": "7", "name": "重复", "address": "和平路7号", "lon": 122.06, "lat": 43.62},  # same grid and number
    {"ref": "", "name": "无编号", "address": "x", "lon": "东经122", "lat": 43.6},
]


def test_buildings_are_placed_by_their_point_and_matched_by_grid_and_number(run):
    job = run("buildings", BUILDINGS)

    assert (job.status, job.created_count, job.bad_rows) == (ImportStatus.DONE, 2, 4)
    problems = _messages(job)
    assert problems[4][0] == "经度" and "outside" in problems[4][1]
    assert problems[5][0] == "经度" and "no grid" in problems[5][1]
    assert problems[6][0] == "楼栋编号" and "row 2" in problems[6][1]
    assert {p.field for p in job.problems.filter(row=7)} == {"楼栋编号", "经度"}
    seven = Building.objects.get(external_ref="7")
    assert (seven.grid.code, seven.floors, seven.units, seven.kind) == (GRID_1, 6, 2, "residential")
    assert Building.objects.get(external_ref="8").grid.code == GRID_2

    again = run(
        "buildings", [{"ref": "7", "name": "", "address": "", "lon": 122.05, "lat": 43.61, "floors": 7}]
    )
    assert (again.created_count, again.updated_count) == (0, 1)
    seven.refresh_from_db()
    assert (seven.name, seven.floors) == ("幸福小区7号楼", 7)


def test_houses_belong_to_registered_buildings(run):
    run("buildings", BUILDINGS[:2])
    rows = [
        {"building": "7", "unit": 1, "floor": 1, "house_number": "101", "area": "86.5", "use": "出租"},
        {"building": "7", "unit": 2, "floor": 6, "house_number": "602"},
        {"building": "7", "unit": 3, "floor": 1, "house_number": "301"},  # the building has 2 units
        {"building": "7", "unit": 1, "floor": 9, "house_number": "901"},  # and 6 floors
        {"building": "99", "unit": 1, "floor": 1, "house_number": "101"},
        {"building": "7", "unit": 1, "floor": 1, "house_number": "101"},  # duplicate
        {"building": "8", "unit": 1, "floor": "", "house_number": "102", "use": "仓库"},
    ]
    job = run("houses", rows)

    assert (job.created_count, job.bad_rows) == (2, 5)
    problems = _messages(job)
    assert problems[4][0] == "单元" and "units 1 to 2" in problems[4][1]
    assert problems[5][0] == "楼层"
    assert problems[6][0] == "楼栋编号" and "import the buildings first" in problems[6][1]
    assert problems[7][0] == "门牌号" and "row 2" in problems[7][1]
    assert {p.field for p in job.problems.filter(row=8)} == {"楼层", "用途"}
    house = House.objects.get(building__external_ref="7", unit=1, number="101")
    assert (str(house.area_m2), house.use, house.grid.code) == ("86.50", "rented", GRID_1)


def test_households_with_place_and_head(world, run):
    run("buildings", BUILDINGS[:1])
    run("houses", [{"building": "7", "unit": 1, "floor": 1, "house_number": "101"}])
    loner = world.persons["other_grid"]  # in no household yet
    rows = [
        {
            "number": "H-7-101",
            "building": "7",
            "unit": 1,
            "house_number": "101",
            "head_id_number": OTHER_GRID_ID,
        },
        {"number": "H-GRID", "grid": GRID_2},
        {"number": "H-NOWHERE"},
        {"number": "H-X", "grid": GRID_1, "head_id_number": SECOND_ID},  # member of H-A101
        {"number": "H-Y", "grid": GRID_1, "head_id_number": person_id(5)},  # not registered
    ]
    job = run("households", rows)

    assert (job.created_count, job.bad_rows) == (2, 3)
    problems = _messages(job)
    assert problems[4][0] == "网格编码"
    assert problems[5][0] == "户主身份证号" and "another household" in problems[5][1]
    assert problems[6][0] == "户主身份证号" and "import the persons first" in problems[6][1]
    household = Household.objects.get(number="H-7-101")
    loner.refresh_from_db()
    assert household.head_id == loner.pk and loner.household_id == household.pk
    assert loner.house_id == household.house_id and loner.relation == "head"
    assert Residence.objects.filter(person=loner, ended_at__isnull=True).get().house_id == household.house_id


def test_a_household_moving_house_takes_its_members(world, run):
    run("buildings", BUILDINGS[:1])
    run("houses", [{"building": "7", "unit": 2, "floor": 3, "house_number": "302"}])
    job = run("households", [{"number": "H-A101", "building": "7", "unit": 2, "house_number": "302"}])

    assert (job.created_count, job.updated_count) == (0, 1)
    house = House.objects.get(number="302")
    assert set(Person.objects.filter(household__number="H-A101").values_list("house_id", flat=True)) == {
        house.pk
    }


def test_organizations_matched_by_credit_code_else_name_and_address(world, run):
    code = make_credit_code("91150502MA0N00002")
    rows = [
        {
            "name": "和平便利店",
            "kind": "门店",
            "credit_code": SHOP_CREDIT_CODE,
            "address": "新址",
            "lon": 122.052,
            "lat": 43.602,
            "contact_phone": "13800002222",
            "fire_risk": "高",
            "extinguishers_ok": "否",
            "fire_inspected_on": "2026/3/5",
        },
        {
            "name": "幸福幼儿园",
            "kind": "幼儿园",
            "credit_code": code,
            "address": "和平路3号",
            "lon": 122.06,
            "lat": 43.61,
        },
        {
            "name": "老王修车",
            "kind": "个体工商户",
            "address": "和平路5号",
            "lon": 122.07,
            "lat": 43.61,
            "employees": 2,
        },
        {
            "name": "坏代码",
            "kind": "企业",
            "credit_code": "91150502MA0N00002X",
            "address": "x",
            "lon": 122.07,
            "lat": 43.61,
        },
        {
            "name": "坏日期",
            "kind": "企业",
            "address": "y",
            "lon": 122.07,
            "lat": 43.61,
            "fire_inspected_on": "2026-02-30",
        },
        {
            "name": "怪类型",
            "kind": "外星",
            "address": "z",
            "lon": 122.07,
            "lat": 43.61,
            "exits_clear": "也许",
        },
    ]
    job = run("organizations", rows)

    assert (job.created_count, job.updated_count, job.bad_rows) == (2, 1, 3)
    problems = _messages(job)
    assert problems[5][0] == "统一社会信用代码"
    assert problems[6][0] == "消防检查日期" and "Not a date" in problems[6][1]
    assert {p.field for p in job.problems.filter(row=7)} == {"类型", "疏散通道畅通"}
    shop = Organization.objects.get(credit_code=SHOP_CREDIT_CODE)
    assert (shop.address, shop.fire_risk, shop.extinguishers_ok, str(shop.fire_inspected_on)) == (
        "新址",
        "high",
        False,
        "2026-03-05",
    )
    assert shop.contact_phone_masked == "138****2222" and shop.contact_name == "赵丽"  # empty: kept

    again = run("organizations", rows[1:3], name="again.csv")
    assert (again.created_count, again.updated_count) == (0, 2)
    assert Organization.objects.filter(name="老王修车").count() == 1


def test_xlsx_numbers_dates_and_booleans_as_excel_stores_them(world, tmp_path):
    from datetime import datetime

    lines = table(
        "organizations",
        [
            {
                "name": "数字店",
                "kind": "门店",
                "address": "和平路9号",
                "lon": 122.05,
                "lat": 43.61,
                "employees": 4.0,
                "fire_inspected_on": datetime(2026, 1, 15),
                "extinguishers_ok": "是",
                "exits_clear": 1,
            }
        ],
    )
    path = write_xlsx(tmp_path / "orgs.xlsx", lines)
    job = imported("organizations", path, world.units["150502001001"], world.users[Role.COMMUNITY_ADMIN])
    organization = Organization.objects.get(name="数字店")
    assert job.created_count == 1
    assert (organization.employees, str(organization.fire_inspected_on)) == (4, "2026-01-15")
    assert (organization.extinguishers_ok, organization.exits_clear) == (True, True)
