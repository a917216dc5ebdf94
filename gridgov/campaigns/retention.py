"""The retention period of campaign personal data: what is purged, when, and what stays.

`retention_days` after a campaign ended, its personal data is deleted: the targeted households
with their answers and follow-ups, the imported list, the monitored persons with their
check-ins, alerts, help requests and status changes. What stays: the campaign's design
(questions), the counts per grid (GridProgress) and per grid and day (DailyCount), risk zones,
export requests (they are records of who accessed what) and every audit entry — the audit log
is never purged with the data it describes (docs/audit.md).

`purge_due()` runs daily (`manage.py purge_campaigns` from cron, or the task below): it first
ends ACTIVE campaigns past their planned end, then purges every ENDED campaign that is due.
Each campaign is purged in its own transaction, claimed by a compare-and-swap on its status,
so two runs at once never purge twice and a second run finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from gridgov.audit.log import record
from gridgov.campaigns.models import (
    Campaign,
    CampaignStatus,
    FollowUp,
    HealthCheckIn,
    HelpRequest,
    ListEntry,
    Monitoring,
    MonitoringAlert,
    MonitoringChange,
    Target,
)

PURGE_ACTION = "campaigns.purge"
END_ACTION = "campaigns.end"


@dataclass
class Purged:
    """One purged campaign and how many rows of each kind went."""

    campaign: Campaign
    counts: dict[str, int] = field(default_factory=dict)


def purge_date(campaign: Campaign) -> datetime | None:
    """When the campaign's personal data is (or was) purged: the purge time once purged; else
    the end (or the planned end of a draft or active campaign) plus the retention period."""
    if campaign.status == CampaignStatus.PURGED:
        return campaign.purged_at
    end = campaign.ended_at or campaign.ends_at
    if end is None:
        return None
    return end + timedelta(days=campaign.retention_days)


def end_overdue(now: datetime | None = None) -> list[Campaign]:
    """End every ACTIVE campaign whose planned end has passed, as the system (audited).

    `ended_at` is the planned end, not the time of this run, so that a late run does not
    lengthen the retention period.
    """
    now = now or timezone.now()
    ended: list[Campaign] = []
    for campaign in Campaign.objects.filter(status=CampaignStatus.ACTIVE, ends_at__lte=now).order_by("pk"):
        with transaction.atomic():
            changed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.ACTIVE).update(
                status=CampaignStatus.ENDED, ended_at=campaign.ends_at
            )
            if not changed:
                continue
            campaign.refresh_from_db()
            record(
                END_ACTION,
                target=campaign,
                target_repr=campaign.name,
                details={"by": "system", "reason": "planned_end", "ended_at": campaign.ends_at.isoformat()},
            )
        ended.append(campaign)
    return ended


def due(now: datetime | None = None) -> list[Campaign]:
    """The ENDED campaigns whose retention period is over at `now`."""
    now = now or timezone.now()
    ended = Campaign.objects.filter(status=CampaignStatus.ENDED, ended_at__isnull=False).order_by("pk")
    return [c for c in ended if (date := purge_date(c)) is not None and date <= now]


def _delete(queryset: QuerySet) -> int:
    # Only the key is loaded where Django must collect rows before deleting (cascades).
    return queryset.only("pk").delete()[0]


def purge_campaign(campaign: Campaign, now: datetime | None = None) -> Purged | None:
    """Delete `campaign`'s personal data and mark it PURGED; None when another run was first."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.ENDED).update(
            status=CampaignStatus.PURGED, purged_at=now
        )
        if not claimed:
            return None
        monitorings = Monitoring.objects.filter(campaign=campaign)
        # Children first, each counted on its own; the parents then go without cascades.
        counts = {
            "follow_ups": _delete(FollowUp.objects.filter(campaign=campaign)),
            "targets": _delete(Target.objects.filter(campaign=campaign)),
            "list_entries": _delete(ListEntry.objects.filter(campaign=campaign)),
            "monitoring_changes": _delete(MonitoringChange.objects.filter(campaign=campaign)),
            "health_checkins": _delete(HealthCheckIn.objects.filter(monitoring__in=monitorings)),
            "monitoring_alerts": _delete(MonitoringAlert.objects.filter(monitoring__in=monitorings)),
            "help_requests": _delete(HelpRequest.objects.filter(monitoring__in=monitorings)),
            "monitorings": _delete(monitorings),
        }
        campaign.refresh_from_db()
        record(
            PURGE_ACTION,
            target=campaign,
            target_repr=campaign.name,
            details={
                "by": "system",
                "ended_at": campaign.ended_at.isoformat() if campaign.ended_at else "",
                "retention_days": campaign.retention_days,
                "counts": counts,
            },
        )
    return Purged(campaign=campaign, counts=counts)


def purge_due(now: datetime | None = None) -> list[Purged]:
    """End overdue campaigns, then purge every campaign whose retention period is over."""
    now = now or timezone.now()
    end_overdue(now)
    purged: list[Purged] = []
    for campaign in due(now):
        result = purge_campaign(campaign, now)
        if result is not None:
            purged.append(result)
    return purged


@task()
def purge_campaigns_task(now: str = "") -> int:
    """Background form of `manage.py purge_campaigns` (run with `manage.py db_worker`); `now`
    (ISO datetime) overrides the clock. Returns the number of campaigns purged."""
    when = datetime.fromisoformat(now) if now else None
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    return len(purge_due(when))
