"""Stage deadlines in working time, from the category's limits and the working calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from gridgov.calendar.working_time import add_working_days, add_working_time, working_time_between
from gridgov.cases.models import Alert, Case
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
    case.alert = Alert.NONE


def clear_stage(case: Case) -> None:
    case.stage = ""
    case.stage_started_at = None
    case.deadline = None
    case.warn_at = None
    case.alert = Alert.NONE


def shift_after_pause(case: Case, paused_from: datetime, now: datetime) -> None:
    """After a suspension, carry the working time that was left forward from `now`."""
    if case.deadline is None:
        return
    left = working_time_between(paused_from, case.deadline)
    warn_left = working_time_between(paused_from, case.warn_at) if case.warn_at else timedelta(0)
    case.deadline = add_working_time(now, left)
    case.warn_at = add_working_time(now, warn_left)
    case.alert = _status(case, now)


def extend(case: Case, hours: int, now: datetime) -> None:
    """Move the current deadline `hours` working hours later (an approved extension).

    The warning time is recomputed on the longer limit, and the time status follows: a case
    that was overdue is in time again (or in its warning period).
    """
    if case.deadline is None or case.stage_started_at is None:
        return
    case.deadline = add_working_time(case.deadline, timedelta(hours=hours))
    limit = working_time_between(case.stage_started_at, case.deadline)
    case.warn_at = add_working_time(case.stage_started_at, limit * settings.CASE_WARNING_PERCENT / 100)
    case.alert = _status(case, now)


def _status(case: Case, now: datetime) -> str:
    """The time status of a case whose deadline and warning time were just set."""
    if case.deadline is not None and case.deadline <= now:
        return Alert.RED
    if case.warn_at is not None and case.warn_at <= now:
        return Alert.YELLOW
    return Alert.NONE
