"""Tasks for grid workers: one-off tasks, recurring rules and the items generated from them,
and their completion (by a visit of the household, or by hand with a note)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope, path_filter
from gridgov.audit.log import record
from gridgov.geo.models import Level, OrgUnit
from gridgov.patrol.errors import ALL, PatrolError
from gridgov.patrol.models import Frequency, TargetKind, Task, TaskRule, TaskState, Visit
from gridgov.patrol.rights import ASSIGN, WORK, atomic_action, require
from gridgov.people.models import Household, Person, PersonStatus, Sensitivity, Tag


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    due: date


def period_of(rule: TaskRule, day: date) -> Period:
    """The period of `rule` containing `day`, and when its items are due."""
    if rule.frequency == Frequency.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6), start + timedelta(days=rule.due_weekday))
    last = calendar.monthrange(day.year, day.month)[1]
    end = day.replace(day=last)
    return Period(day.replace(day=1), end, end)


# One-off tasks and rules ----------------------------------------------------------------------


@atomic_action
def create_task(
    actor,
    *,
    title: str,
    assignee,
    due_on: date,
    grid: OrgUnit | None = None,
    household: Household | None = None,
    details: str = "",
) -> Task:
    """Assign a one-off task to a grid worker, about a household or in a grid.

    Raises PatrolDenied unless the actor may assign tasks there; PatrolError for a missing
    title or a worker who does not work in that grid.
    """
    if household is not None:
        grid = household.grid
    if grid is None or grid.level != Level.GRID:
        raise PatrolError("grid", _("Choose the grid or the household."), "required")
    require(actor, ASSIGN, grid.path, action="patrol.task.create")
    if not (title or "").strip():
        raise PatrolError("title", _("Enter the title."), "required")
    if assignee is None or not in_scope(assignee, grid.path, WORK):
        raise PatrolError("assignee", _("Choose a worker of this grid."))
    task = Task.objects.create(
        title=title.strip()[:100],
        details=details.strip(),
        household=household,
        grid=grid,
        org_path=grid.path,
        assignee=assignee,
        assigned_by=actor,
        due_on=due_on,
    )
    record("patrol.task.create", actor=actor, target=task, details={"assignee": assignee.pk})
    return task


@atomic_action
def create_rule(
    actor,
    *,
    title: str,
    area: OrgUnit,
    tag: Tag,
    frequency: str,
    target: str = TargetKind.HOUSEHOLD,
    due_weekday: int = 4,
) -> TaskRule:
    """Create a recurring task over the persons with `tag` in `area` (see generate_items).

    Highly sensitive tags are refused: the items would show grid workers who carries them.
    """
    require(actor, ASSIGN, area.path, action="patrol.rule.create")
    if not (title or "").strip():
        raise PatrolError("title", _("Enter the title."), "required")
    if tag.sensitivity >= Sensitivity.RESTRICTED or not tag.is_active:
        raise PatrolError("tag", _("Tasks cannot be built from this special group."))
    if frequency not in Frequency.values:
        raise PatrolError("frequency", _("Choose weekly or monthly."))
    if target not in TargetKind.values:
        raise PatrolError("target", _("Choose persons or households."))
    if not 0 <= int(due_weekday) <= 6:
        raise PatrolError("due_weekday", _("Choose a weekday."))
    rule = TaskRule.objects.create(
        title=title.strip()[:100],
        area=area,
        org_path=area.path,
        tag=tag,
        target=target,
        frequency=frequency,
        due_weekday=int(due_weekday),
        created_by=actor,
    )
    record("patrol.rule.create", actor=actor, target=rule, details={"tag": tag.code, "frequency": frequency})
    return rule


# Generation -----------------------------------------------------------------------------------


def target_persons(rule: TaskRule) -> QuerySet[Person]:
    """The living residents with the rule's tag in its area."""
    return Person.objects.filter(
        path_filter("org_path", [rule.org_path]),
        person_tags__tag=rule.tag,
        status=PersonStatus.ACTIVE,
    )


