"""Who may take which action on a particular case.

The policy table (access/policy.py) says which roles hold a permission; this module says over
which cases a membership exercises it, from where the case stands: its responsible unit, its
addressee, its grid and its reporter.
"""

from __future__ import annotations

from gridgov.access.policy import roles_with
from gridgov.access.scope import has_permission, in_scope, memberships_of
from gridgov.cases.models import Case
from gridgov.cases.states import TRANSITIONS, Transition


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
    if action == "rate":
        return case.reporter_id == user.pk and has_permission(user, permission)
    if action in ("supervise", "urge"):
        return in_scope(user, case.org_path, permission)
    if action == "escalate" and case.level <= 1:
        return False
    # Register, dispatch, close, suspend, extensions, escalate: the level now responsible.
    return in_scope(user, case.responsible_unit.path, permission)


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
    return True


def available_actions(user, case: Case) -> list[Transition]:
    """The transitions `user` may take on `case` now, in table order: the ones to offer."""
    return [
        t
        for t in TRANSITIONS.values()
        if case.state in t.sources and _applicable(case, t.action) and _may(user, case, t)
    ]
