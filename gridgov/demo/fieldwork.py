"""The grid workers' past months in the demo: household visits and registry updates.

The field-work indicators of the assessment read them: visit coverage (households visited in
the month, from patrol.Visit) and the information-update rate (persons created, edited or given
a new status in the month, from the registry's change log in the audit log). Both are written
set-wise for the last FIELD_MONTHS months up to now. The registry updates are change-log entries
of the grid workers dated in the past and marked `demo_history` in their details: the registry
rows themselves were written once, when the demo was loaded.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from gridgov.audit.models import AuditEntry
from gridgov.demo.staff import Staff
from gridgov.patrol.models import Need, Situation, Visit
from gridgov.people.models import Household, Person, PersonStatus

FIELD_MONTHS = 6
# Fields a grid worker updates most when a household is visited.
UPDATED_FIELDS = (["note"], ["registered_address"], ["residence_type"], ["phone"], ["id_verified"])
NOTES = {Situation.ATTENTION: "老人身体欠佳，已告知社区医生", Situation.URGENT: "家中暖气漏水，已报物业抢修"}


def _month_starts(today: date, months: int) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _n in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(starts)


def _working_moment(start: date, days: int, rng: random.Random, now: datetime) -> datetime | None:
    """A moment of a working day's office hours within `days` days from `start`, before `now`."""
    for _attempt in range(10):
        day = start + timedelta(days=rng.randrange(days))
        if day.weekday() >= 5 and rng.random() < 0.8:  # few visits at the weekend
            continue
        moment = timezone.make_aware(
            datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 9 * 60))
        )
        if moment <= now:
            return moment
    return None


def create_field_history(
    staff: Staff, seed: int, *, days: int, now: datetime | None = None
) -> dict[str, int]:
    """Visits and registry updates in every grid with a worker for the last months (at most
    `days` back). Returns their counts."""
    rng = random.Random(f"{seed}-fieldwork")
    now = now or timezone.now()
    today = timezone.localdate(now)
    months = [m for m in _month_starts(today, FIELD_MONTHS) if (today - m).days <= days]
    households: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, grid_id, path in (
        Household.objects.filter(is_active=True).order_by("pk").values_list("pk", "grid_id", "org_path")
    ):
        households[grid_id].append((pk, path))
    members: dict[int, int] = {}
    persons: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, household_id, grid_id, name in (
        Person.objects.filter(status=PersonStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "household_id", "grid_id", "name")
    ):
        if household_id is not None:
            members.setdefault(household_id, pk)
        persons[grid_id].append((pk, name))
    visits: list[Visit] = []
    met: list[int | None] = []
    changes: list[AuditEntry] = []
    for grid_id in sorted(households):
        worker = staff.workers.get(grid_id)
        if worker is None:
            continue
        diligence = rng.uniform(0.15, 0.5)  # the share of households visited in a month
        for month in months:
            length = ((month + timedelta(days=32)).replace(day=1) - month).days
            for household_id, path in households[grid_id]:
                if rng.random() >= diligence:
                    continue
                moment = _working_moment(month, length, rng, now)
                if moment is None:
                    continue
                nobody = rng.random() < 0.1 or household_id not in members
                situation = rng.choices([*list(NOTES), Situation.NORMAL], [0.08, 0.02, 0.9])[0]
                visits.append(
                    Visit(
                        household_id=household_id,
                        worker=worker,
                        visited_at=moment,
                        nobody_home=nobody,
                        situation=Situation.NORMAL if nobody else situation,
                        needs=[rng.choice([Need.MEDICAL, Need.DAILY_CARE])]
                        if situation == Situation.ATTENTION
                        else [],
                        notes="" if nobody else NOTES.get(situation, ""),
                        grid_id=grid_id,
                        org_path=path,
                    )
                )
                met.append(None if nobody else members[household_id])
            rate = diligence / 8  # about one person in forty updated a month
            for person_id, name in persons.get(grid_id, []):
                if rng.random() >= rate:
                    continue
                moment = _working_moment(month, length, rng, now)
                if moment is None:
                    continue
                changes.append(
                    AuditEntry(
                        at=moment,
                        actor=worker,
                        actor_name=worker.get_username(),
                        roles="grid_worker",
                        action="people.person.update",
                        target_type="people.person",
                        target_id=str(person_id),
                        target_repr=name[:200],
                        details={"fields": rng.choice(UPDATED_FIELDS), "demo_history": True},
                    )
                )
    Visit.objects.bulk_create(visits, batch_size=1000)
    through = Visit.met.through
    through.objects.bulk_create(
        [through(visit_id=v.pk, person_id=p) for v, p in zip(visits, met, strict=True) if p is not None],
        batch_size=1000,
    )
    changes.sort(key=lambda e: e.at)
    AuditEntry.objects.bulk_create(changes, batch_size=1000)
    return {"visits": len(visits), "registry_updates": len(changes)}
