"""Importing organizations (enterprises, shops, schools …): the grid follows from the point; an
organization is matched by its unified social credit code, or without one by name and address
within the unit, and updated (non-empty cells overwrite), else created. A credit code registered
in another unit is refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.access.scope import path_filter
from gridgov.people import pii
from gridgov.people.imports import cells
from gridgov.people.imports.columns import ORGANIZATIONS
from gridgov.people.imports.context import CheckedRow, ImportContext, RowReader
from gridgov.people.imports.files import SourceRow
from gridgov.people.imports.lookups import GridRef
from gridgov.people.models import FireRisk, Organization, OrganizationKind
from gridgov.people.transfers import RecordKind

COLUMNS = {column.key: column for column in ORGANIZATIONS}
MAX_EMPLOYEES = 1_000_000

KIND_WORDS = {
    **dict.fromkeys(("企业", "公司", "工厂"), OrganizationKind.ENTERPRISE),
    **dict.fromkeys(("门店", "个体", "个体工商户", "商铺", "店铺", "门店/个体工商户"), OrganizationKind.SHOP),
    **dict.fromkeys(("学校", "幼儿园", "学校/幼儿园"), OrganizationKind.SCHOOL),
    **dict.fromkeys(("诊所", "医院", "医疗机构", "卫生室", "诊所/医院"), OrganizationKind.MEDICAL),
    **dict.fromkeys(("社会组织", "协会", "民办非企业"), OrganizationKind.SOCIAL),
    **dict.fromkeys(
        ("机关", "事业单位", "机关事业单位", "政府机关", "机关/事业单位"), OrganizationKind.GOVERNMENT
    ),
    **dict.fromkeys(("其他",), OrganizationKind.OTHER),
    **{choice.value: choice.value for choice in OrganizationKind},
}
RISK_WORDS = {
    **dict.fromkeys(("低", "低风险"), FireRisk.LOW),
    **dict.fromkeys(("中", "中风险", "一般"), FireRisk.MEDIUM),
    **dict.fromkeys(("高", "高风险", "重点"), FireRisk.HIGH),
    **{choice.value: choice.value for choice in FireRisk},
}
# Cells written as they are (non-empty overwrites).
PLAIN_FIELDS = (
    "name",
    "kind",
    "legal_representative",
    "contact_name",
    "address",
    "lon",
    "lat",
    "employees",
    "fire_inspected_on",
    "fire_risk",
    "extinguishers_ok",
    "exits_clear",
    "fire_notes",
)
UPDATE_FIELDS = [
    *PLAIN_FIELDS,
    "credit_code",
    "contact_phone_token",
    "contact_phone_index",
    "contact_phone_masked",
    "grid",
    "org_path",
    "updated_at",
]


@dataclass
class OrganizationRecord:
    row: int
    grid: GridRef
    credit_code: str
    contact_phone: str
    values: dict[str, Any] = field(default_factory=dict)
    existing: Organization | None = None


def _parse(row: int, source: dict[str, Any]) -> tuple[RowReader, dict[str, Any]]:
    reader = RowReader(row, source, COLUMNS)
    values: dict[str, Any] = {
        "name": reader.read(
            "name", lambda v: cells.required_text(v, 100, gettext_lazy("Enter the name.")), ""
        ),
        "kind": reader.read(
            "kind",
            lambda v: cells.choice(
                v, KIND_WORDS, gettext_lazy("Write 企业, 门店, 学校, 诊所, 社会组织, 机关事业单位 or 其他.")
            ),
            "",
        ),
        "credit_code": reader.read("credit_code", cells.credit_code, ""),
        "legal_representative": reader.read("legal_representative", lambda v: cells.text(v, 50), ""),
        "contact_name": reader.read("contact_name", lambda v: cells.text(v, 50), ""),
        "contact_phone": reader.read("contact_phone", cells.mobile, ""),
        "address": reader.read(
            "address", lambda v: cells.required_text(v, 200, gettext_lazy("Enter the address.")), ""
        ),
        "lon": reader.read("lon", lambda v: cells.coordinate(v, longitude=True)),
        "lat": reader.read("lat", lambda v: cells.coordinate(v, longitude=False)),
        "employees": reader.read("employees", lambda v: cells.integer(v, low=0, high=MAX_EMPLOYEES)),
        "fire_inspected_on": reader.read("fire_inspected_on", cells.a_date),
        "fire_risk": reader.read(
            "fire_risk", lambda v: cells.choice(v, RISK_WORDS, gettext_lazy("Write 低, 中 or 高.")), ""
        ),
        "extinguishers_ok": reader.read("extinguishers_ok", cells.yes_no),
        "exits_clear": reader.read("exits_clear", cells.yes_no),
        "fire_notes": reader.read("fire_notes", lambda v: cells.text(v, 200), ""),
    }
    return reader, values


def _name_key(name: str, address: str) -> tuple[str, str]:
    return name.strip(), address.strip()


class OrganizationImporter:
    kind: str = RecordKind.ORGANIZATIONS
    key_column: str = "credit_code"

    def check(self, rows: Sequence[SourceRow], ctx: ImportContext) -> list[CheckedRow]:
        parsed = [_parse(row, source) for row, source in rows]
        located = [(r, v) for r, v in parsed if v["lon"] is not None and v["lat"] is not None]
        grids = ctx.grids.at_points([(v["lon"], v["lat"]) for _r, v in located])
        grid_of = {r.row: grid for (r, _v), grid in zip(located, grids, strict=True)}
        codes = {v["credit_code"] for _r, v in parsed if v["credit_code"]}
        names = {v["name"] for _r, v in parsed if v["name"] and not v["credit_code"]}
        matches = Organization.objects.filter(
            Q(credit_code__in=codes) | (Q(name__in=names) & path_filter("org_path", [ctx.unit.path]))
        )
        by_code: dict[str, Organization] = {}
        by_name: dict[tuple[str, str], Organization] = {}
        for organization in matches:
            if organization.credit_code:
                by_code[organization.credit_code] = organization
            by_name.setdefault(_name_key(organization.name, organization.address), organization)
        checked = []
        for reader, values in parsed:
            grid = grid_of.get(reader.row)
            if isinstance(grid, str):
                reader.problem("lon", grid, f"{values['lon']}, {values['lat']}")
            code = values["credit_code"]
            if code:
                existing = by_code.get(code)
                key: Any = ("code", code)
            else:
                existing = by_name.get(_name_key(values["name"], values["address"]))
                key = ("name", *_name_key(values["name"], values["address"])) if values["name"] else None
            if existing is not None and not ctx.inside(existing.org_path):
                reader.problem("credit_code", _("This organization is registered in another unit."))
            if existing is None and not values["kind"]:
                reader.problem("kind", _("Enter the kind of organization."))
            if reader.problems or not isinstance(grid, GridRef):
                checked.append(CheckedRow(reader.row, key, None, reader.problems))
                continue
            record = OrganizationRecord(
                row=reader.row,
                grid=grid,
                credit_code=code,
                contact_phone=values.pop("contact_phone"),
                values={name: values[name] for name in PLAIN_FIELDS},
                existing=existing,
            )
            checked.append(CheckedRow(reader.row, key, record))
        return checked

    def apply(self, records: list[OrganizationRecord], ctx: ImportContext) -> tuple[int, int]:
        now = timezone.now()
        created, changed = [], []
        for record in records:
            organization = record.existing
            if organization is None:
                organization = Organization(
                    credit_code=record.credit_code or None,
                    grid_id=record.grid.id,
                    org_path=record.grid.path,
                    **{name: value for name, value in record.values.items() if value is not None},
                )
                _set_phone(organization, record.contact_phone)
                created.append(organization)
                continue
            if _update(organization, record):
                organization.updated_at = now
                changed.append(organization)
        Organization.objects.bulk_create(created)
        if changed:
            Organization.objects.bulk_update(changed, UPDATE_FIELDS)
        return len(created), len(records) - len(created)


def _set_phone(organization: Organization, phone: str) -> bool:
    if not phone:
        return False
    index = pii.index_of(phone, pii.CONTACT_PHONE)
    if index == organization.contact_phone_index:
        return False
    sealed = pii.seal(phone, pii.CONTACT_PHONE, index=index)
    organization.contact_phone_token = sealed.token
    organization.contact_phone_index = sealed.index
    organization.contact_phone_masked = sealed.masked
    return True


def _update(organization: Organization, record: OrganizationRecord) -> bool:
    changed = _set_phone(organization, record.contact_phone)
    for name, value in record.values.items():
        if value not in (None, "") and value != getattr(organization, name):
            setattr(organization, name, value)
            changed = True
    if record.credit_code and organization.credit_code != record.credit_code:
        organization.credit_code = record.credit_code
        changed = True
    if (organization.grid_id, organization.org_path) != (record.grid.id, record.grid.path):
        organization.grid_id, organization.org_path = record.grid.id, record.grid.path
        changed = True
    return changed
