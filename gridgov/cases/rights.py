"""Who may take which action on a particular case.

The policy table (access/policy.py) says which roles hold a permission; this module says over
which cases a membership exercises it, from where the case stands: its responsible unit, its
addressee, its grid and its reporter.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from gridgov.access.policy import roles_with
from gridgov.access.scope import has_permission, in_scope, memberships_of
from gridgov.cases.models import Alert, Case
from gridgov.cases.states import OPEN_STATES, TRANSITIONS, Transition


def _covers(path: str, target: str) -> bool:
    return target == path or target.startswith(path + ".")


def may(user, case: Case, action: str) -> bool:
    """True when `user` may take `action` on `case` now, state aside (the workflow checks state)."""
    transition = TRANSITIONS[action]
    return _may(user, case, transition)


def _may(user, case: Case, transition: Transition) -> bool:
    permission = transition.permission
    action = transition.action
    if action in ("accept", "return", "handle", "request_extension"):
        return is_addressee(user, case)
    if action in ("verify", "reopen"):
        # On-site verification belongs to the grid's own staff; who handled on the spot does not verify.
        if case.self_handled and case.handler_id == user.pk:
            return False
        return in_scope(user, case.org_path, permission)
    if action in ("rate", "not_fixed"):
        return case.reporter_id == user.pk and has_permission(user, permission)
    if action == "remind":
        # A resident reminds of a case they reported or follow (the portal's CaseFollow).
        return has_permission(user, permission) and (case.reporter_id == user.pk or follows(user, case.pk))
    if action in ("supervise", "urge"):
        return in_scope(user, case.org_path, permission)
    if action == "escalate" and case.level <= 1:
        return False
    # Register, dispatch, close, suspend, extensions, escalate: the level now responsible.
    return in_scope(user, case.responsible_unit.path, permission)


def follows(user, case_id: int) -> bool:
    """The user follows the case in the resident portal (gridgov.participation)."""
    # Imported here: the portal's app depends on cases, not the other way round.
    from gridgov.participation.models import CaseFollow

    if not getattr(user, "is_authenticated", False):
        return False
    return CaseFollow.objects.filter(user=user, case_id=case_id).exists()


def is_addressee(user, case: Case) -> bool:
    """The case was dispatched to the user's department, or to a unit the user handles for."""
    granted = roles_with("cases.handle")
    for membership in memberships_of(user):
        if membership.role not in granted:
            continue
        if case.department_id and membership.department_id == case.department_id:
            return True
        unit = case.handling_unit
        if unit is not None and membership.org_unit_id and _covers(membership.scope_path, unit.path):
            return True
    return False


def _applicable(case: Case, action: str) -> bool:
    """Preconditions beyond the state (the workflow answers them with a conflict if tried anyway)."""
    if action in ("approve_extension", "deny_extension"):
        return case.extension_requested
    if action == "request_extension":
        return not case.extension_requested
    if action == "rate":
        return case.rating is None
    if action == "not_fixed":
        return within_not_fixed_window(case)
    if action == "remind":
        return is_overdue(case)
    return True


def within_not_fixed_window(case: Case, now=None) -> bool:
    """A closed case may be called "not fixed" for settings.PARTICIPATION_NOT_FIXED_DAYS."""
    if case.closed_at is None:
        return False
    limit = timedelta(days=settings.PARTICIPATION_NOT_FIXED_DAYS)
    return (now or timezone.now()) <= case.closed_at + limit


def is_overdue(case: Case, now=None) -> bool:
    """Flagged overdue by the monitor, or open past its deadline (before the next sweep)."""
    if case.state not in OPEN_STATES:
        return False
    if case.alert == Alert.RED:
        return True
    return case.deadline is not None and case.deadline <= (now or timezone.now())


def available_actions(user, case: Case) -> list[Transition]:
    """The transitions `user` may take on `case` now, in table order: the ones to offer."""
    return [
        t
        for t in TRANSITIONS.values()
        if case.state in t.sources and _applicable(case, t.action) and _may(user, case, t)
    ]
