"""Changes to calendar data: each saves and writes its audit entry in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from gridgov.audit.log import record
from gridgov.calendar.models import ScheduleDay, YearSchedule
from gridgov.calendar.schedule_text import ScheduleLine

AUDIT_ACTION = "calendar.change"


def _describe(entry: models.Model) -> dict[str, Any]:
    return {
        field.name: str(getattr(entry, field.attname))
        for field in entry._meta.concrete_fields
        if field.name not in {"id", "updated_at"}
    }


def save_entry(entry: models.Model, *, request=None, actor=None, created: bool, changed: list[str]) -> None:
    """Save a DayOverride, YearSchedule or ScheduleDay and audit it."""
    with transaction.atomic():
        entry.save()
        record(
            AUDIT_ACTION,
            request=request,
            actor=actor,
            target=entry,
            details={
                "operation": "add" if created else "change",
                "changed": changed,
                "values": _describe(entry),
            },
        )


def delete_entry(entry: models.Model, *, request=None, actor=None) -> None:
    """Delete a calendar row and audit what it held."""
    with transaction.atomic():
        values = _describe(entry)
        record(
            AUDIT_ACTION,
            request=request,
            actor=actor,
            target=entry,
            details={"operation": "delete", "values": values},
        )
        entry.delete()


def add_schedule_lines(
    schedule: YearSchedule, lines: list[ScheduleLine], *, request=None, actor=None
) -> tuple[int, int]:
    """Put pasted lines into `schedule`: new dates are added, listed dates replaced.

    Returns (added, replaced).
    """
    with transaction.atomic():
        existing = {day.date: day for day in schedule.days.all()}
        added = replaced = 0
        for line in lines:
            day = existing.get(line.date)
            if day is None:
                day = ScheduleDay(schedule=schedule, date=line.date)
                added += 1
            else:
                replaced += 1
            day.kind = line.kind
            day.name_zh = line.name
            day.save()
        record(
            AUDIT_ACTION,
            request=request,
            actor=actor,
            target=schedule,
            details={
                "operation": "paste",
                "days": [f"{line.date.isoformat()} {line.kind} {line.name}".strip() for line in lines],
            },
        )
    return added, replaced
