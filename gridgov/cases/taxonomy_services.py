"""The case taxonomy as the workflow uses it: time limits, suggested handlers, default loading.

Categories and time limits are installation-wide (one coded taxonomy for every district);
the responsibility list is per area, so each district can route the same category its own way.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from gridgov.access.models import Department
from gridgov.audit.log import record
from gridgov.cases.defaults.categories import CATEGORIES
from gridgov.cases.defaults.departments import DEPARTMENTS, SUB_CATEGORY_DEPARTMENTS
from gridgov.cases.defaults.limits import PROFILES, SUB_CATEGORY_PROFILES, Profile
from gridgov.cases.taxonomy import Category, ResponsibilityRule, TimeLimit
from gridgov.geo.models import Level, OrgUnit

Limit = tuple[int, str]

# Other processes (gunicorn workers, task workers) see an admin edit of a limit after at most
# this long; the process that saved it sees it at once (the signals below).
LIMIT_CACHE_SECONDS = 60.0


class TaxonomyError(Exception):
    """Input the taxonomy cannot take; `field` names the input and `reason` (translated) says why."""

    def __init__(self, field: str, reason: Any) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


# --- Time limits -----------------------------------------------------------------------------


@dataclass
class LimitTable:
    """Every time limit, every category's parent and the active categories, read in two queries.

    Pass one to time_limit() when computing many deadlines in one go; otherwise time_limit()
    uses a per-process table that is dropped whenever a limit or a category is saved.
    """

    limits: dict[int, dict[tuple[str, str], Limit]] = field(default_factory=dict)
    parents: dict[int, int | None] = field(default_factory=dict)
    active_categories: dict[str, Category] = field(default_factory=dict)  # by code
    loaded_at: float = 0.0

    @classmethod
    def load(cls) -> LimitTable:
        table = cls(loaded_at=time.monotonic())
        rows = TimeLimit.objects.values_list("category_id", "urgency", "stage", "amount", "unit")
        for category_id, urgency, stage, amount, unit in rows:
            table.limits.setdefault(category_id, {})[(urgency, stage)] = (amount, unit)
        categories = list(Category.objects.all())
        table.parents = {c.pk: c.parent_id for c in categories}
        table.active_categories = {c.code: c for c in categories if c.is_active}
        return table

    def lookup(self, category_id: int, parent_id: int | None, urgency: str, stage: str) -> Limit | None:
        """The category's own limit, else the nearest ancestor's; None when no one has one."""
        key = (str(urgency), str(stage))
        seen: set[int] = set()
        current: int | None = category_id
        while current is not None and current not in seen:
            seen.add(current)
            limit = self.limits.get(current, {}).get(key)
            if limit is not None:
                return limit
            # The caller's parent_id is fresher than the table's for the category itself.
            current = parent_id if current == category_id else self.parents.get(current)
        return None


_process_table: LimitTable | None = None


def invalidate_limits(**_signal_kwargs: Any) -> None:
    """Drop this process's cached limit table (a signal receiver, also called by the loader)."""
    global _process_table
    _process_table = None


def limit_table() -> LimitTable:
    """This process's limit table, reloaded when older than LIMIT_CACHE_SECONDS."""
    global _process_table
    table = _process_table
    if table is None or time.monotonic() - table.loaded_at > LIMIT_CACHE_SECONDS:
        table = _process_table = LimitTable.load()
    return table


def active_category(code: str) -> Category | None:
    """The active category with this code, from the per-process table (no query once loaded)."""
    return limit_table().active_categories.get(code)


for _model in (TimeLimit, Category):
    post_save.connect(invalidate_limits, sender=_model, dispatch_uid=f"cases.limits.save.{_model.__name__}")
    post_delete.connect(
        invalidate_limits, sender=_model, dispatch_uid=f"cases.limits.delete.{_model.__name__}"
    )


def time_limit(
    category: Category, urgency: str, stage: str, *, table: LimitTable | None = None
) -> Limit | None:
    """(amount, unit) for `stage` of a case of `category` at `urgency`, unit "hours" or "days".

    The sub-category's own limit wins, else its category's; None when neither has one
    (the caller decides what an unlimited stage means). No query once the table is loaded.
    """
    table = table or limit_table()
    return table.lookup(category.pk, category.parent_id, urgency, stage)


# --- Responsibility list -----------------------------------------------------------------------


def _depth(path: str) -> int:
    return path.count(".")


