"""One case's life written as the workflow writes it, without running the workflow: for the bulk
of the demo's history, where going through `cases.workflow.perform` action by action would take
minutes.

`Life` changes an unsaved Case the way the workflow's actions do (the same states, deadlines
from `cases.deadlines`, the same timeline entries with `details.stage_deadline`) and adds the
"warning" and "overdue" entries the deadline monitor would have written in between. Everything
after `now` is left out, so a case reported last week stands wherever its life had got to.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from gridgov.calendar.working_time import add_working_time, working_time_between
from gridgov.cases import deadlines
from gridgov.cases.models import Alert, Case, LimitUnit, Stage, State, TimelineEntry
from gridgov.cases.monitor import SWEPT_STATES
from gridgov.cases.taxonomy_services import time_limit

_SWEPT = frozenset(SWEPT_STATES)
_MIN_STEP = timedelta(minutes=1)


class Life:
    """The timeline of `case` (reported at case.reported_at), cut at `now`."""

    def __init__(self, case: Case, now: datetime) -> None:
        self.case = case
        self.now = now
        self.at = case.reported_at
        self.entries: list[TimelineEntry] = []
        self.stopped = False

    # --- time ---------------------------------------------------------------------------------

    def _clock_hours(self) -> bool:
        c = self.case
        limit = time_limit(c.category, c.urgency, c.stage) or deadlines.FALLBACK_LIMITS[Stage(c.stage)]
        return limit[1] == LimitUnit.CLOCK_HOURS

    def within(self, fraction: float) -> datetime:
        """The moment `fraction` of the current stage's limit after the stage began (working
        time for working-time limits), and never before the last entry."""
        c = self.case
        if c.deadline is None or c.stage_started_at is None:
            return self.at + _MIN_STEP
        start, end = c.stage_started_at, c.deadline
        if self._clock_hours():
            moment = start + (end - start) * fraction
        else:
            moment = add_working_time(start, working_time_between(start, end) * fraction)
        return max(moment, self.at + _MIN_STEP)

    # --- entries ------------------------------------------------------------------------------

    def _entry(self, at, actor, action, before, note="", details=None) -> None:
        self.entries.append(
            TimelineEntry(
                case=self.case,
                at=at,
                actor=actor,
                action=action,
                from_state=before,
                to_state=self.case.state,
                note=note,
                details=details or {},
            )
        )

    def _monitor(self, until: datetime) -> None:
        """The sweep's flags on the current stage up to `until` (deadlines.start_stage resets them)."""
        c = self.case
        if c.state not in _SWEPT or c.deadline is None:
            return
        if c.alert == Alert.NONE and c.warn_at is not None and c.warn_at <= until and c.warn_at < c.deadline:
            c.alert = Alert.YELLOW
            self._entry(c.warn_at, None, "warning", c.state, details={"stage": c.stage})
        if c.alert != Alert.RED and c.deadline <= until:
            c.alert = Alert.RED
            c.overdue_count += 1
            self._entry(c.deadline, None, "overdue", c.state, details={"stage": c.stage})

    def report(self, actor, *, self_handled_result: str = "") -> None:
        """The report entries of workflow._create (the case's state and stage are set here too)."""
        c = self.case
        c.state = State.REPORTED
        self._entry(c.reported_at, actor, "report", "", c.description)
        if self_handled_result:
            c.state = State.HANDLED
            c.self_handled = True
            c.result = self_handled_result
            c.handler = actor
            deadlines.start_stage(c, Stage.VERIFY, c.reported_at)
            self._entry(c.reported_at, actor, "self_handle", State.REPORTED, self_handled_result)
        else:
            deadlines.start_stage(c, Stage.REGISTER, c.reported_at)

    def act(self, action: str, at: datetime, actor, change, note: str = "", **details: Any) -> bool:
        """Take `action` at `at` (moved after the last entry): `change(case, at)` changes the case
        as the workflow's action does and may return more details. False once past `now`."""
        if self.stopped:
            return False
        at = max(at, self.at + _MIN_STEP)
        if at > self.now:
            self.stopped = True
            return False
        self._monitor(at)
        c = self.case
        before = c.state
        stage_deadline = c.deadline.isoformat() if c.deadline else None
        more = change(c, at) or {}
        c.version += 1
        self._entry(at, actor, action, before, note, {**details, **more, "stage_deadline": stage_deadline})
        self.at = at
        return True

    def finish(self) -> list[TimelineEntry]:
        """The entries, with the sweep's flags up to `now` on the stage the case stands in."""
        self._monitor(self.now)
        self.entries.sort(key=lambda e: e.at)
        return self.entries


