"""Points for residents whose report was registered (立案): VOLUNTEERS_POINTS_PER_REPORT, once per case.

Connected in VolunteersConfig.ready() to post_save of cases.TimelineEntry, so it runs inside
the workflow's transaction: if registering rolls back, so do the points.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from gridgov.cases.models import Source, TimelineEntry
from gridgov.volunteers import ledger
from gridgov.volunteers.communities import community_of
from gridgov.volunteers.models import EntryKind, PointsEntry


def award_for_registered_report(sender, instance: TimelineEntry, created: bool, **kwargs) -> None:
    """post_save receiver: a "register" entry of a resident's case earns its reporter points."""
    if not created or instance.action != "register":
        return
    points = settings.VOLUNTEERS_POINTS_PER_REPORT
    case = instance.case
    if points <= 0 or case.source != Source.RESIDENT or case.reporter_id is None:
        return
    with transaction.atomic():
        # The account lock makes the check and the entry one step; the unique constraint backs it up.
        account = ledger.locked_account(case.reporter)
        if PointsEntry.objects.filter(account=account, kind=EntryKind.REPORT, case=case).exists():
            return
        ledger.post(
            case.reporter,
            points,
            EntryKind.REPORT,
            actor=instance.actor,
            community=community_of(case.grid),
            note=case.number,
            case=case,
        )
