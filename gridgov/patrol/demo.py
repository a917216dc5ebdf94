"""Demo content for the patrol app: a weekly visit of the elderly living alone in the demo grid
worker's community, a one-off task, two visits (one proposing a correction) and yesterday's
patrol with its track. The demo command may call `seed_demo` once the registry is loaded."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.patrol import assignments, patrols, visits
from gridgov.people.models import Household, Person, Tag


def seed_demo(
    *, worker_username: str = "grid_worker", admin_username: str = "community_admin"
) -> dict[str, int]:
    """Seed through the services; returns counts. Does nothing (empty counts) without the users."""
    users = get_user_model().objects
    worker = users.filter(username=worker_username).first()
    admin = users.filter(username=admin_username).first()
    membership = (
        Membership.objects.filter(user=worker, role=Role.GRID_WORKER).select_related("org_unit").first()
    )
    if worker is None or admin is None or membership is None or membership.org_unit is None:
        return {}
    grid = membership.org_unit
    community = grid.parent
    counts = {"rules": 0, "tasks": 0, "visits": 0, "patrols": 0}
    if community is not None:
        assignments.create_rule(
            admin,
            title="每周走访独居老人",
            area=community,
            tag=Tag.objects.get(code="elderly_alone"),
            frequency="weekly",
            due_weekday=4,
        )
        counts["rules"] = 1
        counts["tasks"] += assignments.generate_items()
    households = list(
        Household.objects.filter(grid=grid, is_active=True, members__isnull=False).distinct()[:3]
    )
    now = timezone.now()
    for number, household in enumerate(households[:2]):
        member = Person.objects.filter(household=household).order_by("pk").first()
        corrections = [visits.Correction("registered_address", "科尔沁区永清街道", member)] if number else []
        visits.record_visit(
            visits.NewVisit(
                household=household,
                situation="attention" if number else "normal",
                visited_at=now - timedelta(days=3 - number),
                met=[member] if member else [],
                nobody_home=member is None,
                needs=["medical"] if number else [],
                notes="老人血压偏高，已提醒按时服药" if number else "",
                corrections=corrections,
            ),
            actor=worker,
        )
        counts["visits"] += 1
    if len(households) > 2:
        assignments.create_task(
            admin,
            title="核实出租屋租户信息",
            assignee=worker,
            due_on=timezone.localdate(),
            household=households[2],
        )
        counts["tasks"] += 1
    counts["patrols"] = _yesterdays_patrol(worker, grid)
    return counts


def _yesterdays_patrol(worker, grid) -> int:
    if None in (grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat):
        return 0
    lon = (grid.min_lon + grid.max_lon) / 2
    lat = (grid.min_lat + grid.max_lat) / 2
    start = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(9, 0)))
    patrol = patrols.start_patrol(worker, grid, at=start)
    # A walk east then north, about 80 m every two minutes.
    points = [
        {
            "lon": lon + 0.001 * min(step, 6),
            "lat": lat + 0.0007 * max(step - 6, 0),
            "at": (start + timedelta(minutes=2 * step)).isoformat(),
            "accuracy": 10,
        }
        for step in range(13)
    ]
    patrols.add_track_points(patrol, worker, points)
    patrols.check_in(
        patrol, worker, at=start + timedelta(minutes=12), lon=lon + 0.006, lat=lat, note="小区东门"
    )
    patrols.end_patrol(patrol, worker, at=start + timedelta(minutes=30))
    return 1
