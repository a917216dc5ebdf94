"""The roles of gridgov. Each membership gives a user one role in one org unit or department."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    DISPATCHER = "dispatcher", _("Command-center dispatcher")
    STREET_ADMIN = "street_admin", _("Street administrator")
    COMMUNITY_ADMIN = "community_admin", _("Community administrator")
    GRID_CHIEF = "grid_chief", _("Grid chief")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    RESIDENT = "resident", _("Resident")
    LEADER = "leader", _("Leader (read-only overview)")
    AUDITOR = "auditor", _("Auditor")


# Roles held in a department rather than in an org unit.
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_HANDLER})
# Roles that see only their own records where a model names its owner (scope_owner_field).
OWNER_SCOPED_ROLES = frozenset({Role.RESIDENT})
# Roles that must pass a second factor when settings.REQUIRE_2FA is on.
STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})
# The org-unit level a role's membership is expected at (None: any level).
EXPECTED_LEVEL = {
    Role.DISTRICT_ADMIN: 1,
    Role.DISPATCHER: 1,
    Role.LEADER: None,
    Role.AUDITOR: 1,
    Role.STREET_ADMIN: 2,
    Role.COMMUNITY_ADMIN: 3,
    Role.GRID_CHIEF: 4,
    Role.GRID_WORKER: 4,
    Role.RESIDENT: None,
}
