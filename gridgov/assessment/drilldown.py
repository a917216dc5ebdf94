"""The records behind the field-work figures: households and their visits (visit coverage),
person records (information update) and campaign progress rows (campaign completion).

Built from the same base querysets as the figures (fieldwork.py) with the same entity filter as
compute.field_parts: a grid's records, a community's or street's grids (by the record's grid
path, as the roll-up does), a worker's grids — and for a worker's visits, every visit the worker
made. Live lists are narrowed to the viewer by access.scope; snapshots freeze the ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from gridgov.access.scope import path_filter, scoped
from gridgov.assessment import fieldwork
from gridgov.assessment.compute import PATH_LENGTH, Entity
from gridgov.assessment.indicators import CAMPAIGNS, CASES, REGISTRY, VISITS, Indicator, indicators_of
from gridgov.assessment.models import Kind
from gridgov.assessment.periods import Period
from gridgov.geo.models import OrgUnit

# The permission that lets a viewer see the records of each source (masked, as their own pages).
RECORD_PERMISSION = {VISITS: "patrol.view", REGISTRY: "people.view", CAMPAIGNS: "campaigns.view"}
CHANGE_LABELS = {
    "people.person.create": _("created"),
    "people.person.update": _("edited"),
    "people.person.status": _("status changed"),
}


@dataclass
class Records:
    """The records behind one field-work figure (unscoped: `listing` narrows them to a viewer)."""

    source: str
    part: str
    records: QuerySet  # Household, Person or GridProgress rows
    visits: QuerySet | None = None  # visit coverage: the visits of the period behind the households
    sum_field: str | None = None  # campaign completion: the progress column the figure sums
    frozen_progress: dict[str, list[int]] | None = None  # snapshot: {progress id: [done, total]}
    frozen_figure: float | None = None  # snapshot: the figure the frozen ids make

    def figure(self) -> float:
        """The figure these records make: their number, or the sum of `sum_field` (for a snapshot,
        from the frozen ids and values, whatever happened to the records since)."""
        if self.frozen_figure is not None:
            return self.frozen_figure
        if self.sum_field is None:
            return self.records.count()
        return self.records.aggregate(n=Sum(self.sum_field))["n"] or 0


def _of_entity(kind: str, entity: Entity) -> Q:
    """The records of the entity's grids, as compute.field_parts rolls them up."""
    if kind == Kind.WORKER:
        return Q(grid_id__in=entity.grid_ids)
    if kind == Kind.GRID:
        return Q(grid_id=int(entity.key))
    return path_filter("grid__path", [entity.path])


def records_behind(
    indicator: Indicator, part: str, kind: str, entity: Entity, period: Period, *, area: OrgUnit | None
) -> Records:
    """The records behind the `part` of a field-work figure of `entity` in `period`.

    Raises ValueError for a case indicator (see compute.cases_behind) or an unknown part.
    """
    from gridgov.people.models import Household

    if part not in ("numerator", "denominator"):
        raise ValueError(part)
    where = _of_entity(kind, entity)
    if indicator.source == VISITS:
        if kind == Kind.WORKER:
            visits = fieldwork.worker_visits_in(period, [int(entity.key)])
        else:
            visits = fieldwork.visits_in(period, area).filter(where)
        if part == "numerator":
            households = Household.objects.filter(pk__in=visits.values("household_id"))
        else:
            households = fieldwork.active_households(area).filter(where)
        return Records(VISITS, part, households, visits=visits)
    if indicator.source == REGISTRY:
        persons = (
            fieldwork.updated_persons(period, area) if part == "numerator" else fieldwork.active_persons(area)
        )
        return Records(REGISTRY, part, persons.filter(where))
    if indicator.source == CAMPAIGNS:
        progress = fieldwork.running_progress(period, area).filter(where)
        return Records(CAMPAIGNS, part, progress, sum_field="done" if part == "numerator" else "total")
    raise ValueError(indicator.code)


def frozen_records(source: str, part: str, frozen: dict) -> Records:
    """The records a snapshot froze behind one figure (`frozen`: AssessmentRow.case_ids[code])."""
    from gridgov.campaigns.models import GridProgress
    from gridgov.patrol.models import Visit
    from gridgov.people.models import Household, Person

    ids = list(frozen.get(part) or [])
    if source == VISITS:
        visits = Visit.objects.filter(pk__in=list(frozen.get("visits") or []))
        households = Household.objects.filter(pk__in=ids)
        return Records(VISITS, part, households, visits=visits, frozen_figure=len(ids))
    if source == REGISTRY:
        return Records(REGISTRY, part, Person.objects.filter(pk__in=ids), frozen_figure=len(ids))
    if source == CAMPAIGNS:
        progress: dict[str, list[int]] = dict(frozen.get("progress") or {})
        column = 0 if part == "numerator" else 1
        return Records(
            CAMPAIGNS,
            part,
            GridProgress.objects.filter(pk__in=ids),
            sum_field="done" if part == "numerator" else "total",
            frozen_progress=progress,
            frozen_figure=sum(progress.get(str(pk), [0, 0])[column] for pk in ids),
        )
    raise ValueError(source)


# --- What a viewer sees ------------------------------------------------------------------------


def listing(user, found: Records, period: Period, *, limit: int) -> tuple[list, int]:
    """(the first `limit` records `user` may see, ready to show, how many the user may see).

    Households come with their visits of the period (who, when, outcome), persons with a masked
    name and their changes in the period, progress rows with their campaign and grid. Nothing
    unmasked is shown, so reading a list needs no audit entry.
    """
    rows = scoped(user, found.records, RECORD_PERMISSION[found.source])
    total = rows.count()
    if found.source == VISITS:
        return _households(user, rows, found.visits, limit), total
    if found.source == REGISTRY:
        return _persons(rows, period, limit), total
    return _progress(rows, found.frozen_progress, limit), total


