"""The one hook for records that point at a grid and must follow it when it is split or merged.

An app whose rows reference grids (households, cases, patrol areas ...) registers a follower at
start-up (in its AppConfig.ready). The geo services call every follower inside their
transaction, so a follower that raises rolls the whole split or merge back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from gridgov.geo.models import OrgUnit


class GridFollower(Protocol):
    def on_split(self, source: OrgUnit, parts: list[OrgUnit]) -> None:
        """`source` was cut; `parts` are the grids now covering its old area (source first)."""

    def on_merge(self, absorbed: OrgUnit, into: OrgUnit) -> None:
        """`absorbed` is no longer active; its area now belongs to `into`."""


_followers: list[GridFollower] = []


def register(follower: GridFollower) -> GridFollower:
    """Add a follower (once; registering the same object again does nothing). Returns it."""
    if follower not in _followers:
        _followers.append(follower)
    return follower


def unregister(follower: GridFollower) -> None:
    if follower in _followers:
        _followers.remove(follower)


def followers() -> tuple[GridFollower, ...]:
    return tuple(_followers)


def notify_split(source: OrgUnit, parts: list[OrgUnit]) -> None:
    for follower in tuple(_followers):
        follower.on_split(source, parts)


def notify_merge(absorbed: OrgUnit, into: OrgUnit) -> None:
    for follower in tuple(_followers):
        follower.on_merge(absorbed, into)
