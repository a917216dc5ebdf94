"""What an export holds for each kind of record: its columns and one set-wise query.

Headers are the Chinese column names of the import template where it has the column, and
choices are written in the Chinese words the import reads (so an exported list can be corrected
and imported again); the file is Chinese whatever the language of the page.

Rows are read as plain values (`QuerySet.values`), not model instances: a list of 100,000
persons is then a few seconds of work, in chunks of CHUNK_SIZE rows. Identifier columns and
free text go through an `Identifiers` object: the masked export passes `MASKED`, which reads
the stored masked forms; the approved unmasked export (people.export_requests) passes its own,
which reads the tokens. Nothing here decrypts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from gridgov.people import pii
from gridgov.people.ethnicities import CHINESE_NAMES
from gridgov.people.log_masking import mask_identifiers
from gridgov.people.models import (
    Building,
    BuildingKind,
    FireRisk,
    House,
    Household,
    HouseUse,
    Organization,
    OrganizationKind,
    Person,
    PersonStatus,
    PersonTag,
    Relation,
    ResidenceType,
    Sex,
)
from gridgov.people.transfers import RecordKind
from gridgov.people.visibility import visible_tags

# Rows fetched per round trip; a person list also asks for the tags of each chunk once.
CHUNK_SIZE = 2000

ETHNICITY_WORDS: dict[str, str] = {}
for _name, _code in CHINESE_NAMES.items():
    ETHNICITY_WORDS.setdefault(_code, _name)

# The words registers use, which the import reads back.
SEX_WORDS = {Sex.MALE: "男", Sex.FEMALE: "女"}
RESIDENCE_WORDS = {
    ResidenceType.REGISTERED: "户籍",
    ResidenceType.PERMANENT: "常住",
    ResidenceType.FLOATING: "流动",
}
RELATION_WORDS = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.GRANDPARENT: "祖父母",
    Relation.SIBLING: "兄弟姐妹",
    Relation.CHILD_IN_LAW: "儿媳",  # 女婿 for a man, see _relation
    Relation.OTHER_RELATIVE: "其他亲属",
    Relation.OTHER: "其他",
}
STATUS_WORDS = {PersonStatus.ACTIVE: "在住", PersonStatus.MOVED_OUT: "迁出", PersonStatus.DECEASED: "死亡"}
BUILDING_KIND_WORDS = {
    BuildingKind.RESIDENTIAL: "住宅",
    BuildingKind.BUNGALOW: "平房",
    BuildingKind.COMMERCIAL: "商业",
    BuildingKind.MIXED: "商住",
    BuildingKind.PUBLIC: "公共",
}
HOUSE_USE_WORDS = {
    HouseUse.SELF_OCCUPIED: "自住",
    HouseUse.RENTED: "出租",
    HouseUse.VACANT: "空置",
    HouseUse.COMMERCIAL: "商用",
}
ORGANIZATION_KIND_WORDS = {
    OrganizationKind.ENTERPRISE: "企业",
    OrganizationKind.SHOP: "门店",
    OrganizationKind.SCHOOL: "学校",
    OrganizationKind.MEDICAL: "诊所/医院",
    OrganizationKind.SOCIAL: "社会组织",
    OrganizationKind.GOVERNMENT: "机关事业单位",
    OrganizationKind.OTHER: "其他",
}
FIRE_RISK_WORDS = {FireRisk.LOW: "低", FireRisk.MEDIUM: "中", FireRisk.HIGH: "高"}
YES_NO = {True: "是", False: "否"}

Row = dict[str, Any]


class Identifiers(Protocol):
    """How identifier columns and free text are written into a file."""

    # Which stored column an identifier is read from: "masked" (…_masked) or "token" (…_token).
    stored: str

    def identifier(self, stored: str, context: str) -> str: ...

    def text(self, value: str) -> str: ...


class MaskedIdentifiers:
    """The masked forms lists show; free text (notes, addresses) with identifiers masked too,
    since people type phone numbers into notes."""

    stored = "masked"

    def identifier(self, stored: str, context: str) -> str:
        return stored or ""

    def text(self, value: str) -> str:
        return mask_identifiers(value) if value else ""


MASKED = MaskedIdentifiers()


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Row, Identifiers], Any]
    fields: tuple[str, ...] = ()
    # (stored column without its _masked/_token ending, encryption context) of an identifier.
    identifier: tuple[str, str] | None = None


def plain(header: str, name: str) -> Column:
    return Column(header, lambda r, ids: r[name], (name,))


def text(header: str, name: str) -> Column:
    """Free text, in which a typed identifier is masked in the masked export."""
    return Column(header, lambda r, ids: ids.text(r[name] or ""), (name,))


def word(header: str, name: str, words: dict) -> Column:
    return Column(header, lambda r, ids: words.get(r[name], ""), (name,))


def identifier(header: str, base: str, context: str) -> Column:
    def value(r: Row, ids: Identifiers) -> str:
        return ids.identifier(r[f"{base}_{ids.stored}"] or "", context)

    return Column(header, value, identifier=(base, context))


def _birth(r: Row, ids: Identifiers) -> Any:
    # Beside a masked ID number a full birth date would leave only ~10 candidates for the hidden
    # digits, so the masked export gives the year and month (docs/registry.md).
    birth = r["birth_date"]
    if birth is None or ids.stored != "masked":
        return birth
    return f"{birth:%Y-%m}"


GRID_COLUMNS = (plain("网格编码", "grid__code"), plain("网格", "grid__name_zh"))


def house_columns(prefix: str) -> tuple[Column, ...]:
    """Building reference, building, unit and house number of the house at `prefix` (blank without)."""
    return (
        plain("楼栋编号", f"{prefix}building__external_ref"),
        plain("楼栋", f"{prefix}building__name"),
        plain("单元", f"{prefix}unit"),
        plain("门牌号", f"{prefix}number"),
    )


@dataclass(frozen=True)
class Sheet:
    kind: str
    title: str  # the sheet's name and the start of the file name
    columns: tuple[Column, ...]
    # The records, with any annotation the columns read.
    queryset: Callable[[], QuerySet]
    # Adds to a chunk of rows what a second query gives (a person's tags), for this user.
    complete: Callable[[Any, list[Row]], None] | None = None

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def fields(self, identifiers: Identifiers) -> list[str]:
        names = dict.fromkeys(["pk"])
        for column in self.columns:
            names.update(dict.fromkeys(column.fields))
            if column.identifier:
                names[f"{column.identifier[0]}_{identifiers.stored}"] = None
        return list(names)

    def rows(self, records: QuerySet, user, identifiers: Identifiers) -> Iterator[list[Any]]:
        """The file rows of `records` (already scoped and ordered), chunk by chunk."""
        values = records.values(*self.fields(identifiers)).iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(values, CHUNK_SIZE)):
            if self.complete is not None:
                self.complete(user, chunk)
            for row in chunk:
                yield [column.value(row, identifiers) for column in self.columns]


def _relation(r: Row, ids: Identifiers) -> str:
    if r["relation"] == Relation.CHILD_IN_LAW and r["sex"] == Sex.MALE:
        return "女婿"
    return RELATION_WORDS.get(r["relation"], "")


def _person_tags(user, chunk: list[Row]) -> None:
    """Each row's special-group tags that `user` may see, as one text."""
    names: dict[int, list[str]] = {row["pk"]: [] for row in chunk}
    tags = (
        visible_tags(user, PersonTag.objects.filter(person_id__in=list(names)))
        .order_by("tag__sensitivity", "tag__code")
        .values_list("person_id", "tag__name_zh")
    )
    for person_id, name in tags:
        names[person_id].append(name)
    for row in chunk:
        row["tags"] = "、".join(names[row["pk"]])