def suggest_handler(category: Category, grid: OrgUnit) -> ResponsibilityRule | None:
    """The active rule that routes a case of `category` in `grid`, or None (one query).

    The deepest area on the grid's path wins; within one area a sub-category's own rule beats
    its category's. Rules whose department or handling unit was deactivated are skipped.
    """
    category_ids = [category.pk] if category.parent_id is None else [category.pk, category.parent_id]
    rules = (
        ResponsibilityRule.objects.filter(
            is_active=True,
            category_id__in=category_ids,
            area__path__in=[*grid.ancestor_paths(), grid.path],
        )
        .filter(Q(department__isnull=True) | Q(department__is_active=True))
        .filter(Q(handling_unit__isnull=True) | Q(handling_unit__is_active=True))
        .select_related("category", "area", "department", "handling_unit")
    )
    # Ties (two rules for the same area and category) go to the older rule, for a stable answer.
    return max(
        rules,
        key=lambda rule: (_depth(rule.area.path), rule.category_id == category.pk, -rule.pk),
        default=None,
    )


def _covers(outer: str, inner: str) -> bool:
    return inner == outer or inner.startswith(outer + ".")


def rule_problems(rule: ResponsibilityRule) -> list[tuple[str, str]]:
    """(field, reason) for each way `rule` cannot route cases; empty when it can."""
    problems: list[tuple[str, str]] = []
    area = rule.area if rule.area_id else None
    if area is None:
        return problems  # the form reports the missing area itself
    if rule.department_id and rule.handling_unit_id:
        problems.append(("handling_unit", _("Choose a department or a handling unit, not both.")))
    elif not rule.department_id and not rule.handling_unit_id:
        problems.append(("department", _("Choose a department or a handling unit.")))
    department = rule.department if rule.department_id else None
    if department is not None and not _covers(department.org_unit.path, area.path):
        problems.append(("department", _("The department does not serve this area.")))
    unit = rule.handling_unit if rule.handling_unit_id else None
    if unit is not None and not (_covers(unit.path, area.path) or _covers(area.path, unit.path)):
        problems.append(
            ("handling_unit", _("The handling unit must be the area itself, above it or inside it."))
        )
    return problems


def category_problems(code: str, parent: Category | None) -> list[tuple[str, str]]:
    """(field, reason) for a category code that does not fit the two-level coding scheme."""
    if not code.isdigit() or len(code) not in (2, 4):
        return [("code", _("A category code has 2 digits, a sub-category code 4."))]
    if len(code) == 2 and parent is not None:
        return [("parent", _("A two-digit category has no parent."))]
    if len(code) == 4:
        if parent is None:
            return [("parent", _("A four-digit sub-category needs its category as parent."))]
        if parent.parent_id is not None or parent.code != code[:2]:
            return [("parent", _("The parent must be the category whose code starts this code."))]
    return []


# --- Loading the defaults -----------------------------------------------------------------------

COUNT_KEYS = (
    "categories_created",
    "categories_updated",
    "limits_created",
    "limits_updated",
    "departments_created",
    "rules_created",
)


def _category_rows() -> Iterable[tuple[str, str | None, dict[str, Any]]]:
    """(code, parent code, field values) of every default category, parents first."""
    for top in CATEGORIES:
        yield (
            top.code,
            None,
            {
                "name_zh": top.name_zh,
                "name_en": top.name_en,
                "is_public": top.is_public,
                "auto_escalate": top.auto_escalate,
            },
        )
    for top in CATEGORIES:
        for sub in top.children:
            # A sub-category is never more public than its category.
            public = top.is_public and (sub.is_public is None or sub.is_public)
            yield (
                sub.code,
                top.code,
                {
                    "name_zh": sub.name_zh,
                    "name_en": sub.name_en,
                    "is_public": public,
                    "auto_escalate": top.auto_escalate,
                },
            )


