"""Indicators per assessed entity and period, set-based.

Areas (grid, community, street) and departments are summed from DailyFact with one GROUP BY
per period; grid workers (cases they reported) from CaseFact with one GROUP BY reporter. The
field-work indicators are one GROUP BY grid each over visits, the registry and campaign
progress, rolled up to communities and streets (or summed over a worker's grids) in Python.
No query runs per entity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from gridgov.access.display import display_name
from gridgov.access.models import Department, Membership
from gridgov.access.roles import Role
from gridgov.access.scope import path_filter
from gridgov.analytics.measures import MEASURES, facts_on
from gridgov.analytics.models import CaseFact, DailyFact
from gridgov.assessment import fieldwork
from gridgov.assessment.indicators import CAMPAIGNS, CASES, REGISTRY, VISITS, Indicator, indicators_of
from gridgov.assessment.models import Kind
from gridgov.assessment.periods import Period
from gridgov.assessment.weights import grade_of, score_rows, weights_for
from gridgov.geo.models import Level, OrgUnit

UNIT_LEVEL: dict[str, int] = {
    Kind.GRID: Level.GRID,
    Kind.COMMUNITY: Level.COMMUNITY,
    Kind.STREET: Level.STREET,
}
# The DailyFact / CaseFact column that names the entity of each kind.
GROUP_FIELD: dict[str, str] = {
    Kind.WORKER: "reporter_id",
    Kind.GRID: "grid_id",
    Kind.COMMUNITY: "community_id",
    Kind.STREET: "street_id",
    Kind.DEPARTMENT: "department_id",
}
PATH_LENGTH: dict[str, int] = {Kind.GRID: 18, Kind.COMMUNITY: 14, Kind.STREET: 10}


@dataclass
class Figure:
    value: float | None
    numerator: float
    denominator: float | None

    def as_dict(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


@dataclass
class Row:
    key: str
    label: str
    path: str
    figures: dict[str, Figure] = field(default_factory=dict)
    previous: dict[str, float | None] = field(default_factory=dict)
    year_ago: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None
    grade: str = ""
    rank: int | None = None


@dataclass
class Entity:
    key: str
    label: str
    path: str
    grid_ids: list[int] = field(default_factory=list)  # workers: the grids they work in


# --- Entities --------------------------------------------------------------------------------


def entities(kind: str, area: OrgUnit | None) -> list[Entity]:
    """Everything of `kind` assessed within `area` (the whole installation without one)."""
    where = path_filter("path", [area.path]) if area is not None else Q()
    if kind in UNIT_LEVEL:
        units = OrgUnit.objects.active().filter(where, level=UNIT_LEVEL[kind]).order_by("path")
        return [Entity(str(u.pk), u.name_zh, u.path) for u in units]
    if kind == Kind.WORKER:
        where = path_filter("org_unit__path", [area.path]) if area is not None else Q()
        members = (
            Membership.objects.filter(
                where, role=Role.GRID_WORKER, org_unit__level=Level.GRID, user__is_active=True
            )
            .select_related("user", "org_unit")
            .order_by("user_id", "org_unit__path")
        )
        found: dict[int, Entity] = {}
        for m in members:
            if m.org_unit is None or m.org_unit_id is None:
                continue
            name = display_name(m.user)  # 王军, not "军 王"
            entity = found.setdefault(m.user_id, Entity(str(m.user_id), name, m.org_unit.path))
            entity.grid_ids.append(m.org_unit_id)
        return list(found.values())
    if kind == Kind.DEPARTMENT:
        departments = list(
            Department.objects.filter(is_active=True).select_related("org_unit").order_by("code")
        )
        if area is not None:
            departments = [
                d
                for d in departments
                if (area.path + ".").startswith(d.org_unit.path + ".")
                or d.org_unit.path.startswith(area.path + ".")
            ]
        return [Entity(str(d.pk), d.name_zh, d.org_unit.path) for d in departments]
    raise ValueError(kind)


def entity_of(kind: str, key: str, area: OrgUnit | None) -> Entity | None:
    """The entity `key` of `kind` as assessed within `area` (None when it is not assessed there)."""
    if not key.isdigit():
        return None
    if kind in UNIT_LEVEL:
        where = path_filter("path", [area.path]) if area is not None else Q()
        unit = OrgUnit.objects.active().filter(where, pk=int(key), level=UNIT_LEVEL[kind]).first()
        return Entity(str(unit.pk), unit.name_zh, unit.path) if unit is not None else None
    return next((e for e in entities(kind, area) if e.key == key), None)


# --- Case parts ------------------------------------------------------------------------------


def _case_measures(kind: str) -> set[str]:
    names: set[str] = set()
    for indicator in indicators_of(kind):
        if indicator.source == CASES:
            names.add(indicator.numerator)
            if indicator.denominator:
                names.add(indicator.denominator)
    return names


def case_parts(
    kind: str, period: Period, keys: list[str], area: OrgUnit | None
) -> dict[str, dict[str, float]]:
    """{entity key: {measure: value}} for the case measures the kind's indicators need."""
    names = sorted(_case_measures(kind))
    group = GROUP_FIELD[kind]
    out: dict[str, dict[str, float]] = defaultdict(dict)
    if kind == Kind.WORKER:
        if not keys:
            return out
        day_fields = {MEASURES[n].day_field for n in names}
        in_period = Q()
        for day_field in day_fields:
            in_period |= Q(**{f"{day_field}__gte": period.start, f"{day_field}__lt": period.end})
        aggregates = {}
        for name in names:
            m = MEASURES[name]
            condition = facts_on(m, period.start, period.end)
            aggregates[f"m_{name}"] = (
                Sum(m.sum_field, filter=condition, default=0)
                if m.sum_field
                else Count("case_id", filter=condition)
            )
        rows = (
            CaseFact.objects.filter(in_period, reporter_id__in=[int(k) for k in keys])
            .values(group)
            .order_by()
            .annotate(**aggregates)
        )
    else:
        where = path_filter("org_path", [area.path]) if area is not None else Q()
        rows = (
            DailyFact.objects.filter(where, day__gte=period.start, day__lt=period.end)
            .values(group)
            .order_by()
            .annotate(**{f"m_{name}": Sum(name, default=0) for name in names})
        )
    for row in rows:
        if row[group] is None:
            continue
        out[str(row[group])] = {name: row[f"m_{name}"] or 0 for name in names}
    return out


