"""Which sources a reporter may give: residents report as residents, grid staff from patrols,
the command center also takes hotline and sensor reports. Campaign cases come from campaigns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
# Reports taken from someone else carry that person's name and phone: the hotline's and those
# of other systems' clients (Open311). Only the hotline has a ticket number.
CALLER_FIELDS = ("caller_name", "caller_phone")
CALLER_SOURCES = frozenset({Source.HOTLINE, Source.OPEN311})
HOTLINE_FIELDS = ("hotline_ref",)

# Channels: other apps name the users that stand for them (an Open311 client's system user), and
# such a user reports with the channel's source only. Registered in the apps' ready().
_CHANNELS: list[tuple[str, Callable[[Any], bool]]] = []


def register_channel(source: str, is_channel_user: Callable[[Any], bool]) -> None:
    _CHANNELS.append((source, is_channel_user))


def allowed_sources(user) -> list[str]:
    """The sources `user` may report with, the default first (patrol for staff, resident for residents)."""
    channels = [source for source, is_channel_user in _CHANNELS if is_channel_user(user)]
    if channels:
        return channels
    sources: set[str] = set()
    for role in roles_of(user):
        sources.update(SOURCES_BY_ROLE.get(role, ()))
    return sorted(sources, key=lambda s: (s != Source.PATROL, s))
