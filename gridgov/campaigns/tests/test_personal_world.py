"""Test helpers of the privacy tests (personal reads, exports, retention): the campaign world of
campaigns.testing, started, with personal data of every kind, and a second campaign over the
same households with its own. Holds one sanity test of the helpers themselves."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    ChangeAction,
    ChangeState,
    DailyCount,
    FollowUp,
    GridProgress,
    HealthCheckIn,
    HelpRequest,
    ListEntry,
    Monitoring,
    MonitoringAlert,
    MonitoringChange,
    MonitoringKind,
    Outcome,
    Target,
)
from gridgov.campaigns.testing import (
    COMMUNITY,
    GRID_A,
    CampaignWorld,
    add_questions,
    build_campaign_world,
    start,
)

pytestmark = pytest.mark.django_db

# Every model that holds personal campaign data, and how to find a campaign's rows of it.
PERSONAL_ROWS = {
    Target: "campaign",
    FollowUp: "campaign",
    ListEntry: "campaign",
    Monitoring: "campaign",
    MonitoringChange: "campaign",
    HealthCheckIn: "monitoring__campaign",
    MonitoringAlert: "monitoring__campaign",
    HelpRequest: "monitoring__campaign",
}


def personal_counts(campaign: Campaign) -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(**{lookup: campaign}).count()
        for model, lookup in PERSONAL_ROWS.items()
    }


def aggregates() -> list[dict]:
    """Every GridProgress and DailyCount row, every field: compared before and after a purge."""
    return [
        *GridProgress.objects.order_by("pk").values(),
        *DailyCount.objects.order_by("pk").values(),
    ]


def fill(world: CampaignWorld, campaign: Campaign, *, note: str = "邻居电话13904751234") -> Target:
    """Personal data of every kind for `campaign`: household a101's result with a fever
    follow-up, a list entry, the head of household under monitoring with a check-in, an
    alert, a help request and the approved change that placed him; counts for grid A."""
    reg = world.reg
    grid = reg.units[GRID_A]
    household = reg.households["a101"]
    target, _ = Target.objects.get_or_create(
        campaign=campaign,
        household=household,
        defaults={"grid": grid, "org_path": grid.path, "person_ids": [reg.persons["head"].pk]},
    )
    now = timezone.now()
    Target.objects.filter(pk=target.pk).update(
        outcome=Outcome.DONE,
        answers={"fever": True, "temperature": 38.2, "heating": "weak", "note": note},
        note=note,
        has_exception=True,
        attempts=1,
        result_at=now,
        result_by=world.users[Role.GRID_WORKER],
        person_ids=[reg.persons["head"].pk],
    )
    FollowUp.objects.create(
        campaign=campaign,
        target=target,
        question_code="fever",
        label="发热",
        action="follow_up",
        org_path=grid.path,
    )
    ListEntry.objects.create(campaign=campaign, household=household)
    progress, _ = GridProgress.objects.get_or_create(
        campaign=campaign, grid=grid, defaults={"org_path": grid.path, "total": 1}
    )
    GridProgress.objects.filter(pk=progress.pk).update(done=1, exceptions=1)
    DailyCount.objects.create(
        campaign=campaign, grid=grid, org_path=grid.path, day=timezone.localdate(), done=1, exceptions=1
    )
    proposer, approver = world.users[Role.COMMUNITY_ADMIN], world.users[Role.STREET_ADMIN]
    monitoring = Monitoring.objects.create(
        campaign=campaign,
        person=reg.persons["head"],
        household=household,
        grid=grid,
        org_path=grid.path,
        kind=MonitoringKind.HOME_HEALTH,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=7),
    )
    MonitoringChange.objects.create(
        campaign=campaign,
        person=reg.persons["head"],
        monitoring=monitoring,
        action=ChangeAction.PLACE,
        kind=MonitoringKind.HOME_HEALTH,
        reason="发热",
        org_path=grid.path,
        state=ChangeState.APPROVED,
        proposed_by=proposer,
        decided_by=approver,
        decided_at=now,
    )
    HealthCheckIn.objects.create(
        monitoring=monitoring,
        day=date.today(),
        at=now,
        temperature=Decimal("37.9"),
        symptoms=["cough"],
        by_user=world.users[Role.GRID_WORKER],
    )
    MonitoringAlert.objects.create(monitoring=monitoring, kind="fever", day=date.today(), org_path=grid.path)
    HelpRequest.objects.create(
        monitoring=monitoring, kind="medicine", text="降压药", org_path=grid.path, by_user=proposer
    )
    return target


def second_campaign(world: CampaignWorld) -> Campaign:
    """Another active campaign over the same community, with its own personal data."""
    now = timezone.now()
    other = Campaign.objects.create(
        name="和平社区供暖排查",
        kind=CampaignKind.HEATING,
        status=CampaignStatus.ACTIVE,
        org_path=world.units[COMMUNITY].path,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=60),
        started_at=now - timedelta(days=1),
        created_by=world.users[Role.DISTRICT_ADMIN],
    )
    other.units.set([world.units[COMMUNITY]])
    add_questions(other)
    fill(world, other, note="OTHER-CAMPAIGN")
    return other


def privacy_world() -> tuple[CampaignWorld, Campaign]:
    """The started campaign world filled with personal data, and the second campaign."""
    world = build_campaign_world()
    start(world)
    fill(world, world.campaign)
    return world, second_campaign(world)


def test_the_world_holds_personal_data_of_every_kind_in_both_campaigns():
    world, other = privacy_world()
    for campaign in (world.campaign, other):
        counts = personal_counts(campaign)
        assert all(counts.values()), counts
    assert personal_counts(world.campaign)["Target"] == 2  # a101 and b201
    assert world.campaign.status == CampaignStatus.ACTIVE
