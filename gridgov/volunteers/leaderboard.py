"""Leaderboards per community: points earned (not the balance) and service hours, this month
or all time. Residents appear by their display name or a masked name, never by phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.geo.models import OrgUnit
from gridgov.volunteers.models import EARNED_KINDS, PointsEntry, SignUp, SignUpState

MONTH = "month"
ALL_TIME = "all"


@dataclass(frozen=True)
class Row:
    rank: int
    user_id: int
    name: str
    value: float  # points, or hours with one decimal


def month_start(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def public_name(user) -> str:
    """The name a leaderboard shows: the chosen display name, else the first character of the
    name followed by stars, else a number."""
    profile = getattr(user, "resident", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    name = (user.first_name or "").strip()
    if name:
        return name[0] + "*" * max(1, len(name) - 1)
    return _("Resident %(number)d") % {"number": user.pk}


def _rows(totals: list[tuple[int, float]]) -> list[Row]:
    # The display names come with the users in one query (select_related of the profile).
    users = get_user_model().objects.select_related("resident").in_bulk([user_id for user_id, _t in totals])
    return [
        Row(rank=i, user_id=user_id, name=public_name(users[user_id]), value=total)
        for i, (user_id, total) in enumerate(totals, start=1)
    ]


def points_board(community: OrgUnit, period: str = ALL_TIME, *, limit: int = 20) -> list[Row]:
    """Residents by points earned in `community` (volunteering and registered reports)."""
    entries = PointsEntry.objects.filter(community=community, kind__in=EARNED_KINDS)
    if period == MONTH:
        entries = entries.filter(at__gte=month_start())
    totals = (
        entries.values("account__user_id")
        .annotate(total=Sum("amount"))
        .order_by("-total", "account__user_id")[:limit]
    )
    return _rows([(t["account__user_id"], t["total"]) for t in totals])


def hours_board(community: OrgUnit, period: str = ALL_TIME, *, limit: int = 20) -> list[Row]:
    """Volunteers by service hours in the activities of `community`."""
    signups = SignUp.objects.filter(
        activity__community=community, state=SignUpState.SIGNED_UP, service_minutes__gt=0
    )
    if period == MONTH:
        signups = signups.filter(activity__starts_at__gte=month_start())
    totals = (
        signups.values("volunteer__user_id")
        .annotate(total=Sum("service_minutes"))
        .order_by("-total", "volunteer__user_id")[:limit]
    )
    return _rows([(t["volunteer__user_id"], round(t["total"] / 60, 1)) for t in totals])
