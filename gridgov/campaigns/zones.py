"""Risk zones (风险区): grids or buildings designated lockdown / control / prevention.

A zone row is never edited in place except for its end: designating a place anew ends its
current zone at the new start and adds a row, so the rows of a place are its history. The
rules each level implies are shown to workers (RULES); they are guidance, not enforced here.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.access.scope import in_scope, path_filter, scoped
from gridgov.audit.log import record
from gridgov.campaigns.errors import ALL, CampaignError
from gridgov.campaigns.models import Campaign, CampaignStatus, RiskLevel, RiskZone
from gridgov.campaigns.rights import VIEW, ZONES, atomic_action, require
from gridgov.geo.models import Level, OrgUnit
from gridgov.people.models import Building

# What each level asks of the people in the zone, in the words shown to workers.
# Map colours per level, on the zones page and the phone's map: red, orange, yellow as the public
# notices used them.
LEVEL_COLOURS = {RiskLevel.LOCKDOWN: "#c0392b", RiskLevel.CONTROL: "#e67e22", RiskLevel.PREVENTION: "#d4ac0d"}

RULES: dict[str, tuple[Promise, ...]] = {
    RiskLevel.LOCKDOWN: (
        gettext_lazy("Nobody leaves home"),
        gettext_lazy("Services are delivered to the door"),
    ),
    RiskLevel.CONTROL: (
        gettext_lazy("Nobody leaves the zone"),
        gettext_lazy("Gatherings are strictly forbidden"),
    ),
    RiskLevel.PREVENTION: (
        gettext_lazy("Stronger management of public places"),
        gettext_lazy("The size of gatherings is strictly limited"),
    ),
}

Place = OrgUnit | Building


def rules_for(level: str) -> tuple[Promise, ...]:
    """The rules of `level`; raises ValueError for an unknown level."""
    return RULES[RiskLevel(level)]


def _place_path(grid: OrgUnit | None, building: Building | None) -> str:
    if (grid is None) == (building is None):
        raise CampaignError("grid", _("Choose a grid or a building, not both."), "required")
    if grid is not None:
        if grid.level != Level.GRID or not grid.is_active:
            raise CampaignError("grid", _("Choose a grid."))
        return grid.path
    assert building is not None
    return building.org_path  # a building's path is its grid's


def _place_filter(grid: OrgUnit | None, building: Building | None) -> Q:
    return Q(grid=grid) if grid is not None else Q(building=building)


def _check_campaign(campaign: Campaign | None, path: str) -> None:
    if campaign is None:
        return
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignError("campaign", _("The campaign is not running."))
    if not (path == campaign.org_path or path.startswith(campaign.org_path + ".")):
        raise CampaignError("campaign", _("This place is outside the campaign's area."))


@atomic_action
def designate(
    user,
    *,
    level: str,
    grid: OrgUnit | None = None,
    building: Building | None = None,
    starts_at: datetime,
    reason: str,
    campaign: Campaign | None = None,
) -> RiskZone:
    """Designate a grid or a building at `level` from `starts_at`, ending its current zone there.

    Raises CampaignDenied without campaigns.zones over the place; CampaignError for a missing
    place, level, start or reason, a start before the current zone's start, or the same level
    the place already has.
    """
    path = _place_path(grid, building)
    require(user, ZONES, path, action="campaigns.zone.designate")
    if level not in RiskLevel.values:
        raise CampaignError("level", _("Choose a risk level."), "required")
    if starts_at is None or timezone.is_naive(starts_at):
        raise CampaignError("starts_at", _("Enter the start."), "required")
    reason = (reason or "").strip()
    if not reason:
        raise CampaignError("reason", _("Give the reason."), "required")
    _check_campaign(campaign, path)
    place = _place_filter(grid, building)
    current = list(
        RiskZone.objects.select_for_update()
        .filter(place, Q(ends_at__isnull=True) | Q(ends_at__gt=starts_at))
        .order_by("starts_at", "pk")
    )
    for zone in current:
        if zone.starts_at >= starts_at:
            raise CampaignError(
                "starts_at", _("The place has a zone starting at or after this time: start later.")
            )
        if zone.level == level and zone.ends_at is None:
            raise CampaignError("level", _("The place is already at this level."), "unchanged")
    for zone in current:
        # Compare-and-swap on the end read above: a concurrent change makes this one fail.
        ended = RiskZone.objects.filter(pk=zone.pk, ends_at=zone.ends_at).update(
            ends_at=starts_at, ended_by=user
        )
        if not ended:
            raise CampaignError(ALL, _("The zone was changed meanwhile; try again."), "conflict")
        record(
            "campaigns.zone.end",
            actor=user,
            target=zone,
            details={"at": starts_at.isoformat(), "replaced": True},
        )
    zone = RiskZone.objects.create(
        campaign=campaign,
        level=level,
        grid=grid,
        building=building,
        org_path=path,
        starts_at=starts_at,
        reason=reason[:200],
        set_by=user,
    )
    record(
        "campaigns.zone.designate",
        actor=user,
        target=zone,
        details={
            "level": level,
            "ended": [z.pk for z in current],
            "campaign": campaign.pk if campaign else None,
        },
    )
    return zone


@atomic_action
def end_zone(user, zone: RiskZone, at: datetime) -> RiskZone:
    """End an open zone at `at` (after its start). Raises CampaignDenied without campaigns.zones
    over its place; CampaignError when it has ended already or `at` is not after its start."""
    require(user, ZONES, zone.org_path, action="campaigns.zone.end")
    if at is None or timezone.is_naive(at):
        raise CampaignError("at", _("Enter the end."), "required")
    if at <= zone.starts_at:
        raise CampaignError("at", _("The end must be after the start."))
    ended = RiskZone.objects.filter(pk=zone.pk, ends_at__isnull=True).update(ends_at=at, ended_by=user)
    if not ended:
        raise CampaignError(ALL, _("This zone has already ended."), "conflict")
    zone.refresh_from_db()
    record("campaigns.zone.end", actor=user, target=zone, details={"at": at.isoformat()})
    return zone


def current_zones(user, area: OrgUnit | None = None, *, at: datetime | None = None) -> QuerySet[RiskZone]:
    """The zones in force at `at` (now) that `user` may see (campaigns.view), within `area`."""
    at = at or timezone.now()
    zones = scoped(user, RiskZone.objects.all(), VIEW).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at), starts_at__lte=at
    )
    if area is not None:
        zones = zones.filter(path_filter("org_path", [area.path]))
    return zones.select_related("grid", "building", "campaign", "set_by").order_by("org_path", "pk")


def upcoming_zones(user, area: OrgUnit | None = None) -> QuerySet[RiskZone]:
    """Zones designated to start later, for the list (campaigns.view)."""
    zones = scoped(user, RiskZone.objects.all(), VIEW).filter(starts_at__gt=timezone.now())
    if area is not None:
        zones = zones.filter(path_filter("org_path", [area.path]))
    return zones.select_related("grid", "building", "campaign", "set_by").order_by("starts_at", "pk")


def history(place: Place) -> QuerySet[RiskZone]:
    """Every zone of a grid or a building, latest first. The caller has checked that the user
    may see the place."""
    condition = Q(building=place) if isinstance(place, Building) else Q(grid=place)
    return RiskZone.objects.filter(condition).select_related("set_by", "ended_by", "campaign")


def may_designate(user, path: str) -> bool:
    return in_scope(user, path, ZONES)