def target_households(rule: TaskRule) -> QuerySet[Household]:
    return Household.objects.filter(is_active=True, members__in=target_persons(rule)).distinct()


def _items_for(rule: TaskRule, period: Period) -> list[Task]:
    common = {
        "title": rule.title,
        "rule": rule,
        "period_start": period.start,
        "period_end": period.end,
        "due_on": period.due,
    }
    if rule.target == TargetKind.PERSON:
        persons = target_persons(rule).values_list("pk", "household_id", "grid_id", "org_path")
        return [
            Task(
                target_key=f"person:{pk}",
                person_id=pk,
                household_id=hh,
                grid_id=grid,
                org_path=path,
                **common,
            )
            for pk, hh, grid, path in persons
        ]
    households = target_households(rule).values_list("pk", "grid_id", "org_path")
    return [
        Task(target_key=f"household:{pk}", household_id=pk, grid_id=grid, org_path=path, **common)
        for pk, grid, path in households
    ]


def generate_items(today: date | None = None) -> int:
    """Create the task items of the current period of every active rule; idempotent per period
    (an item exists once per rule, period and target). Returns how many were created."""
    today = today or timezone.localdate()
    created = 0
    for rule in TaskRule.objects.filter(is_active=True).select_related("tag"):
        period = period_of(rule, today)
        with transaction.atomic():
            existing = set(
                Task.objects.filter(rule=rule, period_start=period.start).values_list("target_key", flat=True)
            )
            fresh = [item for item in _items_for(rule, period) if item.target_key not in existing]
            # ignore_conflicts: a concurrent run of the generator may have created some meanwhile.
            Task.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
            if fresh:
                record(
                    "patrol.rule.generate",
                    target=rule,
                    details={"period": period.start.isoformat(), "items": len(fresh)},
                )
        created += len(fresh)
    return created


# Completion ------------------------------------------------------------------------------------


def complete_by_visit(visit: Visit) -> int:
    """Complete the open items the visit satisfies: those of its household (or of a member)
    whose period contains the visit's day, and one-off tasks about the household. A visit that
    found nobody at home completes nothing. Returns how many were completed."""
    if visit.nobody_home:
        return 0
    day = timezone.localtime(visit.visited_at).date()
    about_household = Q(household=visit.household) | Q(person__household=visit.household)
    in_period = Q(rule__isnull=False, period_start__lte=day, period_end__gte=day)
    one_off = Q(rule__isnull=True, household=visit.household, created_at__lte=visit.visited_at)
    pks = list(
        Task.objects.filter(about_household, in_period | one_off, state=TaskState.OPEN).values_list(
            "pk", flat=True
        )
    )
    return Task.objects.filter(pk__in=pks, state=TaskState.OPEN).update(
        state=TaskState.DONE, done_at=visit.visited_at, done_by=visit.worker, done_visit=visit
    )


@atomic_action
def complete_by_hand(task: Task, actor, *, note: str) -> Task:
    """Mark an open task done with a note (e.g. the person was visited in hospital)."""
    require(actor, WORK, task.org_path, action="patrol.task.complete")
    note = (note or "").strip()
    if not note:
        raise PatrolError("note", _("Say how the task was done."), "required")
    moved = Task.objects.filter(pk=task.pk, state=TaskState.OPEN).update(
        state=TaskState.DONE, done_at=timezone.now(), done_by=actor, done_note=note[:200]
    )
    if not moved:
        raise PatrolError(ALL, _("This task is no longer open."), "conflict")
    task.refresh_from_db()
    record("patrol.task.complete", actor=actor, target=task, details={"by_hand": True})
    return task


def open_items_for(user, tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Open items of `tasks` (already scoped) that are the user's: assigned to them, or to nobody."""
    return tasks.filter(Q(assignee=user) | Q(assignee__isnull=True), state=TaskState.OPEN)
