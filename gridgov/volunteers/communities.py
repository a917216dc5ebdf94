"""A resident's home community: where they volunteer, earn points and shop."""

from __future__ import annotations

from gridgov.geo.models import Level, OrgUnit
from gridgov.residents.accounts import home_unit


def community_of(unit: OrgUnit | None) -> OrgUnit | None:
    """The community (level 3) that `unit` is or lies in; None above community level."""
    while unit is not None and unit.level > Level.COMMUNITY:
        unit = unit.parent
    if unit is None or unit.level != Level.COMMUNITY:
        return None
    return unit


def home_community(user) -> OrgUnit | None:
    """The community of the resident's home unit (the bound person's grid, else their resident
    membership's unit); None for a user who has neither."""
    return community_of(home_unit(user))
