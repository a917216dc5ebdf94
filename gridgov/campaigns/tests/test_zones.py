"""Risk zones: designation with history (a new level ends the previous), ending, the zones in
force, the rules per level, and who may designate where."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns import zones
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.models import RiskLevel, RiskZone
from gridgov.campaigns.testing import GRID_A, GRID_B, build_campaign_world, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_campaign_world()
    start(w)
    return w


def test_a_new_level_ends_the_previous_zone_and_keeps_the_history(world):
    admin = world.users[Role.STREET_ADMIN]
    grid = world.units[GRID_A]
    t0 = timezone.now() - timedelta(days=3)
    first = zones.designate(admin, level=RiskLevel.LOCKDOWN, grid=grid, starts_at=t0, reason="阳性病例")
    t1 = t0 + timedelta(days=2)
    second = zones.designate(
        admin, level=RiskLevel.CONTROL, grid=grid, starts_at=t1, reason="降级", campaign=world.campaign
    )
    first.refresh_from_db()
    assert first.ends_at == t1 and first.ended_by == admin and first.level == RiskLevel.LOCKDOWN
    assert second.ends_at is None and second.org_path == grid.path and second.campaign == world.campaign
    assert list(zones.history(grid)) == [second, first]
    assert list(zones.current_zones(admin)) == [second]
    # Before the change, the first zone was the one in force.
    assert list(zones.current_zones(admin, at=t0 + timedelta(hours=1))) == [first]
    actions = list(
        AuditEntry.objects.filter(action__startswith="campaigns.zone").values_list("action", flat=True)
    )
    assert actions.count("campaigns.zone.designate") == 2 and actions.count("campaigns.zone.end") == 1


def test_a_building_takes_its_grids_path_and_has_its_own_history(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    building = world.reg.buildings["a"]
    zone = zones.designate(
        admin, level=RiskLevel.LOCKDOWN, building=building, starts_at=timezone.now(), reason="密接"
    )
    assert zone.org_path == building.org_path == world.units[GRID_A].path
    assert list(zones.history(building)) == [zone]
    assert list(zones.history(world.units[GRID_A])) == []
    # The grid's own zone does not end the building's.
    zones.designate(
        admin, level=RiskLevel.PREVENTION, grid=world.units[GRID_A], starts_at=timezone.now(), reason="x"
    )
    zone.refresh_from_db()
    assert zone.ends_at is None
    assert zones.current_zones(admin, area=world.units[GRID_A]).count() == 2
    assert zones.current_zones(admin, area=world.units[GRID_B]).count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"grid": None}, "grid"),
        ({"building": "a"}, "grid"),  # both a grid and a building
        ({"grid": "150502001001"}, "grid"),  # a community, not a grid
        ({"level": "red"}, "level"),
        ({"reason": "  "}, "reason"),
        ({"starts_at": None}, "starts_at"),
    ],
)
def test_designation_names_the_bad_field_and_changes_nothing(world, fields, field):
    admin = world.users[Role.DISTRICT_ADMIN]
    kwargs = {
        "level": RiskLevel.CONTROL,
        "grid": world.units[GRID_A],
        "starts_at": timezone.now(),
        "reason": "r",
    }
    for key, value in fields.items():
        if key == "building":
            kwargs[key] = world.reg.buildings[value]
        elif key == "grid" and value:
            kwargs[key] = world.units[value]
        else:
            kwargs[key] = value
    with pytest.raises(CampaignError) as error:
        zones.designate(admin, **kwargs)
    assert error.value.field == field
    assert not RiskZone.objects.exists()


def test_same_level_again_and_earlier_start_are_refused(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    grid = world.units[GRID_A]
    now = timezone.now()
    zones.designate(admin, level=RiskLevel.CONTROL, grid=grid, starts_at=now, reason="r")
    with pytest.raises(CampaignError) as same:
        zones.designate(
            admin, level=RiskLevel.CONTROL, grid=grid, starts_at=now + timedelta(hours=1), reason="r"
        )
    assert same.value.field == "level"
    with pytest.raises(CampaignError) as earlier:
        zones.designate(
            admin, level=RiskLevel.LOCKDOWN, grid=grid, starts_at=now - timedelta(hours=1), reason="r"
        )
    assert earlier.value.field == "starts_at"
    assert RiskZone.objects.count() == 1


def test_end_zone_once_and_after_its_start(world):
    admin = world.users[Role.STREET_ADMIN]
    now = timezone.now()
    zone = zones.designate(
        admin, level=RiskLevel.LOCKDOWN, grid=world.units[GRID_A], starts_at=now, reason="r"
    )
    with pytest.raises(CampaignError) as early:
        zones.end_zone(admin, zone, now - timedelta(minutes=1))
    assert early.value.field == "at"
    zones.end_zone(admin, zone, now + timedelta(hours=2))
    zone.refresh_from_db()
    assert zone.ends_at == now + timedelta(hours=2) and zone.ended_by == admin
    with pytest.raises(CampaignError) as again:
        zones.end_zone(admin, zone, now + timedelta(hours=3))
    assert again.value.code == "conflict"


def test_only_zone_holders_in_their_area_may_designate(world):
    grid = world.units[GRID_A]
    for role in (Role.GRID_CHIEF, Role.COMMUNITY_ADMIN, Role.LEADER):
        with pytest.raises(CampaignDenied):
            zones.designate(
                world.users[role], level=RiskLevel.CONTROL, grid=grid, starts_at=timezone.now(), reason="r"
            )
    # The other street's admin: the street admin persona of 150502001 may not act in 150502002.
    other_grid = world.units["150502002001001"]
    assert zones.designate(
        world.users[Role.DISTRICT_ADMIN],
        level=RiskLevel.CONTROL,
        grid=other_grid,
        starts_at=timezone.now(),
        reason="r",
    )
    with pytest.raises(CampaignDenied):
        zones.designate(
            world.users[Role.STREET_ADMIN],
            level=RiskLevel.LOCKDOWN,
            grid=other_grid,
            starts_at=timezone.now(),
            reason="r",
        )
    denied = AuditEntry.objects.filter(action="campaigns.zone.designate", outcome=Outcome.DENIED)
    assert denied.count() == 4
    assert RiskZone.objects.count() == 1
    # Zones are shown to whoever sees the campaign area, and only there.
    assert zones.current_zones(world.users[Role.GRID_WORKER]).count() == 0  # grid 002001001 is not theirs
    assert zones.current_zones(world.users[Role.LEADER]).count() == 1


def test_a_campaign_zone_must_lie_in_the_campaign(world):
    admin = world.users[Role.DISTRICT_ADMIN]
    with pytest.raises(CampaignError) as error:
        zones.designate(
            admin,
            level=RiskLevel.CONTROL,
            grid=world.units["150502002001001"],
            starts_at=timezone.now(),
            reason="r",
            campaign=world.campaign,
        )
    assert error.value.field == "campaign"


def test_every_level_has_its_rules_in_both_languages():
    for level in RiskLevel.values:
        rules = zones.rules_for(level)
        assert len(rules) == 2
        with override("en"):
            assert all(str(rule) for rule in rules)
    with override("en"):
        assert "home" in str(zones.rules_for(RiskLevel.LOCKDOWN)[0])
    with pytest.raises(ValueError):
        zones.rules_for("red")
