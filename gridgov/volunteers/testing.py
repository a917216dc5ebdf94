"""Test helpers: the case world with resident accounts, approved volunteers and activities."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.access.testing import World
from gridgov.cases.testing import build_case_world
from gridgov.residents.testing import make_resident
from gridgov.volunteers import activities, registry
from gridgov.volunteers.models import Activity, PointsMode, Volunteer, VolunteerStatus

HEPING = "150502001001"  # the community of grids 150502001001001/002
BAYANTALA = "150502002001"  # a community of the other street
HEPING_GRID = "150502001001001"
BAYANTALA_GRID = "150502002001001"


def build_volunteer_world() -> World:
    """The case world; its community admin (Heping) is the organiser used in these tests."""
    return build_case_world()


def resident(world: World, number: int, *, grid: str = HEPING_GRID, name: str = ""):
    """Resident number `number` (phone 1380000xxxx) living in `grid`."""
    return make_resident(f"1380000{number:04d}", world.units[grid], name=name)


def approved_volunteer(world: World, user) -> Volunteer:
    volunteer = registry.register(user, skills="", availability="")
    # The district admin manages both communities of district 150502.
    return registry.decide(volunteer.pk, VolunteerStatus.APPROVED, actor=world.users[Role.DISTRICT_ADMIN])


def activity(
    world: World,
    *,
    community: str = HEPING,
    starts_in: timedelta = timedelta(days=1),
    hours: float = 2,
    limit: int = 10,
    mode: str = PointsMode.PER_HOUR,
    points: int = 10,
) -> Activity:
    start = timezone.now() + starts_in
    return activities.create(
        activities.NewActivity(
            community=world.units[community],
            title="清扫楼道",
            place="和平社区3号楼",
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            signup_limit=limit,
            points_mode=mode,
            points=points,
        ),
        actor=world.users[Role.DISTRICT_ADMIN],
    )
