"""GeoJSON export and all-or-nothing import of org units."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.audit.log import record
from gridgov.geo.codes import code_problems
from gridgov.geo.geometry import GeometryError, parse_geometry, unit_fields
from gridgov.geo.index import bump_geometry_version
from gridgov.geo.models import Level, OrgUnit, path_for_code

_PROPERTIES = ("code", "parent_code", "level", "kind", "name_zh", "name_en")
_UPDATED_FIELDS = [
    "parent",
    "level",
    "kind",
    "name_zh",
    "name_en",
    "path",
    "geometry",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
    "area_m2",
    "updated_at",
]


@dataclass(frozen=True)
class ImportProblem:
    index: int | None  # feature position in the file (0-based), None for the file as a whole
    code: str
    field: str
    reason: Any  # translatable

    def __str__(self) -> str:
        where = "file" if self.index is None else f"feature {self.index}"
        code = f" ({self.code})" if self.code else ""
        return f"{where}{code}: {self.field}: {self.reason}"


class GeoImportError(Exception):
    """The file was rejected; `errors` lists every problem found. Nothing was written."""

    def __init__(self, errors: list[ImportProblem]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the GeoJSON file")
        self.errors = errors


# --- Export -----------------------------------------------------------------------------


def feature_for(unit: OrgUnit, parent_code: str | None) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "code": unit.code,
            "parent_code": parent_code,
            "level": unit.level,
            "kind": unit.kind,
            "name_zh": unit.name_zh,
            "name_en": unit.name_en,
        },
        "geometry": unit.geometry,
    }


def export_units(root: OrgUnit | None = None, queryset=None) -> dict[str, Any]:
    """A FeatureCollection of the active units under `root` (itself included), or of all units.

    `queryset` narrows the units further (the admin passes the user's scoped queryset).
    """
    units = OrgUnit.objects.active() if queryset is None else queryset.filter(is_active=True)
    if root is not None:
        units = units.within(root.path)
    units = units.select_related("parent").order_by("path")
    features = [feature_for(u, u.parent.code if u.parent_id else None) for u in units]
    return {"type": "FeatureCollection", "features": features}


def dumps(collection: dict[str, Any]) -> str:
    """Stable text for a FeatureCollection (UTF-8 names kept readable)."""
    return json.dumps(collection, ensure_ascii=False, indent=1)


# --- Import -----------------------------------------------------------------------------


@dataclass
class _Row:
    index: int
    code: str
    parent_code: str | None
    level: int
    kind: str
    name_zh: str
    name_en: str
    geometry: dict[str, Any] | None
    fields: Mapping[str, float | None]


def _load(source: Any) -> Any:
    if isinstance(source, bytes | bytearray):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise GeoImportError(
                [ImportProblem(None, "", "file", _("The file is not UTF-8 text."))]
            ) from None
    if isinstance(source, str):
        try:
            return json.loads(source)
        except json.JSONDecodeError as exc:
            reason = _("The file is not valid JSON (line %(line)s, column %(column)s).") % {
                "line": exc.lineno,
                "column": exc.colno,
            }
            raise GeoImportError([ImportProblem(None, "", "file", reason)]) from None
    return source


def _text(props: dict, name: str, required: bool, max_length: int, add) -> str:
    value = props.get(name)
    if value is None or value == "":
        if required:
            add(name, _("This field is required."))
        return ""
    if not isinstance(value, str):
        add(name, _("This field must be text."))
        return ""
    if len(value) > max_length:
        add(name, _("At most %(n)s characters.") % {"n": max_length})
    return value


def _check_feature(index: int, feature: Any, errors: list[ImportProblem]) -> _Row | None:
    code = ""
    if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        raw = feature["properties"].get("code")
        code = raw if isinstance(raw, str) else ""
    count_before = len(errors)

    def add(field: str, reason: Any) -> None:
        errors.append(ImportProblem(index, code, field, reason))

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        add("type", _("Each item of features must be a GeoJSON Feature."))
        return None
    props = feature.get("properties")
    if not isinstance(props, dict):
        add("properties", _("The feature needs a properties object."))
        return None
    level = props.get("level")
    parent_code = props.get("parent_code") or None
    for field, reason in code_problems(props.get("code"), level, props.get("kind"), parent_code):
        add(field, reason)
    name_zh = _text(props, "name_zh", True, 100, add)
    name_en = _text(props, "name_en", False, 150, add)
    geometry = feature.get("geometry")
    fields: Mapping[str, float | None] = dict.fromkeys(
        ("min_lon", "min_lat", "max_lon", "max_lat", "area_m2")
    )
    if geometry is None:
        if level == Level.GRID:
            add("geometry", _("A grid needs a boundary."))
    else:
        try:
            fields = unit_fields(parse_geometry(geometry))
            geometry = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
        except GeometryError as exc:
            add(exc.field, exc.reason)
    if len(errors) > count_before:
        return None
    # code_problems() found nothing wrong, so level is one of the int levels.
    return _Row(index, code, parent_code, cast(int, level), props["kind"], name_zh, name_en, geometry, fields)


def validate_collection(source: Any) -> list[_Row]:
    """Check a FeatureCollection (dict, JSON text or bytes); raise GeoImportError with every problem."""
    data = _load(source)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GeoImportError(
            [ImportProblem(None, "", "type", _("The file must be a GeoJSON FeatureCollection."))]
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise GeoImportError([ImportProblem(None, "", "features", _("The features must be a list."))])
    errors: list[ImportProblem] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        row = _check_feature(index, feature, errors)
        if row is None:
            continue
        if row.code in seen:
            errors.append(
                ImportProblem(
                    index,
                    row.code,
                    "code",
                    _("Duplicate code: also used by feature %(n)s.") % {"n": seen[row.code]},
                )
            )
            continue
        seen[row.code] = index
        rows.append(row)
    # A parent must come from the file (any feature, valid or not, counts as "in the file") or the DB.
    codes_in_file = {
        f["properties"].get("code")
        for f in features
        if isinstance(f, dict) and isinstance(f.get("properties"), dict)
    }
    missing = {r.parent_code for r in rows if r.parent_code and r.parent_code not in codes_in_file}
    in_db = set(OrgUnit.objects.filter(code__in=missing).values_list("code", flat=True)) if missing else set()
    for row in rows:
        if row.parent_code and row.parent_code not in codes_in_file and row.parent_code not in in_db:
            errors.append(
                ImportProblem(
                    row.index,
                    row.code,
                    "parent_code",
                    _("Unknown parent code: it is neither in the file nor in the database."),
                )
            )
    if errors:
        raise GeoImportError(errors)
    return rows


def import_collection(source: Any, *, actor=None, request=None) -> dict[str, int]:
    """Create or update org units from a FeatureCollection, all or nothing.

    Every feature is checked first; on any problem GeoImportError lists them all and nothing is
    written. Otherwise units are upserted by code in one transaction (parents first), the
    geometry version is bumped and one "geo.import" audit entry is written.
    Returns {"created": n, "updated": n, "unchanged": n}.
    """
    rows = validate_collection(source)
    rows.sort(key=lambda r: (r.level, r.code))
    now = timezone.now()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        codes = {r.code for r in rows} | {r.parent_code for r in rows if r.parent_code}
        by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        for level in sorted({r.level for r in rows}):
            to_create, to_update = [], []
            for row in (r for r in rows if r.level == level):
                # The OrgUnit field values, of mixed types: the parent unit, texts, geometry, numbers.
                values: dict[str, Any] = {
                    "parent": by_code[row.parent_code] if row.parent_code else None,
                    "level": row.level,
                    "kind": row.kind,
                    "name_zh": row.name_zh,
                    "name_en": row.name_en,
                    "path": path_for_code(row.code),
                    "geometry": row.geometry,
                    **row.fields,
                }
                unit = by_code.get(row.code)
                if unit is None:
                    unit = OrgUnit(code=row.code, **values)
                    to_create.append(unit)
                    by_code[row.code] = unit
                    continue
                changed = False
                for name, value in values.items():
                    current = unit.parent_id if name == "parent" else getattr(unit, name)
                    wanted = (value.pk if value else None) if name == "parent" else value
                    if current != wanted:
                        setattr(unit, name, value)
                        changed = True
                if changed:
                    unit.updated_at = now
                    to_update.append(unit)
                else:
                    counts["unchanged"] += 1
            OrgUnit.objects.bulk_create(to_create, batch_size=500)
            OrgUnit.objects.bulk_update(to_update, _UPDATED_FIELDS, batch_size=500)
            counts["created"] += len(to_create)
            counts["updated"] += len(to_update)
        if counts["created"] or counts["updated"]:
            bump_geometry_version()
        record("geo.import", actor=actor, request=request, target_type="geo.orgunit", details=dict(counts))
    return counts
