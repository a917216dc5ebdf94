"""Retention: with the clock past the period every personal row of the campaign is gone, the
aggregates are exactly unchanged, other campaigns untouched, the purge audited and idempotent."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns import personal, retention
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.launch import end_campaign
from gridgov.campaigns.models import Campaign, CampaignStatus, ExportRequest, Question, RiskZone
from gridgov.campaigns.testing import GRID_A
from gridgov.campaigns.tests.test_personal_world import aggregates, personal_counts, privacy_world

pytestmark = pytest.mark.django_db


def _ended(days: int = 30):
    world, other = privacy_world()
    campaign = end_campaign(world.users[Role.DISTRICT_ADMIN], world.campaign)
    campaign.retention_days = days
    campaign.save(update_fields=["retention_days"])
    return world, campaign, other


def test_purge_after_the_period_leaves_no_personal_row_and_the_aggregates_unchanged():
    world, campaign, other = _ended(30)
    admin = world.users[Role.DISTRICT_ADMIN]
    ExportRequest.objects.create(
        campaign=campaign,
        area=world.units[GRID_A],
        org_path=world.units[GRID_A].path,
        reason="防疫复核",
        requested_by=world.users[Role.COMMUNITY_ADMIN],
    )
    zone = RiskZone.objects.create(
        campaign=campaign,
        level="control",
        grid=world.units[GRID_A],
        org_path=world.units[GRID_A].path,
        starts_at=timezone.now() - timedelta(days=2),
        reason="发热病例",
        set_by=admin,
    )
    before_aggregates = aggregates()
    before_other = personal_counts(other)
    audit_ids = set(AuditEntry.objects.values_list("pk", flat=True))
    questions = Question.objects.filter(campaign=campaign).count()
    now = campaign.ended_at + timedelta(days=30, seconds=1)

    purged = retention.purge_due(now=now)

    assert [p.campaign.pk for p in purged] == [campaign.pk]
    assert personal_counts(campaign) == dict.fromkeys(personal_counts(campaign), 0)
    assert aggregates() == before_aggregates  # GridProgress and DailyCount, every field
    assert personal_counts(other) == before_other
    assert Campaign.objects.get(pk=other.pk).status == CampaignStatus.ACTIVE
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PURGED and campaign.purged_at == now
    # Kept: design, risk zones, export requests (access records) and every audit entry.
    assert Question.objects.filter(campaign=campaign).count() == questions > 0
    assert RiskZone.objects.filter(pk=zone.pk).exists()
    assert ExportRequest.objects.get(campaign=campaign).reason == "防疫复核"
    assert audit_ids <= set(AuditEntry.objects.values_list("pk", flat=True))
    entry = AuditEntry.objects.get(action=retention.PURGE_ACTION)
    assert entry.target_id == str(campaign.pk) and entry.outcome == Outcome.OK
    assert entry.details["counts"] == {
        "follow_ups": 1,
        "targets": 2,
        "list_entries": 1,
        "monitoring_changes": 1,
        "health_checkins": 1,
        "monitoring_alerts": 1,
        "help_requests": 1,
        "monitorings": 1,
    }
    # A second run is a no-op.
    assert retention.purge_due(now=now + timedelta(days=1)) == []
    assert AuditEntry.objects.filter(action=retention.PURGE_ACTION).count() == 1
    assert aggregates() == before_aggregates


def test_nothing_is_purged_before_the_period_is_over():
    _world, campaign, _other = _ended(30)
    before = personal_counts(campaign)
    assert retention.purge_due(now=campaign.ended_at + timedelta(days=29, hours=23)) == []
    assert personal_counts(campaign) == before and all(before.values())
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ENDED and campaign.purged_at is None
    assert not AuditEntry.objects.filter(action=retention.PURGE_ACTION).exists()


def test_an_active_campaign_past_its_end_is_ended_by_the_system_then_purged_in_time():
    world, other = privacy_world()
    campaign = world.campaign
    after_end = campaign.ends_at + timedelta(hours=1)
    assert retention.purge_due(now=after_end) == []
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ENDED and campaign.ended_at == campaign.ends_at
    ended = AuditEntry.objects.get(action=retention.END_ACTION, target_id=str(campaign.pk))
    assert ended.actor_id is None and ended.details["by"] == "system"
    assert all(personal_counts(campaign).values())
    assert retention.purge_date(campaign) == campaign.ends_at + timedelta(days=30)
    purged = retention.purge_due(now=retention.purge_date(campaign))
    assert [p.campaign.pk for p in purged] == [campaign.pk]
    # The other campaign ends 60 days out: still running, its data untouched.
    other.refresh_from_db()
    assert other.status == CampaignStatus.ACTIVE
    assert all(personal_counts(other).values())


def test_reading_a_purged_campaign_is_refused_and_audited():
    world, campaign, _other = _ended(1)
    retention.purge_due(now=campaign.ended_at + timedelta(days=2))
    campaign.refresh_from_db()
    reader = world.users[Role.COMMUNITY_ADMIN]
    with pytest.raises(CampaignDenied):
        personal.targets_for(reader, campaign)
    denied = AuditEntry.objects.get(action=personal.READ_ACTION, outcome=Outcome.DENIED)
    assert denied.details["reason"] == "purged" and denied.actor_id == reader.pk


def test_purge_date():
    _world, campaign, _other = _ended(10)
    assert retention.purge_date(campaign) == campaign.ended_at + timedelta(days=10)
    draft = Campaign(starts_at=campaign.starts_at, ends_at=campaign.ends_at, retention_days=5)
    assert retention.purge_date(draft) == campaign.ends_at + timedelta(days=5)
    now = campaign.ended_at + timedelta(days=11)
    retention.purge_due(now=now)
    campaign.refresh_from_db()
    assert retention.purge_date(campaign) == now


def test_the_command_dry_run_changes_nothing_then_purges():
    _world, campaign, other = _ended(30)
    when = (campaign.ended_at + timedelta(days=31)).isoformat()
    out = StringIO()
    call_command("purge_campaigns", "--now", when, "--dry-run", stdout=out)
    assert f"would purge #{campaign.pk}" in out.getvalue()
    assert f"#{other.pk}" not in out.getvalue()
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.ENDED
    assert all(personal_counts(campaign).values())
    out = StringIO()
    call_command("purge_campaigns", "--now", when, stdout=out)
    assert "1 campaign(s) purged." in out.getvalue() and "targets 2" in out.getvalue()
    assert not any(personal_counts(campaign).values())
    with pytest.raises(CommandError):
        call_command("purge_campaigns", "--now", "yesterday")


def test_the_background_task_purges_and_the_command_enqueues_it():
    from django_tasks_db.models import DBTaskResult

    _world, campaign, _other = _ended(30)
    call_command("purge_campaigns", "--enqueue", stdout=StringIO())
    assert DBTaskResult.objects.filter(task_path=retention.purge_campaigns_task.module_path).count() == 1
    when = (campaign.ended_at + timedelta(days=31)).isoformat()
    assert retention.purge_campaigns_task.call(now=when) == 1
    assert retention.purge_campaigns_task.call(now=when) == 0
    assert not any(personal_counts(campaign).values())


def test_access_logs_outlive_the_purge_the_database_refuses_deleting_them():
    """Access logs are kept at least 180 days: the purge leaves them, nothing in the project
    deletes them, and the database refuses a DELETE (docs/audit.md)."""
    world, campaign, _other = _ended(0)
    personal.targets_for(world.users[Role.COMMUNITY_ADMIN], campaign)
    reads = list(AuditEntry.objects.filter(action=personal.READ_ACTION).values_list("pk", flat=True))
    retention.purge_due(now=campaign.ended_at + timedelta(seconds=1))
    assert list(AuditEntry.objects.filter(pk__in=reads).values_list("pk", flat=True)) == reads
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk__in=reads).delete()
    assert AuditEntry.objects.filter(pk__in=reads).count() == len(reads)
    deleting = re.compile(r"AuditEntry\b[^\n]*\.delete\(|DELETE FROM audit_auditentry", re.IGNORECASE)
    offenders = [
        str(path)
        for path in Path(retention.__file__).resolve().parents[1].rglob("*.py")
        if "tests" not in path.parts and path.name not in {"guard.py", "flush.py"}
        if deleting.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_an_approved_export_cannot_be_downloaded_after_the_purge():
    from gridgov.campaigns import exports

    world, campaign, _other = _ended(1)
    export = exports.request_export(
        world.users[Role.COMMUNITY_ADMIN], campaign, area=world.units[GRID_A], reason="复核发热户"
    )
    exports.approve_export(world.users[Role.STREET_ADMIN], export)
    retention.purge_due(now=campaign.ended_at + timedelta(days=1))
    export.refresh_from_db()
    with pytest.raises(CampaignError) as error:
        exports.build_export(world.users[Role.COMMUNITY_ADMIN], export)
    assert error.value.code == "purged"
    assert ExportRequest.objects.get(pk=export.pk).downloads == 0
