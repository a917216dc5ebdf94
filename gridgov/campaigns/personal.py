"""The one gateway for reading a campaign's personal data: targets with their answers,
follow-ups and monitored persons.

Purpose limit: every function takes exactly one campaign and returns rows of that campaign
only — nothing here (or anywhere outside this app) joins campaign data across campaigns or
into the registry. Rows are narrowed to the reader's jurisdiction (campaigns.view_personal),
and every read is audited with what was read and how many rows. A purged campaign has no
personal data left; asking for it is refused (and audited as denied).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridgov.access.scope import jurisdiction_paths, scoped
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.campaigns.errors import CampaignDenied
from gridgov.campaigns.models import Campaign, CampaignStatus, FollowUp, Monitoring, Target
from gridgov.campaigns.rights import PERSONAL
from gridgov.geo.models import OrgUnit

READ_ACTION = "campaigns.read_personal"


def audited(
    user,
    campaign: Campaign,
    *,
    what: str,
    count: int,
    grid: OrgUnit | None = None,
    request=None,
    **details: Any,
) -> None:
    """Record one read of `campaign`'s personal data: `what` (targets, follow_ups …) and `count` rows."""
    record(
        READ_ACTION,
        actor=user,
        request=request,
        target=campaign,
        details={"what": what, "grid": grid.code if grid else "", "count": count, **details},
    )


def _overlaps(user, campaign: Campaign) -> bool:
    """Whether `user` holds view_personal somewhere inside the campaign (or over all of it)."""
    top = campaign.org_path
    return any(
        path == top or path.startswith(top + ".") or top.startswith(path + ".")
        for path in jurisdiction_paths(user, PERSONAL)
    )


def require_readable(user, campaign: Campaign, *, what: str, request=None) -> None:
    """Raise CampaignDenied (audited as denied) when the campaign is purged or `user` holds no
    view_personal right inside it."""
    if campaign.status == CampaignStatus.PURGED:
        reason = "purged"
        message = _("The personal data of this campaign has been purged.")
    elif not _overlaps(user, campaign):
        reason = "permission"
        message = _("You may not see the personal data of this campaign.")
    else:
        return
    record(
        READ_ACTION,
        actor=user,
        request=request,
        target=campaign,
        outcome=Outcome.DENIED,
        details={"what": what, "reason": reason, "permission": PERSONAL},
    )
    raise CampaignDenied(message)


def _read(user, campaign: Campaign, queryset: QuerySet, *, what: str, grid, limit, request) -> list:
    require_readable(user, campaign, what=what, request=request)
    if grid is not None:
        queryset = queryset.filter(grid=grid) if what != "follow_ups" else queryset.filter(target__grid=grid)
    queryset = scoped(user, queryset, PERSONAL)
    rows = list(queryset[:limit] if limit is not None else queryset)
    audited(user, campaign, what=what, count=len(rows), grid=grid, request=request)
    return rows


def targets_for(
    user, campaign: Campaign, *, grid: OrgUnit | None = None, limit: int | None = None, request=None
) -> list[Target]:
    """The campaign's targeted households (with answers) that `user` may see, optionally of one
    grid, at most `limit` of them (pages list a bounded number).

    Raises CampaignDenied when the campaign is purged or the user has no personal-data right in it.
    """
    queryset = Target.objects.filter(campaign=campaign).select_related(
        "household", "household__house__building", "grid", "assignee", "result_by"
    )
    return _read(user, campaign, queryset, what="targets", grid=grid, limit=limit, request=request)


def follow_ups_for(
    user,
    campaign: Campaign,
    *,
    grid: OrgUnit | None = None,
    state: str = "",
    limit: int | None = None,
    request=None,
) -> list[FollowUp]:
    """The campaign's follow-ups in `user`'s jurisdiction (one `state`, or all)."""
    queryset = FollowUp.objects.filter(campaign=campaign).select_related(
        "target", "target__household", "target__grid", "case"
    )
    if state:
        queryset = queryset.filter(state=state)
    return _read(user, campaign, queryset, what="follow_ups", grid=grid, limit=limit, request=request)


def monitorings_for(
    user, campaign: Campaign, *, grid: OrgUnit | None = None, limit: int | None = None, request=None
) -> list[Monitoring]:
    """The persons under monitoring in the campaign that `user` may see."""
    queryset = Monitoring.objects.filter(campaign=campaign).select_related("person", "household", "grid")
    return _read(user, campaign, queryset, what="monitorings", grid=grid, limit=limit, request=request)
