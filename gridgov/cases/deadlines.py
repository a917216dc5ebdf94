"""Stage deadlines from the category's limits: in working time on the working calendar, or around
the clock for limits in clock hours (emergencies)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Clock:
    """How a stage's time runs: `add` a span to a moment, the span `between` two moments."""

    add: Callable[[datetime, timedelta], datetime]
    between: Callable[[datetime, datetime], timedelta]


WORKING_CLOCK = _Clock(add_working_time, working_time_between)
AROUND_THE_CLOCK = _Clock(lambda start, span: start + span, lambda start, end: max(end - start, timedelta(0)))


def _limit(case: Case, stage: str) -> tuple[int, str]:
    return time_limit(case.category, case.urgency, stage) or FALLBACK_LIMITS[Stage(stage)]


def _clock_of(case: Case, stage: str) -> _Clock:
    return AROUND_THE_CLOCK if _limit(case, stage)[1] == LimitUnit.CLOCK_HOURS else WORKING_CLOCK


def _end(start: datetime, amount: int, unit: str) -> datetime:
    if unit == LimitUnit.WORKING_DAYS:
        return add_working_days(start, amount)
    if unit == LimitUnit.CLOCK_HOURS:
        return start + timedelta(hours=amount)
    return add_working_time(start, timedelta(hours=amount))


def start_stage(case: Case, stage: Stage, start: datetime, *, deadline: datetime | None = None) -> None:
    """Put `case` into timed `stage` from `start`: deadline (the limit, unless one is given) and warning time.

    Sets the fields on `case`; the caller saves.
    """
    amount, unit = _limit(case, stage)
    if deadline is None:
        deadline = _end(start, amount, unit)
    clock = AROUND_THE_CLOCK if unit == LimitUnit.CLOCK_HOURS else WORKING_CLOCK
    limit = clock.between(start, deadline)
    case.stage = stage
    case.stage_started_at = start
    case.deadline = deadline
    case.warn_at = clock.add(start, limit * settings.CASE_WARNING_PERCENT / 100)
    case.alert = Alert.NONE


def clear_stage(case: Case) -> None:
    case.stage = ""
    case.stage_started_at = None
    case.deadline = None
    case.warn_at = None
    case.alert = Alert.NONE


def shift_after_pause(case: Case, paused_from: datetime, now: datetime) -> None:
    """After a suspension, carry the time that was left forward from `now`."""
    if case.deadline is None:
        return
    clock = _clock_of(case, case.stage)
    left = clock.between(paused_from, case.deadline)
    warn_left = clock.between(paused_from, case.warn_at) if case.warn_at else timedelta(0)
    case.deadline = clock.add(now, left)
    case.warn_at = clock.add(now, warn_left)
    case.alert = _status(case, now)


def extend(case: Case, hours: int, now: datetime) -> None:
    """Move the current deadline `hours` later (an approved extension), in the stage's own time:
    working hours, or clock hours for an around-the-clock limit.

    The warning time is recomputed on the longer limit, and the time status follows: a case
    that was overdue is in time again (or in its warning period).
    """
    if case.deadline is None or case.stage_started_at is None:
        return
    clock = _clock_of(case, case.stage)
    case.deadline = clock.add(case.deadline, timedelta(hours=hours))
    limit = clock.between(case.stage_started_at, case.deadline)
    case.warn_at = clock.add(case.stage_started_at, limit * settings.CASE_WARNING_PERCENT / 100)
    case.alert = _status(case, now)


def _status(case: Case, now: datetime) -> str:
    """The time status of a case whose deadline and warning time were just set."""
    if case.deadline is not None and case.deadline <= now:
        return Alert.RED
    if case.warn_at is not None and case.warn_at <= now:
        return Alert.YELLOW
    return Alert.NONE