def _load_categories(update: bool, counts: dict[str, int]) -> dict[str, Category]:
    by_code = {c.code: c for c in Category.objects.all()}
    changed: list[Category] = []
    for code, parent_code, values in _category_rows():
        parent = by_code[parent_code] if parent_code else None
        category = by_code.get(code)
        if category is None:
            by_code[code] = Category.objects.create(code=code, parent=parent, **values)
            counts["categories_created"] += 1
            continue
        if not update:
            continue
        wanted = {**values, "parent_id": parent.pk if parent else None}
        if any(getattr(category, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(category, name, value)
            changed.append(category)
    if changed:
        Category.objects.bulk_update(changed, ["name_zh", "name_en", "is_public", "auto_escalate", "parent"])
        counts["categories_updated"] += len(changed)
    return by_code


def _wanted_limits(categories: dict[str, Category]) -> dict[tuple[int, str, str], Limit]:
    profiles: dict[str, Profile] = {top.code: PROFILES[top.profile] for top in CATEGORIES}
    profiles.update(SUB_CATEGORY_PROFILES)
    return {
        (categories[code].pk, urgency, stage): limit
        for code, profile in profiles.items()
        for urgency, stages in profile.items()
        for stage, limit in stages.items()
    }


def _load_limits(categories: dict[str, Category], update: bool, counts: dict[str, int]) -> None:
    existing = {(t.category_id, t.urgency, t.stage): t for t in TimeLimit.objects.all()}
    new: list[TimeLimit] = []
    changed: list[TimeLimit] = []
    for (category_id, urgency, stage), (amount, unit) in _wanted_limits(categories).items():
        limit = existing.get((category_id, urgency, stage))
        if limit is None:
            new.append(
                TimeLimit(category_id=category_id, urgency=urgency, stage=stage, amount=amount, unit=unit)
            )
        elif update and (limit.amount, limit.unit) != (amount, unit):
            limit.amount, limit.unit = amount, unit
            changed.append(limit)
    TimeLimit.objects.bulk_create(new)
    TimeLimit.objects.bulk_update(changed, ["amount", "unit"])
    counts["limits_created"] += len(new)
    counts["limits_updated"] += len(changed)


def _load_departments(district: OrgUnit, counts: dict[str, int]) -> dict[str, Department]:
    """The district's department for each default code, created where missing.

    Department codes are unique across the installation: when a department elsewhere (another
    district, a street) already has a code, this district's gets the code suffixed with its own.
    """
    codes = [code for code, _zh, _en in DEPARTMENTS]
    candidates = [*codes, *(f"{code}_{district.code}" for code in codes)]
    existing = {d.code: d for d in Department.objects.filter(code__in=candidates)}
    result: dict[str, Department] = {}
    for code, name_zh, name_en in DEPARTMENTS:
        for candidate in (code, f"{code}_{district.code}"):
            department = existing.get(candidate)
            if department is None:
                department = Department.objects.create(
                    code=candidate,
                    name_zh=f"{district.name_zh}{name_zh}",
                    name_en=f"{district.name_en} {name_en}".strip(),
                    org_unit=district,
                )
                counts["departments_created"] += 1
            if department.org_unit_id == district.pk:
                result[code] = department
                break
    return result


def _load_rules(
    district: OrgUnit,
    categories: dict[str, Category],
    departments: dict[str, Department],
    counts: dict[str, int],
) -> None:
    """A district-wide rule for each category that has none at the district (active or not)."""
    wanted = {top.code: top.department for top in CATEGORIES} | SUB_CATEGORY_DEPARTMENTS
    ruled = set(ResponsibilityRule.objects.filter(area=district).values_list("category_id", flat=True))
    new = [
        ResponsibilityRule(category=categories[code], area=district, department=departments[department_code])
        for code, department_code in wanted.items()
        if categories[code].pk not in ruled
    ]
    ResponsibilityRule.objects.bulk_create(new)
    counts["rules_created"] += len(new)


def load_defaults(district: OrgUnit, *, update: bool = False, actor=None) -> dict[str, int]:
    """Load the default categories, time limits, departments and district-wide rules.

    Idempotent: only what is missing is created. With `update`, the names, flags and parents of
    the default category codes and their default time limits are overwritten; without it, rows
    edited in the admin stay as they are. Departments and existing rules are never changed.
    One transaction and one "cases.taxonomy_load" audit entry. Returns counts by COUNT_KEYS.
    Raises TaxonomyError when `district` is not a district.
    """
    if district.level != Level.DISTRICT:
        raise TaxonomyError("district", _("%(code)s is not a district.") % {"code": district.code})
    counts = dict.fromkeys(COUNT_KEYS, 0)
    with transaction.atomic():
        categories = _load_categories(update, counts)
        _load_limits(categories, update, counts)
        departments = _load_departments(district, counts)
        _load_rules(district, categories, departments, counts)
        record(
            "cases.taxonomy_load",
            actor=actor,
            target=district,
            details={"district": district.code, "update": update, **counts},
        )
        # bulk writes send no signals; other processes catch up within LIMIT_CACHE_SECONDS.
        transaction.on_commit(invalidate_limits)
    invalidate_limits()
    return counts


def district_for(code: str | None) -> OrgUnit:
    """The district with `code`, or the only district when no code is given.

    Raises TaxonomyError naming "--district" when there is no such district or the choice is ambiguous.
    """
    districts = OrgUnit.objects.filter(level=Level.DISTRICT)
    if code:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise TaxonomyError("--district", _("no org unit has the code %(code)s.") % {"code": code})
        if unit.level != Level.DISTRICT:
            raise TaxonomyError("--district", _("%(code)s is not a district.") % {"code": code})
        return unit
    found = list(districts.order_by("code")[:2])
    if not found:
        raise TaxonomyError("--district", _("there is no district yet; import the org units first."))
    if len(found) > 1:
        raise TaxonomyError("--district", _("there are several districts; name one by its code."))
    return found[0]
