"""The columns of registry import files, per kind of record.

The template writes the Chinese header; the English name and the aliases (headers seen in
registers kept by communities) are accepted too. docs/registry-import.md lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gridgov.people.transfers import RecordKind


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the template writes and problems name
    english: str  # accepted as a header too
    aliases: tuple[str, ...] = ()
    required: bool = False  # the header must be present (a cell may still be empty on update)
    identifier: bool = False  # personal identifier: shown only masked in problems


_PLACE = (
    Column("grid", "网格编码", "grid_code", ("网格代码", "网格编号", "grid")),
    Column("building", "楼栋编号", "building_ref", ("楼栋号", "楼号", "building")),
    Column("unit", "单元", "unit", ("单元号",)),
    Column("house_number", "门牌号", "house_number", ("房号", "房间号", "室")),
)

PERSONS = (
    Column("name", "姓名", "name", ("名字",), required=True),
    Column(
        "id_number",
        "身份证号",
        "id_number",
        ("身份证号码", "公民身份号码", "证件号码", "身份证"),
        required=True,
        identifier=True,
    ),
    Column("ethnicity", "民族", "ethnicity"),
    Column("phone", "联系电话", "phone", ("手机号", "手机号码", "电话", "手机"), identifier=True),
    Column("residence_type", "居住类型", "residence_type", ("人口类型", "人员类型")),
    Column("registered_address", "户籍地址", "registered_address", ("户籍地", "户籍所在地")),
    *_PLACE,
    Column("household", "户号", "household_number", ("户编号",)),
    Column("relation", "与户主关系", "relation", ("关系",)),
    Column("tags", "特殊人群", "tags", ("重点人群", "人员标签", "标签")),
    Column("note", "备注", "note"),
)

BUILDINGS = (
    Column("ref", "楼栋编号", "building_ref", ("楼栋号", "楼号", "编号"), required=True),
    Column("name", "名称", "name", ("楼栋名称", "建筑名称"), required=True),
    Column("address", "地址", "address", ("详细地址",), required=True),
    Column("lon", "经度", "lon", ("longitude", "lng"), required=True),
    Column("lat", "纬度", "lat", ("latitude",), required=True),
    Column("floors", "层数", "floors", ("楼层数", "总层数")),
    Column("units", "单元数", "units"),
    Column("kind", "类型", "kind", ("楼栋类型", "建筑类型")),
)

HOUSES = (
    Column("building", "楼栋编号", "building_ref", ("楼栋号", "楼号"), required=True),
    Column("grid", "网格编码", "grid_code", ("网格代码", "网格编号")),
    Column("unit", "单元", "unit", ("单元号",), required=True),
    Column("floor", "楼层", "floor", ("所在楼层", "层"), required=True),
    Column("house_number", "门牌号", "house_number", ("房号", "房间号", "室"), required=True),
    Column("area", "面积", "area_m2", ("建筑面积", "面积m2", "area")),
    Column("use", "用途", "use", ("房屋用途", "使用情况")),
)

HOUSEHOLDS = (
    Column("number", "户号", "household_number", ("户编号",), required=True),
    *_PLACE,
    Column("head_id_number", "户主身份证号", "head_id_number", ("户主身份证号码",), identifier=True),
)

ORGANIZATIONS = (
    Column("name", "名称", "name", ("单位名称", "组织名称", "企业名称", "店名"), required=True),
    Column("kind", "类型", "kind", ("单位类型", "组织类型"), required=True),
    Column("credit_code", "统一社会信用代码", "credit_code", ("信用代码", "社会信用代码")),
    Column("legal_representative", "法定代表人", "legal_representative", ("法人", "负责人")),
    Column("contact_name", "联系人", "contact_name"),
    Column("contact_phone", "联系电话", "contact_phone", ("手机号", "电话"), identifier=True),
    Column("address", "地址", "address", ("经营地址", "详细地址"), required=True),
    Column("lon", "经度", "lon", ("longitude", "lng"), required=True),
    Column("lat", "纬度", "lat", ("latitude",), required=True),
    Column("employees", "从业人数", "employees", ("员工人数", "职工人数")),
    Column("fire_inspected_on", "消防检查日期", "fire_inspected_on", ("最近消防检查日期", "检查日期")),
    Column("fire_risk", "火灾风险", "fire_risk", ("火灾风险等级", "消防风险等级")),
    Column("extinguishers_ok", "灭火器完好", "extinguishers_ok", ("灭火器",)),
    Column("exits_clear", "疏散通道畅通", "exits_clear", ("疏散通道", "安全出口畅通")),
    Column("fire_notes", "消防备注", "fire_notes", ("消防情况",)),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    RecordKind.PERSONS: PERSONS,
    RecordKind.BUILDINGS: BUILDINGS,
    RecordKind.HOUSES: HOUSES,
    RecordKind.HOUSEHOLDS: HOUSEHOLDS,
    RecordKind.ORGANIZATIONS: ORGANIZATIONS,
}


def normal_header(text: Any) -> str:
    """A header without spaces, `_`, `-`, `*`, a BOM and text in brackets, lower-cased:
    `联系电话（手机）` and `*联系电话` are `联系电话`."""
    header = re.sub(r"[(（\[【].*?[)）\]】]", "", str(text or ""))
    return re.sub(r"[\s_\-*＊\ufeff]", "", header).lower()


def header_keys(kind: str) -> dict[str, str]:
    """Normalised header -> column key, for every accepted header of `kind`."""
    return {
        normal_header(name): column.key
        for column in COLUMNS[kind]
        for name in (column.header, column.english, *column.aliases)
    }


def column(kind: str, key: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.key == key)
