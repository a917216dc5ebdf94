"""Shared by the registry API tests: people.testing's registry world plus a grid worker of the
neighbouring grid, API clients per persona, and a check that no clear identifier is in a body."""

from __future__ import annotations

from rest_framework.test import APIClient

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.people.testing import CANARIES, RegistryWorld, build_registry_world

BASE = "/api/v1/registry"
OTHER_GRID = "other_grid_worker"  # a grid worker of grid 150502001001002

# Who may read the registry (people.view), who may write (people.edit) and who may do neither.
READERS = (
    Role.GRID_WORKER,
    Role.GRID_CHIEF,
    Role.COMMUNITY_ADMIN,
    Role.STREET_ADMIN,
    Role.DISTRICT_ADMIN,
    Role.DISPATCHER,
)
WRITERS = (Role.GRID_WORKER, Role.GRID_CHIEF, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN)
OUTSIDERS = (Role.LEADER, Role.RESIDENT, Role.DEPARTMENT_HANDLER, Role.AUDITOR)


def build() -> RegistryWorld:
    reg = build_registry_world()
    reg.world.users[OTHER_GRID] = make_user(OTHER_GRID, Role.GRID_WORKER, reg.units["150502001001002"])
    return reg


def client_for(user, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def assert_no_canary(body: bytes) -> None:
    text = body.decode()
    leaked = [canary for canary in CANARIES if canary in text]
    assert not leaked, f"clear identifiers in a response: {len(leaked)}"