def _households(user, rows: QuerySet, visits: QuerySet | None, limit: int) -> list:
    behind = scoped(user, visits if visits is not None else rows.none(), RECORD_PERMISSION[VISITS])
    return list(
        rows.select_related("grid", "house__building")
        .prefetch_related(
            Prefetch(
                "visits",
                queryset=behind.select_related("worker").order_by("visited_at", "id"),
                to_attr="period_visits",
            )
        )
        .order_by("org_path", "number")[:limit]
    )


def _persons(rows: QuerySet, period: Period, limit: int) -> list:
    from gridgov.campaigns.monitoring import mask_name

    persons = list(rows.select_related("grid", "household").order_by("org_path", "id")[:limit])
    changes: dict[str, list] = defaultdict(list)
    entries = fieldwork.person_changes(period).filter(target_id__in=[str(p.pk) for p in persons])
    for target_id, action, at in entries.order_by("at", "id").values_list("target_id", "action", "at"):
        changes[target_id].append((at, CHANGE_LABELS.get(action, action)))
    for person in persons:
        person.masked_name = mask_name(person.name)
        person.period_changes = changes.get(str(person.pk), [])
    return persons


def _progress(rows: QuerySet, frozen: dict[str, list[int]] | None, limit: int) -> list:
    progress = list(rows.select_related("campaign", "grid").order_by("campaign_id", "org_path")[:limit])
    for row in progress:
        if frozen is not None and str(row.pk) in frozen:
            row.done, row.total = frozen[str(row.pk)]
    return progress


# --- Snapshots ---------------------------------------------------------------------------------


def _owners(kind: str, ents: list[Entity], grid_ids: set[int]) -> dict[int, list[str]]:
    """{grid id: the keys of the entities whose figures count that grid's records}."""
    owners: dict[int, list[str]] = defaultdict(list)
    if kind == Kind.WORKER:
        for e in ents:
            for grid_id in set(e.grid_ids):
                owners[grid_id].append(e.key)
    elif kind == Kind.GRID:
        for e in ents:
            owners[int(e.key)].append(e.key)
    else:
        by_path = {e.path: e.key for e in ents}
        for grid_id, path in OrgUnit.objects.filter(pk__in=sorted(grid_ids)).values_list("pk", "path"):
            key = by_path.get(path[: PATH_LENGTH[kind]])
            if key is not None:
                owners[grid_id].append(key)
    return owners


def frozen_ids(kind: str, period: Period, ents: list[Entity], area: OrgUnit | None) -> dict[str, dict]:
    """{entity key: {indicator code: {"numerator": [ids], "denominator": [ids], ...}}} for the
    field-work indicators of `kind`: household ids (and "visits": the visit ids behind), person
    ids, campaign progress ids (and "progress": {id: [done, total]}). One query per list."""
    sources = {i.source for i in indicators_of(kind)} - {CASES}
    out: dict[str, dict] = {e.key: {} for e in ents}
    if not sources or not ents:
        return out
    per_grid: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    if VISITS in sources:
        for grid_id, pk in fieldwork.active_households(area).values_list("grid_id", "pk"):
            per_grid["households"][grid_id].append(pk)
        if kind != Kind.WORKER:
            for grid_id, household_id, pk in fieldwork.visits_in(period, area).values_list(
                "grid_id", "household_id", "pk"
            ):
                per_grid["visits"][grid_id].append((household_id, pk))
    if REGISTRY in sources:
        for grid_id, pk in fieldwork.active_persons(area).values_list("grid_id", "pk"):
            per_grid["persons"][grid_id].append(pk)
        for grid_id, pk in fieldwork.updated_persons(period, area).values_list("grid_id", "pk"):
            per_grid["updated"][grid_id].append(pk)
    if CAMPAIGNS in sources:
        for grid_id, pk, done, total in fieldwork.running_progress(period, area).values_list(
            "grid_id", "pk", "done", "total"
        ):
            per_grid["progress"][grid_id].append((pk, done, total))
    grid_ids = {g for lists in per_grid.values() for g in lists}
    owners = _owners(kind, ents, grid_ids)
    gathered: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for name, lists in per_grid.items():
        for grid_id, items in lists.items():
            for key in owners.get(grid_id, []):
                gathered[key][name].extend(items)
    if VISITS in sources and kind == Kind.WORKER:
        by_worker = fieldwork.worker_visits_in(period, [int(e.key) for e in ents])
        for worker_id, household_id, pk in by_worker.values_list("worker_id", "household_id", "pk"):
            gathered[str(worker_id)]["visits"].append((household_id, pk))
    codes = {i.source: i.code for i in indicators_of(kind) if i.source != CASES}
    for e in ents:
        mine: dict[str, list] = gathered.get(e.key, {})
        frozen = out[e.key]
        if VISITS in sources:
            visits = mine.get("visits", [])
            frozen[codes[VISITS]] = {
                "numerator": sorted({household for household, _pk in visits}),
                "denominator": sorted(mine.get("households", [])),
                "visits": sorted(pk for _household, pk in visits),
            }
        if REGISTRY in sources:
            frozen[codes[REGISTRY]] = {
                "numerator": sorted(mine.get("updated", [])),
                "denominator": sorted(mine.get("persons", [])),
            }
        if CAMPAIGNS in sources:
            progress = mine.get("progress", [])
            ids = sorted(pk for pk, _done, _total in progress)
            frozen[codes[CAMPAIGNS]] = {
                "numerator": ids,
                "denominator": ids,
                "progress": {str(pk): [done, total] for pk, done, total in progress},
            }
    return out