# --- Field-work parts (per grid, then rolled up) -------------------------------------------------


def _per_grid(area: OrgUnit | None, period: Period, sources: set[str]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = defaultdict(dict)

    def put(rows, name: str) -> None:
        for row in rows.values("grid_id").order_by().annotate(n=Count("id")):
            out[row["grid_id"]][name] = row["n"] or 0

    if VISITS in sources:
        put(fieldwork.active_households(area), "households")
        for row in (
            fieldwork.visits_in(period, area)
            .values("grid_id")
            .order_by()
            .annotate(n=Count("household_id", distinct=True))
        ):
            out[row["grid_id"]]["visited_households"] = row["n"] or 0
    if REGISTRY in sources:
        put(fieldwork.active_persons(area), "persons")
        put(fieldwork.updated_persons(period, area), "updated_persons")
    if CAMPAIGNS in sources:
        for row in (
            fieldwork.running_progress(period, area)
            .values("grid_id")
            .order_by()
            .annotate(done=Sum("done"), total=Sum("total"))
        ):
            out[row["grid_id"]]["targets_done"] = row["done"] or 0
            out[row["grid_id"]]["targets"] = row["total"] or 0
    return out


def field_parts(
    kind: str, period: Period, ents: list[Entity], area: OrgUnit | None
) -> dict[str, dict[str, float]]:
    sources = {i.source for i in indicators_of(kind)} - {CASES}
    if not sources or not ents:
        return {}
    grids = _per_grid(area, period, sources)
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    if kind == Kind.WORKER:
        visited = dict(
            fieldwork.worker_visits_in(period, [int(e.key) for e in ents])
            .values("worker_id")
            .order_by()
            .annotate(n=Count("household_id", distinct=True))
            .values_list("worker_id", "n")
        )
        for e in ents:
            for grid_id in e.grid_ids:
                for name, value in grids.get(grid_id, {}).items():
                    if name != "visited_households":
                        out[e.key][name] += value
            out[e.key]["visited_households"] = visited.get(int(e.key), 0)
        return out
    if kind == Kind.GRID:
        for grid_id, parts in grids.items():
            out[str(grid_id)].update(parts)
        return out
    # Community / street: roll the grids up by path prefix.
    length = PATH_LENGTH[kind]
    grid_paths = dict(OrgUnit.objects.filter(pk__in=list(grids)).values_list("pk", "path"))
    by_path = {e.path: e.key for e in ents}
    for grid_id, parts in grids.items():
        key = by_path.get(grid_paths.get(grid_id, "")[:length])
        if key is None:
            continue
        for name, value in parts.items():
            out[key][name] += value
    return out


# --- Indicators ---------------------------------------------------------------------------------


def _figures(indicators: list[Indicator], parts: dict[str, float]) -> dict[str, Figure]:
    figures = {}
    for i in indicators:
        numerator = parts.get(i.numerator, 0)
        denominator = parts.get(i.denominator, 0) if i.denominator else None
        figures[i.code] = Figure(i.value(numerator, denominator), numerator, denominator)
    return figures


def values_for(
    kind: str, period: Period, ents: list[Entity], area: OrgUnit | None
) -> dict[str, dict[str, Figure]]:
    """{entity key: {indicator code: Figure}} for one period."""
    indicators = indicators_of(kind)
    cases = case_parts(kind, period, [e.key for e in ents], area)
    fields = field_parts(kind, period, ents, area)
    return {e.key: _figures(indicators, {**cases.get(e.key, {}), **fields.get(e.key, {})}) for e in ents}


def indicators_for(
    kind: str, period: Period, *, area: OrgUnit | None = None, compare: bool = True
) -> list[Row]:
    """Every entity of `kind` in `area`: figures for `period`, period-on-period and year-on-year
    values, weighted score, grade and rank (rank 1 = best score)."""
    if kind not in GROUP_FIELD:
        raise ValueError(kind)
    ents = entities(kind, area)
    current = values_for(kind, period, ents, area)
    previous = values_for(kind, period.previous(), ents, area) if compare else {}
    year_ago = values_for(kind, period.year_ago(), ents, area) if compare else {}
    rows = []
    for e in ents:
        row = Row(e.key, e.label, e.path, figures=current[e.key])
        if compare:
            row.previous = {code: f.value for code, f in previous[e.key].items()}
            row.year_ago = {code: f.value for code, f in year_ago[e.key].items()}
        rows.append(row)
    score_rows(kind, rows, weights_for(kind))
    for row in rows:
        row.grade = grade_of(row.score)
    return rows


# --- Drill-down ---------------------------------------------------------------------------------


def cases_behind(
    indicator: Indicator, part: str, kind: str, entity: str, period: Period, *, area: OrgUnit | None = None
):
    """The CaseFact rows behind one figure: the same measure, day range and entity filter.

    For a counted measure the list's length is the figure; for a summed one (dispatches,
    returns, handling time) the listed cases carry the summed field. Field-work indicators
    have no cases behind them (an empty queryset).
    """
    if part not in ("numerator", "denominator"):
        raise ValueError(part)
    name = indicator.numerator if part == "numerator" else indicator.denominator
    if indicator.source != CASES or not name:
        return CaseFact.objects.none()
    measure = MEASURES[name]
    facts = CaseFact.objects.filter(
        facts_on(measure, period.start, period.end), **{GROUP_FIELD[kind]: int(entity)}
    )
    if area is not None and kind != Kind.WORKER:  # as case_parts: areas' figures stay inside the area
        facts = facts.filter(path_filter("org_path", [area.path]))
    return facts
