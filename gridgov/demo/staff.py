"""The demo's working staff behind the history: a grid worker in every grid without one and a
handler in every department without one.

They exist so that a year of cases and visits has real people behind it (reporters, handlers,
visitors) and the grid workers' assessment has rows. They cannot sign in: no password is set
(only the personas of accounts.py log in, with the public demo password).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from gridgov.access.models import Department, Membership
from gridgov.access.roles import Role
from gridgov.demo.person_names import person_name
from gridgov.geo.models import OrgUnit
from gridgov.people.ethnicities import Ethnicity

WORKER_PREFIX = "gw"  # gw150502003001002: the worker of that grid
HANDLER_PREFIX = "dh_"  # dh_housing: the housing department's handler


@dataclass
class Staff:
    """Who works where: one grid worker per grid id, one handler per department code."""

    workers: dict[int, Any]  # users
    handlers: dict[str, Any]


def _name(rng: random.Random) -> tuple[str, str]:
    ethnicity = Ethnicity.MONGOLIAN if rng.random() < 0.25 else Ethnicity.HAN
    name = person_name(rng, ethnicity, rng.choice(["male", "female"]))
    return name[:1], name[1:]


def ensure_staff(grids: list[OrgUnit], seed: int) -> Staff:
    """Create the missing grid workers and department handlers (bulk); return everyone by place."""
    rng = random.Random(f"{seed}-staff")
    users = get_user_model().objects
    unusable = make_password(None)  # one unusable hash for all: no argon2 round per account
    workers: dict[int, Any] = {}
    for m in (
        Membership.objects.filter(role__in=[Role.GRID_WORKER, Role.GRID_CHIEF], org_unit__in=grids)
        .select_related("user")
        .order_by("role", "user_id")
    ):
        # The personas' grid worker comes before the grid chief (role order), so he reports.
        if m.org_unit_id is not None:
            workers.setdefault(m.org_unit_id, m.user)
    missing = [g for g in grids if g.pk not in workers]
    new_users = []
    for grid in missing:
        last, first = _name(rng)
        new_users.append(
            get_user_model()(
                username=f"{WORKER_PREFIX}{grid.code}", first_name=first, last_name=last, password=unusable
            )
        )
    users.bulk_create(new_users, batch_size=500)
    created = {u.username: u for u in users.filter(username__startswith=WORKER_PREFIX)}
    Membership.objects.bulk_create(
        [
            Membership(
                user=created[f"{WORKER_PREFIX}{g.code}"], role=Role.GRID_WORKER, org_unit=g, scope_path=g.path
            )
            for g in missing
        ],
        batch_size=500,
    )
    for g in missing:
        workers[g.pk] = created[f"{WORKER_PREFIX}{g.code}"]
    handlers: dict[str, Any] = {}
    for m in Membership.objects.filter(role=Role.DEPARTMENT_HANDLER).select_related("user", "department"):
        if m.department is not None:
            handlers.setdefault(m.department.code, m.user)
    for department in Department.objects.filter(is_active=True).select_related("org_unit").order_by("code"):
        if department.code in handlers:
            continue
        last, first = _name(rng)
        user = users.create(
            username=f"{HANDLER_PREFIX}{department.code}", first_name=first, last_name=last, password=unusable
        )
        Membership.objects.create(user=user, role=Role.DEPARTMENT_HANDLER, department=department)
        handlers[department.code] = user
    return Staff(workers=workers, handlers=handlers)