PERSONS = Sheet(
    kind=RecordKind.PERSONS,
    title="人员",
    columns=(
        plain("姓名", "name"),
        identifier("身份证号", "id_number", pii.ID_NUMBER),
        word("性别", "sex", SEX_WORDS),
        Column("出生日期", _birth, ("birth_date",)),
        word("民族", "ethnicity", ETHNICITY_WORDS),
        identifier("联系电话", "phone", pii.PHONE),
        word("居住类型", "residence_type", RESIDENCE_WORDS),
        text("户籍地址", "registered_address"),
        *GRID_COLUMNS,
        *house_columns("house__"),
        plain("户号", "household__number"),
        Column("与户主关系", _relation, ("relation", "sex")),
        word("状态", "status", STATUS_WORDS),
        word("身份证已核验", "id_verified", YES_NO),
        Column("特殊人群", lambda r, ids: r["tags"]),
        text("备注", "note"),
    ),
    queryset=Person.objects.all,
    complete=_person_tags,
)


def _households() -> QuerySet[Household]:
    living = (
        Person.objects.filter(household=OuterRef("pk"), status=PersonStatus.ACTIVE)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Household.objects.annotate(
        export_members=Coalesce(Subquery(living, output_field=IntegerField()), 0)
    )


HOUSEHOLDS = Sheet(
    kind=RecordKind.HOUSEHOLDS,
    title="户",
    columns=(
        plain("户号", "number"),
        *GRID_COLUMNS,
        *house_columns("house__"),
        plain("户主", "head__name"),
        identifier("户主身份证号", "head__id_number", pii.ID_NUMBER),
        plain("在住人数", "export_members"),
        Column("状态", lambda r, ids: "在册" if r["is_active"] else "已注销", ("is_active",)),
    ),
    queryset=_households,
)


def _buildings() -> QuerySet[Building]:
    houses = (
        House.objects.filter(building=OuterRef("pk")).order_by().values("building").annotate(n=Count("pk"))
    )
    return Building.objects.annotate(
        export_houses=Coalesce(Subquery(houses.values("n"), output_field=IntegerField()), 0)
    )


BUILDINGS = Sheet(
    kind=RecordKind.BUILDINGS,
    title="楼栋",
    columns=(
        plain("楼栋编号", "external_ref"),
        plain("名称", "name"),
        text("地址", "address"),
        word("类型", "kind", BUILDING_KIND_WORDS),
        plain("经度", "lon"),
        plain("纬度", "lat"),
        plain("层数", "floors"),
        plain("单元数", "units"),
        plain("房屋数", "export_houses"),
        *GRID_COLUMNS,
    ),
    queryset=_buildings,
)

HOUSES = Sheet(
    kind=RecordKind.HOUSES,
    title="房屋",
    columns=(
        plain("楼栋编号", "building__external_ref"),
        plain("楼栋", "building__name"),
        text("地址", "building__address"),
        plain("单元", "unit"),
        plain("楼层", "floor"),
        plain("门牌号", "number"),
        plain("面积", "area_m2"),
        word("用途", "use", HOUSE_USE_WORDS),
        *GRID_COLUMNS,
    ),
    queryset=House.objects.all,
)

ORGANIZATIONS = Sheet(
    kind=RecordKind.ORGANIZATIONS,
    title="单位",
    columns=(
        plain("名称", "name"),
        word("类型", "kind", ORGANIZATION_KIND_WORDS),
        plain("统一社会信用代码", "credit_code"),
        plain("法定代表人", "legal_representative"),
        plain("联系人", "contact_name"),
        identifier("联系电话", "contact_phone", pii.CONTACT_PHONE),
        text("地址", "address"),
        plain("经度", "lon"),
        plain("纬度", "lat"),
        plain("楼栋编号", "building__external_ref"),
        plain("从业人数", "employees"),
        Column("经营状态", lambda r, ids: "经营中" if r["is_active"] else "已停业", ("is_active",)),
        plain("消防检查日期", "fire_inspected_on"),
        word("火灾风险", "fire_risk", FIRE_RISK_WORDS),
        word("灭火器完好", "extinguishers_ok", YES_NO),
        word("疏散通道畅通", "exits_clear", YES_NO),
        text("消防备注", "fire_notes"),
        *GRID_COLUMNS,
    ),
    queryset=Organization.objects.all,
)

SHEETS: dict[str, Sheet] = {
    sheet.kind: sheet for sheet in (PERSONS, HOUSEHOLDS, BUILDINGS, HOUSES, ORGANIZATIONS)
}