# --- The workflow's actions (cases.workflow), as changes of an unsaved case --------------------
# Each returns the change for Life.act; the details they add are the workflow's own.


def register(suggested_department, suggested_unit):
    def change(c: Case, at: datetime) -> dict:
        c.state = State.REGISTERED
        c.suggested_department, c.suggested_unit = suggested_department, suggested_unit
        deadlines.start_stage(c, Stage.DISPATCH, at)
        return {"category": c.category.code, "urgency": c.urgency}

    return change


def finish_as(state: str):
    """reject / merge / close: the case leaves the timed stages."""

    def change(c: Case, at: datetime) -> dict:
        c.state = state
        c.closed_at = at
        deadlines.clear_stage(c)
        return {}

    return change


def dispatch(department, unit):
    def change(c: Case, at: datetime) -> dict:
        c.department, c.handling_unit = department, unit
        c.state = State.DISPATCHED
        c.handler = None
        c.extension_requested = False
        deadlines.start_stage(c, Stage.HANDLE, at)
        assert c.deadline is not None
        return {"to": (department or unit).code, "deadline": c.deadline.isoformat()}

    return change


def accept(handler):
    def change(c: Case, at: datetime) -> dict:
        c.state = State.IN_PROGRESS
        c.handler = handler
        return {}

    return change


def give_back(c: Case, at: datetime) -> dict:
    """The addressee returns the case (workflow `return`)."""
    addressee = c.department or c.handling_unit
    previous = addressee.code if addressee is not None else ""
    c.state = State.RETURNED
    c.department = c.handling_unit = c.handler = None
    deadlines.start_stage(c, Stage.DISPATCH, at)
    return {"from": previous}


def handle(result: str):
    def change(c: Case, at: datetime) -> dict:
        c.result = result
        c.state = State.HANDLED
        c.extension_requested = False
        deadlines.start_stage(c, Stage.VERIFY, at)
        return {}

    return change


def verify(c: Case, at: datetime) -> dict:
    c.state = State.VERIFIED
    deadlines.start_stage(c, Stage.DISPATCH, at)
    return {}


def reopen(suggested_department, suggested_unit):
    def change(c: Case, at: datetime) -> dict:
        c.rework_count += 1
        if c.department_id or c.handling_unit_id or c.department or c.handling_unit:
            c.state = State.IN_PROGRESS
            deadlines.start_stage(c, Stage.HANDLE, at)
        else:
            c.state = State.REGISTERED
            c.self_handled = False
            c.suggested_department, c.suggested_unit = suggested_department, suggested_unit
            deadlines.start_stage(c, Stage.DISPATCH, at)
        return {"rework": c.rework_count}

    return change


def rate(rating: int, comment: str):
    def change(c: Case, at: datetime) -> dict:
        c.rating, c.rating_comment, c.rated_at = rating, comment, at
        return {"rating": rating}

    return change


def not_fixed(c: Case, at: datetime) -> dict:
    details = {
        "resident_reopen": True,
        "previous_rating": c.rating,
        "previous_comment": c.rating_comment,
        "closed_at": c.closed_at.isoformat() if c.closed_at else None,
    }
    c.rating, c.rating_comment, c.rated_at, c.closed_at = None, "", None, None
    c.state = State.HANDLED
    deadlines.start_stage(c, Stage.VERIFY, at)
    return details


def request_extension(hours: int, reason: str):
    def change(c: Case, at: datetime) -> dict:
        c.extension_requested, c.extension_hours, c.extension_reason = True, hours, reason
        return {"hours": hours}

    return change


def approve_extension(c: Case, at: datetime) -> dict:
    hours = c.extension_hours or 0
    deadlines.extend(c, hours, at)
    c.extension_requested = False
    return {"hours": hours, "deadline": c.deadline.isoformat() if c.deadline else None}


def supervise(c: Case, at: datetime) -> dict:
    c.supervised = True
    return {}


def urge(c: Case, at: datetime) -> dict:
    c.urge_count += 1
    return {"urges": c.urge_count}
