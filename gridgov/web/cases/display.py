"""How cases are shown: time status, timeline rows, labels. Display only — no rule decides here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.access.display import display_name
from gridgov.cases.models import Alert, Case, CasePhoto, State, TimelineEntry
from gridgov.cases.states import OPEN_STATES, TRANSITIONS

# Timeline actions that are not transitions of the table.
EXTRA_ACTION_LABELS = {
    "report": _("Reported"),
    "self_handle": _("Handled on the spot"),
}

STATE_TONES = {
    State.REPORTED: "info",
    State.REGISTERED: "primary",
    State.DISPATCHED: "primary",
    State.RETURNED: "warning",
    State.IN_PROGRESS: "primary",
    State.HANDLED: "teal",
    State.VERIFIED: "teal",
    State.CLOSED: "success",
    State.REJECTED: "secondary",
    State.MERGED: "secondary",
    State.SUSPENDED: "secondary",
}


def time_status(case: Case, now: datetime | None = None) -> str:
    """ "red", "yellow" or "none". The monitor's flag, or what it will flag at its next sweep."""
    if case.state not in OPEN_STATES:
        return Alert.NONE
    if case.state == State.SUSPENDED or case.deadline is None:  # a paused clock is not overdue
        return str(case.alert)
    now = now or timezone.now()
    if case.alert == Alert.RED or case.deadline <= now:
        return Alert.RED
    if case.alert == Alert.YELLOW or (case.warn_at and case.warn_at <= now):
        return Alert.YELLOW
    return Alert.NONE


def action_label(action: str) -> str:
    transition = TRANSITIONS.get(action)
    if transition is not None:
        return str(transition.label)
    return str(EXTRA_ACTION_LABELS.get(action, action))


def state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


@dataclass
class TimelineRow:
    entry: TimelineEntry
    actor: str
    label: str
    from_label: str
    to_label: str
    photos: list[CasePhoto] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.entry.from_state) and self.entry.from_state != self.entry.to_state


def timeline_rows(case: Case, *, show_reporter: bool) -> list[TimelineRow]:
    """The case's timeline, oldest first, with the photos of each step.

    `show_reporter` False hides who reported (a resident who asked to stay anonymous).
    """
    entries = list(case.timeline.select_related("actor").prefetch_related("photos"))
    rows = []
    for entry in entries:
        hidden = entry.action == "report" and not show_reporter
        if hidden:
            actor = str(_("(name withheld)"))
        else:
            actor = display_name(entry.actor) if entry.actor else str(_("system"))
        rows.append(
            TimelineRow(
                entry=entry,
                actor=actor,
                label=action_label(entry.action),
                from_label=state_label(entry.from_state) if entry.from_state else "",
                to_label=state_label(entry.to_state) if entry.to_state else "",
                photos=list(entry.photos.all()),
            )
        )
    return rows
