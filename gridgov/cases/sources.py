"""Which sources a reporter may give: residents report as residents, grid staff from patrols,
the command center also takes hotline and sensor reports. Campaign cases come from campaigns."""

from __future__ import annotations

from gridgov.access.roles import Role
from gridgov.access.scope import roles_of
from gridgov.cases.models import Source

SOURCES_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.RESIDENT: (Source.RESIDENT,),
    Role.GRID_WORKER: (Source.PATROL,),
    Role.GRID_CHIEF: (Source.PATROL,),
    Role.COMMUNITY_ADMIN: (Source.PATROL,),
    Role.STREET_ADMIN: (Source.PATROL,),
    Role.DISPATCHER: (Source.PATROL, Source.HOTLINE, Source.SENSOR),
    Role.DISTRICT_ADMIN: (Source.PATROL, Source.HOTLINE, Source.SENSOR),
}
# Only hotline reports carry the caller's details and the hotline's ticket number.
HOTLINE_FIELDS = ("caller_name", "caller_phone", "hotline_ref")


def allowed_sources(user) -> list[str]:
    """The sources `user` may report with, the default first (patrol for staff, resident for residents)."""
    sources: set[str] = set()
    for role in roles_of(user):
        sources.update(SOURCES_BY_ROLE.get(role, ()))
    return sorted(sources, key=lambda s: (s != Source.PATROL, s))
