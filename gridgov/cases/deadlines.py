"""Stage deadlines in working time, from the category's limits and the working calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from gridgov.calendar.working_time import add_working_days, add_working_time, working_time_between
from gridgov.cases.models import Case
from gridgov.cases.taxonomy import LimitUnit, Stage
from gridgov.cases.taxonomy_services import time_limit

# Used when neither a category nor its parent sets a limit for a stage.
FALLBACK_LIMITS = {
    Stage.REGISTER: (2, LimitUnit.WORKING_HOURS),
    Stage.DISPATCH: (2, LimitUnit.WORKING_HOURS),
    Stage.HANDLE: (5, LimitUnit.WORKING_DAYS),
    Stage.VERIFY: (1, LimitUnit.WORKING_DAYS),
}


def _end(start: datetime, amount: int, unit: str) -> datetime:
    if unit == LimitUnit.WORKING_DAYS:
        return add_working_days(start, amount)
    return add_working_time(start, timedelta(hours=amount))


def start_stage(case: Case, stage: Stage, start: datetime, *, deadline: datetime | None = None) -> None:
    """Put `case` into timed `stage` from `start`: deadline (the limit, unless one is given) and warning time.

    Sets the fields on `case`; the caller saves.
    """
    amount, unit = time_limit(case.category, case.urgency, stage) or FALLBACK_LIMITS[stage]
    if deadline is None:
        deadline = _end(start, amount, unit)
    limit = working_time_between(start, deadline)
    case.stage = stage
    case.stage_started_at = start
    case.deadline = deadline
    case.warn_at = add_working_time(start, limit * settings.CASE_WARNING_PERCENT / 100)
    case.alert = Case._meta.get_field("alert").default


def clear_stage(case: Case) -> None:
    case.stage = ""
    case.stage_started_at = None
    case.deadline = None
    case.warn_at = None
    case.alert = Case._meta.get_field("alert").default


def shift_after_pause(case: Case, paused_from: datetime, now: datetime) -> None:
    """After a suspension, carry the working time that was left forward from `now`."""
    if case.deadline is None:
        return
    left = working_time_between(paused_from, case.deadline)
    warn_left = working_time_between(paused_from, case.warn_at) if case.warn_at else timedelta(0)
    case.deadline = add_working_time(now, left)
    case.warn_at = add_working_time(now, warn_left)


def extend(case: Case, hours: int) -> None:
    """Move the current deadline `hours` working hours later (an approved extension)."""
    if case.deadline is None:
        return
    case.deadline = add_working_time(case.deadline, timedelta(hours=hours))
