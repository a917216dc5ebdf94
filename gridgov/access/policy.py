"""The permission policy: which role may do what. This table is the only place that says so.

Where a permission is granted, it applies inside the jurisdiction of the membership that
grants it (see access.scope). `docs/access-matrix.md` is rendered from this table by
`manage.py access_matrix` and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.access.roles import Role

R = Role


@dataclass(frozen=True)
class Permission:
    code: str
    label: str | Promise  # lazy: translated when shown, in the reader's language
    roles: frozenset[Role]


def _perm(code: str, label: str | Promise, *roles: Role) -> Permission:
    return Permission(code, label, frozenset(roles))


_ALL_UNIT_VIEWERS = (
    R.DISTRICT_ADMIN,
    R.DISPATCHER,
    R.STREET_ADMIN,
    R.COMMUNITY_ADMIN,
    R.GRID_CHIEF,
    R.GRID_WORKER,
    R.DEPARTMENT_HANDLER,
    R.RESIDENT,
    R.LEADER,
)

# Roles that register and dispatch the cases of their level (community, street, district).
_DISPATCHING = (R.DISTRICT_ADMIN, R.DISPATCHER, R.STREET_ADMIN, R.COMMUNITY_ADMIN)

# Roles that keep the registry of their jurisdiction, and those that administer it.
_REGISTRY_ADMINS = (R.DISTRICT_ADMIN, R.STREET_ADMIN, R.COMMUNITY_ADMIN)
_REGISTRY_STAFF = (*_REGISTRY_ADMINS, R.GRID_CHIEF, R.GRID_WORKER)

PERMISSIONS: tuple[Permission, ...] = (
    _perm("geo.view_units", _("View org units, the map and grid lookup"), *_ALL_UNIT_VIEWERS),
    _perm(
        "geo.view_staff",
        _("See the staff of an org unit"),
        R.DISTRICT_ADMIN,
        R.DISPATCHER,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
        R.LEADER,
    ),
    _perm("geo.check_topology", _("Run the topology check"), R.DISTRICT_ADMIN, R.STREET_ADMIN),
    _perm("geo.edit_units", _("Edit, split and merge org units"), R.DISTRICT_ADMIN, R.STREET_ADMIN),
    _perm("geo.import_units", _("Import and export boundaries (GeoJSON)"), R.DISTRICT_ADMIN),
    _perm("calendar.manage", _("Edit the working calendar (holidays, make-up days)"), R.DISTRICT_ADMIN),
    _perm(
        "cases.manage_taxonomy",
        _("Edit case categories, time limits and the responsibility list"),
        R.DISTRICT_ADMIN,
    ),
    # Cases. Department handlers see their department's cases, residents their own reports
    # (see access.scope.scoped); the others see the cases of their jurisdiction.
    _perm("cases.view", _("See cases"), *_ALL_UNIT_VIEWERS),
    _perm(
        "cases.report",
        _("Report a case"),
        R.DISTRICT_ADMIN,
        R.DISPATCHER,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
        R.GRID_WORKER,
        R.RESIDENT,
    ),
    _perm("cases.self_handle", _("Handle a case on the spot"), R.GRID_CHIEF, R.GRID_WORKER),
    _perm("cases.register", _("Register, reject or merge reported cases"), *_DISPATCHING),
    _perm("cases.dispatch", _("Dispatch, suspend and resume cases; decide on extensions"), *_DISPATCHING),
    _perm("cases.close", _("Close verified cases"), *_DISPATCHING),
    _perm("cases.escalate", _("Escalate a case to the next level"), *_DISPATCHING, R.GRID_CHIEF),
    _perm(
        "cases.handle",
        _("Accept, return and handle dispatched cases"),
        R.DEPARTMENT_HANDLER,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
    ),
    _perm("cases.verify", _("Verify handled cases on site"), R.GRID_CHIEF, R.GRID_WORKER),
    _perm(
        "cases.supervise",
        _("Supervise and urge cases (督办, 催办)"),
        R.DISTRICT_ADMIN,
        R.DISPATCHER,
        R.STREET_ADMIN,
    ),
    _perm("cases.rate", _("Rate one's own closed report"), R.RESIDENT),
    # participation app (the resident portal): remind (催办) of an overdue case one reported or follows.
    _perm("cases.remind", _("Remind of an overdue case one reported or follows"), R.RESIDENT),
    _perm("cases.import_hotline", _("Import 12345 hotline cases"), R.DISTRICT_ADMIN, R.DISPATCHER),
    # The registry (people). Lists and pages show ID numbers and phones masked; revealing one
    # needs people.reveal, a stated reason, stays under a rate limit and is audited.
    _perm("people.view_counts", _("See registry counts per unit"), *_REGISTRY_STAFF, R.DISPATCHER, R.LEADER),
    _perm("people.view", _("See registry records (masked)"), *_REGISTRY_STAFF, R.DISPATCHER),
    _perm("people.edit", _("Add and correct registry records"), *_REGISTRY_STAFF),
    _perm("people.reveal", _("Reveal an ID number or phone (with a reason)"), *_REGISTRY_STAFF),
    _perm("people.verify_id", _("Mark an ID number as checked against the certificate"), *_REGISTRY_ADMINS),
    _perm("people.view_sensitive_tags", _("See sensitive special-group tags"), *_REGISTRY_STAFF),
    # Community correction, released prisoners, severe mental illness, drug rehabilitation.
    _perm(
        "people.view_restricted_tags",
        _("See highly sensitive special-group tags"),
        R.DISTRICT_ADMIN,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
    ),
    _perm("people.manage_tags", _("Define special-group tags"), R.DISTRICT_ADMIN),
    _perm("people.import", _("Import registry files"), *_REGISTRY_ADMINS),
    _perm("people.export", _("Export registry lists (masked)"), *_REGISTRY_ADMINS, R.GRID_CHIEF),
    _perm("people.export_unmasked", _("Request an unmasked export"), *_REGISTRY_ADMINS),
    _perm(
        "people.approve_export",
        _("Approve another person's unmasked export"),
        R.DISTRICT_ADMIN,
        R.STREET_ADMIN,
    ),
    # community app (notices and consultations): community staff and those above them manage;
    # residents read the notices for their home and take part in their community's consultations.
    _perm(
        "community.manage",
        _("Write notices; moderate proposals and run consultation votes"),
        R.DISTRICT_ADMIN,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
    ),
    _perm("community.take_part", _("Read notices; propose, support and vote in consultations"), R.RESIDENT),
    # volunteers app (volunteers and points): the admins of a community and of the levels above
    # approve volunteers, run activities and the points shop; residents volunteer and redeem.
    _perm(
        "volunteers.manage",
        _("Approve volunteers, run activities and attendance, the points shop and point adjustments"),
        R.DISTRICT_ADMIN,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
    ),
    _perm("volunteers.take_part", _("Volunteer, earn points and redeem them in the shop"), R.RESIDENT),
    # patrol app (daily field work): grid staff patrol and visit; community staff assign tasks and
    # review the registry corrections that visits propose; admins above see coverage.
    _perm(
        "patrol.work",
        _("Patrol, check in and visit households"),
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
        R.GRID_WORKER,
    ),
    _perm("patrol.view", _("See patrols, household visits, tasks and visit coverage"), *_REGISTRY_STAFF),
    _perm("patrol.assign_tasks", _("Assign tasks to grid workers"), R.COMMUNITY_ADMIN, R.GRID_CHIEF),
    _perm(
        "patrol.review_changes",
        _("Accept or reject registry corrections proposed on visits"),
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
    ),
    # Emergency campaigns: districts and streets design and run them, grid staff visit, leaders
    # see progress in counts. Personal answers and monitored persons only for those who act on
    # them; approvals by a second person (docs/campaigns.md).
    _perm(
        "campaigns.view",
        _("See campaigns, their progress and coverage in counts, and risk zones"),
        *_REGISTRY_STAFF,
        R.DISPATCHER,
        R.LEADER,
    ),
    _perm("campaigns.manage", _("Design, start and end campaigns"), R.DISTRICT_ADMIN, R.STREET_ADMIN),
    _perm(
        "campaigns.work",
        _("Visit a campaign's households and record results and health check-ins"),
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
        R.GRID_WORKER,
    ),
    _perm(
        "campaigns.view_personal",
        _("See a campaign's answers, follow-ups and monitored persons"),
        *_REGISTRY_STAFF,
    ),
    _perm("campaigns.zones", _("Designate and end risk zones"), R.DISTRICT_ADMIN, R.STREET_ADMIN),
    _perm(
        "campaigns.monitor",
        _("Propose health-monitoring changes, handle alerts and help requests"),
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
    ),
    _perm(
        "campaigns.approve",
        _("Approve monitoring changes and bulk exports of campaign data (second person)"),
        R.DISTRICT_ADMIN,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
    ),
    _perm(
        "campaigns.export",
        _("Request bulk exports of a campaign's personal data"),
        R.DISTRICT_ADMIN,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
    ),
    # Assessment (KPIs, grades, monthly snapshots): leaders and admins see their jurisdiction's
    # figures and the cases behind them; the district freezes and publishes.
    _perm(
        "assessment.view",
        _("See assessment indicators, scores, rankings and the cases behind them"),
        R.DISTRICT_ADMIN,
        R.DISPATCHER,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
        R.LEADER,
    ),
    _perm(
        "assessment.manage",
        _("Freeze and publish monthly assessments and edit indicator weights"),
        R.DISTRICT_ADMIN,
    ),
    _perm(
        "analytics.view",
        _("See the district cockpit, heatmaps and hotspots"),
        R.DISTRICT_ADMIN,
        R.DISPATCHER,
        R.STREET_ADMIN,
        R.COMMUNITY_ADMIN,
        R.LEADER,
    ),
    _perm("access.manage_users", _("Manage users and memberships"), R.DISTRICT_ADMIN),
    _perm("audit.view_log", _("Search the audit log"), R.AUDITOR),
    # Auditors work in the audit log only; no API serves it, so they get no token either.
    _perm("api.use_token", _("Create an API token"), *(set(Role) - {R.RESIDENT, R.AUDITOR})),
    # Open311 (gridgov.open311): the keys of third-party clients, managed in the admin.
    _perm("open311.manage_keys", _("Issue and revoke Open311 API keys"), R.DISTRICT_ADMIN),
    # fieldapp (the grid worker's offline phone app): sync queued submissions, fetch the
    # offline bundle of one's own grids. Grid staff and community staff.
    _perm(
        "fieldapp.sync",
        _("Use the field app: offline bundle and sync of submissions"),
        R.COMMUNITY_ADMIN,
        R.GRID_CHIEF,
        R.GRID_WORKER,
    ),
)

_BY_CODE = {p.code: p for p in PERMISSIONS}


def permission(code: str) -> Permission:
    """The permission with this code; raises KeyError for a code the policy does not know."""
    return _BY_CODE[code]


def roles_with(code: str) -> frozenset[Role]:
    return permission(code).roles


def matrix() -> list[tuple[Permission, dict[Role, bool]]]:
    """Rows of the policy as (permission, {role: granted}) for display."""
    return [(p, {role: role in p.roles for role in Role}) for p in PERMISSIONS]
