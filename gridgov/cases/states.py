"""Case states and the transition table: the only place that says which action may run when.

Each action names the states it starts from, the state it leads to (None: unchanged), and the
policy permission (gridgov/access/policy.py) the actor must hold over the case. Who counts as
holding it for a particular case is decided in gridgov/cases/rights.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    REPORTED = "reported", _("Reported")  # waiting to be registered
    REGISTERED = "registered", _("Registered")  # accepted as a case, waiting to be dispatched
    REJECTED = "rejected", _("Rejected")  # not a case (final)
    MERGED = "merged", _("Merged")  # a duplicate of another case (final)
    DISPATCHED = "dispatched", _("Dispatched")  # sent to a department or unit, not yet accepted
    RETURNED = "returned", _("Returned")  # sent back by the addressee: wrong addressee
    IN_PROGRESS = "in_progress", _("In progress")  # accepted by the addressee
    HANDLED = "handled", _("Handled")  # result reported, waiting for on-site verification
    VERIFIED = "verified", _("Verified")  # confirmed on site, waiting to be closed
    CLOSED = "closed", _("Closed")  # final; the resident may rate it
    SUSPENDED = "suspended", _("Suspended")  # paused; deadlines do not run


S = State
OPEN_STATES = frozenset(set(State) - {S.REJECTED, S.MERGED, S.CLOSED})
# Final for staff: only the reporter's "not fixed" (below) takes a case out of CLOSED again.
FINAL_STATES = frozenset({S.REJECTED, S.MERGED, S.CLOSED})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[State]
    target: State | None  # None: the state does not change
    permission: str
    label: str | Promise  # lazily translated


def _t(
    action: str, sources: set[State], target: State | None, permission: str, label: str | Promise
) -> Transition:
    return Transition(action, frozenset(sources), target, permission, label)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("register", {S.REPORTED}, S.REGISTERED, "cases.register", _("Register")),
        _t("reject", {S.REPORTED}, S.REJECTED, "cases.register", _("Reject")),
        _t("merge", {S.REPORTED, S.REGISTERED}, S.MERGED, "cases.register", _("Merge as duplicate")),
        _t("dispatch", {S.REGISTERED, S.RETURNED}, S.DISPATCHED, "cases.dispatch", _("Dispatch")),
        _t("accept", {S.DISPATCHED}, S.IN_PROGRESS, "cases.handle", _("Accept")),
        _t("return", {S.DISPATCHED}, S.RETURNED, "cases.handle", _("Return (wrong addressee)")),
        _t("handle", {S.IN_PROGRESS}, S.HANDLED, "cases.handle", _("Report the result")),
        _t("verify", {S.HANDLED}, S.VERIFIED, "cases.verify", _("Verify on site")),
        # Verification failed: back to the handler (or to dispatch, if handled on the spot).
        _t("reopen", {S.HANDLED}, None, "cases.verify", _("Reopen for rework")),
        _t("close", {S.VERIFIED}, S.CLOSED, "cases.close", pgettext_lazy("case action", "Close")),
        _t(
            "escalate",
            {S.REPORTED, S.REGISTERED, S.RETURNED},
            S.REGISTERED,
            "cases.escalate",
            _("Escalate to the next level"),
        ),
        _t("suspend", {S.DISPATCHED, S.IN_PROGRESS}, S.SUSPENDED, "cases.dispatch", _("Suspend")),
        _t("resume", {S.SUSPENDED}, None, "cases.dispatch", _("Resume")),
        _t("request_extension", {S.IN_PROGRESS}, None, "cases.handle", _("Request an extension")),
        _t("approve_extension", {S.IN_PROGRESS}, None, "cases.dispatch", _("Approve the extension")),
        _t("deny_extension", {S.IN_PROGRESS}, None, "cases.dispatch", _("Deny the extension")),
        _t("supervise", set(OPEN_STATES), None, "cases.supervise", _("Supervise (督办)")),
        _t("urge", set(OPEN_STATES), None, "cases.supervise", _("Urge (催办)")),
        _t("rate", {S.CLOSED}, None, "cases.rate", _("Rate")),
        # Resident participation: the only way out of CLOSED. The reporter says, within
        # settings.PARTICIPATION_NOT_FIXED_DAYS of the closing, that the problem is still there;
        # the case waits for a new on-site verification (a verifier's reopen then counts a rework).
        _t("not_fixed", {S.CLOSED}, S.HANDLED, "cases.rate", _("Not fixed: check again")),
        # A resident's reminder (催办) of an overdue case, by its reporter or a follower.
        _t("remind", set(OPEN_STATES), None, "cases.remind", _("Remind (催办)")),
    )
}

# Case creation, outside the table because there is no source state: a report starts in
# REPORTED; a grid worker's on-the-spot handling starts in HANDLED (and is still verified).
CREATE_PERMISSION = "cases.report"
SELF_HANDLE_PERMISSION = "cases.self_handle"
