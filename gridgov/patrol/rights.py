"""Who may do what in the patrol app: the app's permission codes over access.scope, and the
transaction wrapper of every patrol action (gridgov.access.rights, raising PatrolDenied)."""

from __future__ import annotations

from gridgov.access.rights import ActionRights
from gridgov.patrol.errors import PatrolDenied

WORK = "patrol.work"  # patrol, check in, visit households
VIEW = "patrol.view"  # see patrols, visits, tasks and coverage
ASSIGN = "patrol.assign_tasks"
REVIEW = "patrol.review_changes"

_rights = ActionRights(PatrolDenied)
require = _rights.require
atomic_action = _rights.atomic_action
