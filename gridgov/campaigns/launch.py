"""A campaign's life: created as a draft, started (targets and assignments built from the
registry, progress rows with their totals), ended. Every step checks campaigns.manage over the
campaign's org path and is audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.access.scope import has_permission, in_scope, path_filter
from gridgov.audit.log import record
from gridgov.campaigns import targeting
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    GridProgress,
    ListEntry,
    Outcome,
    Question,
    Target,
    TargetMode,
)
from gridgov.campaigns.rights import MANAGE, atomic_action, require
from gridgov.geo.models import OrgUnit
from gridgov.people.models import Household


def common_ancestor(paths: Iterable[str]) -> str:
    """The deepest org path containing all `paths` ("" when they share no district)."""
    split = [path.split(".") for path in paths]
    if not split:
        return ""
    common: list[str] = []
    for segments in zip(*split, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    return ".".join(common)


@atomic_action
def create_campaign(
    user,
    *,
    name: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    units: Iterable[OrgUnit],
    description: str = "",
    retention_days: int = 30,
    target_mode: str = TargetMode.ALL,
    target_tags: Iterable | None = None,
    target_min_age: int | None = None,
    target_max_age: int | None = None,
    target_residence_types: Iterable | None = None,
) -> Campaign:
    """Create a draft campaign over `units` (all in the user's jurisdiction); its org path is
    the units' deepest common ancestor, which decides who may see and run it."""
    if not has_permission(user, MANAGE):
        raise CampaignDenied(
            _("You may not do this here."),
            actor=user,
            action="campaigns.create",
            details={"permission": MANAGE},
        )
    name = (name or "").strip()
    if not name:
        raise CampaignError("name", _("Enter the name."), "required")
    if len(name) > 100:
        raise CampaignError("name", _("Use at most 100 characters."))
    if kind not in CampaignKind.values:
        raise CampaignError("kind", _("Choose the kind of campaign."))
    if not isinstance(starts_at, datetime):
        raise CampaignError("starts_at", _("Enter when the campaign starts."), "required")
    if not isinstance(ends_at, datetime):
        raise CampaignError("ends_at", _("Enter when the campaign ends."), "required")
    if ends_at <= starts_at:
        raise CampaignError("ends_at", _("The end must come after the start."))
    try:
        retention = int(retention_days)
    except (TypeError, ValueError):
        retention = 0
    if not 1 <= retention <= 3650:
        raise CampaignError("retention_days", _("Keep personal data between 1 and 3650 days."))
    unit_list = list({unit.pk: unit for unit in units or []}.values())
    if not unit_list:
        raise CampaignError("units", _("Choose the units of the campaign."), "required")
    for unit in unit_list:
        if not in_scope(user, unit.path, MANAGE):
            raise CampaignError("units", _("%(unit)s is outside your jurisdiction.") % {"unit": unit})
    org_path = common_ancestor(unit.path for unit in unit_list)
    if not org_path:
        raise CampaignError("units", _("The units must lie in one district."))
    tags = [
        int(t)
        for t in targeting.check_target(
            target_mode, target_tags, target_min_age, target_max_age, target_residence_types
        )
    ]
    filtered = target_mode == TargetMode.FILTER
    campaign = Campaign.objects.create(
        name=name,
        kind=kind,
        description=(description or "").strip(),
        org_path=org_path,
        target_mode=target_mode,
        target_tags=tags if filtered else [],
        target_min_age=target_min_age if filtered else None,
        target_max_age=target_max_age if filtered else None,
        target_residence_types=list(target_residence_types or []) if filtered else [],
        starts_at=starts_at,
        ends_at=ends_at,
        retention_days=retention,
        created_by=user,
    )
    campaign.units.set(unit_list)
    record(
        "campaigns.create",
        actor=user,
        target=campaign,
        details={"kind": kind, "units": [u.code for u in unit_list], "target": target_mode},
    )
    return campaign


def grid_workers(grid_ids: Iterable[int]) -> dict[int, list[int]]:
    """The active grid workers of each grid (user ids, in id order), in one query."""
    workers: dict[int, list[int]] = defaultdict(list)
    rows = (
        _workers()
        .filter(org_unit_id__in=list(grid_ids))
        .order_by("org_unit_id", "user_id")
        .values_list("org_unit_id", "user_id")
    )
    for grid, user in rows:
        workers[grid].append(user)
    return workers


def _workers():
    """The memberships that make a user a worker of a grid (the assignees of its targets)."""
    return Membership.objects.filter(role=Role.GRID_WORKER, user__is_active=True)


def _sql(queryset) -> tuple[str, tuple]:
    """A queryset's SQL and parameters, to wrap in the start's statements: the SQL built here
    only adds table names from the models and fixed text; every value stays a parameter."""
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _households_sql(campaign: Campaign, paths: list[str]) -> tuple[str, tuple]:
    """The targeted households as rows (t_hh, t_grid, t_path, t_persons): targeting's query,
    selected under column names of our own so the INSERT can wrap it."""
    if campaign.target_mode == TargetMode.FILTER:
        persons, params = _sql(
            targeting.matching_persons(campaign, paths)
            .order_by()
            .values(
                t_hh=F("household_id"),
                t_grid=F("household__grid_id"),
                t_path=F("household__org_path"),
                t_pid=F("pk"),
            )
        )
        # The household's matching members, in id order: a JSON aggregate used as a window
        # function over the household's rows in id order (the only way to fix the order on
        # SQLite < 3.44), keeping one row per household.
        aggregate = "jsonb_agg" if connection.vendor == "postgresql" else "json_group_array"
        sql = (
            "SELECT f.t_hh, f.t_grid, f.t_path, f.t_persons FROM ("  # noqa: S608 (see _sql)
            " SELECT g.t_hh, g.t_grid, g.t_path,"
            f" {aggregate}(g.t_pid) OVER (PARTITION BY g.t_hh ORDER BY g.t_pid"
            "  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS t_persons,"
            " ROW_NUMBER() OVER (PARTITION BY g.t_hh ORDER BY g.t_pid) AS t_first"
            f" FROM ({persons}) g"
            ") f WHERE f.t_first = 1"
        )
        return sql, params
    rows: QuerySet[Any, Any]
    if campaign.target_mode == TargetMode.LIST:
        rows = ListEntry.objects.filter(
            path_filter("household__org_path", paths), campaign=campaign, household__is_active=True
        ).values(t_hh=F("household_id"), t_grid=F("household__grid_id"), t_path=F("household__org_path"))
    else:
        rows = Household.objects.filter(path_filter("org_path", paths), is_active=True).values(
            t_hh=F("pk"), t_grid=F("grid_id"), t_path=F("org_path")
        )
    sql, params = _sql(rows.order_by())
    empty = "'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'"
    return f"SELECT h.t_hh, h.t_grid, h.t_path, {empty} AS t_persons FROM ({sql}) h", params  # noqa: S608


def _insert_targets(campaign: Campaign) -> int:
    """INSERT … SELECT of the targets: each household of a grid numbered in household-id order,
    number n going to the grid's worker n mod (its workers), the workers in user-id order (the
    round robin the targets' path order gave); no worker, no assignee. Returns the row count."""
    paths = targeting.scope_paths(campaign)
    if not paths:
        return 0
    households, household_params = _households_sql(campaign, paths)
    workers, worker_params = _sql(_workers().order_by().values(w_grid=F("org_unit_id"), w_user=F("user_id")))
    target = Target._meta.db_table
    sql = (
        f"INSERT INTO {target} (campaign_id, household_id, grid_id, org_path, assignee_id, person_ids,"  # noqa: S608
        " outcome, answers, note, has_exception, attempts, result_at, result_by_id)"
        " SELECT %s, s.t_hh, s.t_grid, s.t_path, w.w_user, s.t_persons, %s, NULL, '', %s, 0, NULL, NULL"
        " FROM (SELECT src.t_hh, src.t_grid, src.t_path, src.t_persons,"
        "  ROW_NUMBER() OVER (PARTITION BY src.t_grid ORDER BY src.t_hh) - 1 AS t_n"
        f"  FROM ({households}) src) s"
        " LEFT JOIN (SELECT ws.w_grid, ws.w_user,"
        "  ROW_NUMBER() OVER (PARTITION BY ws.w_grid ORDER BY ws.w_user) - 1 AS w_n,"
        "  COUNT(*) OVER (PARTITION BY ws.w_grid) AS w_count"
        f"  FROM ({workers}) ws) w ON w.w_grid = s.t_grid AND w.w_n = s.t_n %% w.w_count"
        " ORDER BY s.t_path, s.t_hh"
    )
    params = (campaign.pk, Outcome.PENDING.value, False, *household_params, *worker_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _insert_progress(campaign: Campaign) -> int:
    """One GridProgress per grid with its total, from a GROUP BY over the targets just made."""
    progress, target = GridProgress._meta.db_table, Target._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {progress} (campaign_id, grid_id, org_path, total, done, not_home, refused,"  # noqa: S608
            " moved, exceptions, updated_at)"
            f" SELECT %s, grid_id, MIN(org_path), COUNT(*), 0, 0, 0, 0, 0, %s FROM {target}"
            " WHERE campaign_id = %s GROUP BY grid_id ORDER BY MIN(org_path), grid_id",
            (campaign.pk, now, campaign.pk),
        )
        return cursor.rowcount


@atomic_action
def start_campaign(user, campaign: Campaign) -> int:
    """Start a draft campaign: one Target per targeted household (assigned to a grid worker of
    its grid, round robin by household when the grid has several), one GridProgress per grid
    with its total. Returns how many households are targeted.

    Set-based (a district's 0.4 M targets in seconds): one INSERT … SELECT of the targets with
    their assignees, one INSERT … SELECT … GROUP BY of the progress rows, one count."""
    require(user, MANAGE, campaign.org_path, action="campaigns.start")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise CampaignError("status", _("Only a draft campaign can be started."))
    if not Question.objects.filter(campaign=campaign).exists():
        raise CampaignError("questions", _("Add at least one question to the checklist."), "required")
    if campaign.target_mode == TargetMode.FILTER:
        targeting.check_target(
            campaign.target_mode,
            campaign.target_tags,
            campaign.target_min_age,
            campaign.target_max_age,
            campaign.target_residence_types,
        )
    count = _insert_targets(campaign)
    grids = _insert_progress(campaign) if count else 0
    unassigned = Target.objects.filter(campaign=campaign, assignee__isnull=True).count() if count else 0
    campaign.status = CampaignStatus.ACTIVE
    campaign.started_at = timezone.now()
    campaign.save(update_fields=["status", "started_at"])
    record(
        "campaigns.start",
        actor=user,
        target=campaign,
        details={"targets": count, "grids": grids, "unassigned": unassigned},
    )
    return count


@atomic_action
def end_campaign(user, campaign: Campaign) -> Campaign:
    """End an active campaign: no more results; the retention period starts now."""
    require(user, MANAGE, campaign.org_path, action="campaigns.end")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignError("status", _("Only an active campaign can be ended."))
    campaign.status = CampaignStatus.ENDED
    campaign.ended_at = timezone.now()
    campaign.save(update_fields=["status", "ended_at"])
    record("campaigns.end", actor=user, target=campaign, details={"targets": campaign.targets.count()})
    return campaign


@atomic_action
def reassign(user, target: Target, assignee) -> Target:
    """Give a target to another worker of its grid (a worker ill, a grid short of hands)."""
    require(user, MANAGE, target.org_path, action="campaigns.reassign")
    if assignee is not None and not (
        isinstance(assignee, get_user_model())
        and Membership.objects.filter(
            user=assignee, role=Role.GRID_WORKER, org_unit_id=target.grid_id
        ).exists()
    ):
        raise CampaignError("assignee", _("Choose a worker of this grid."))
    target.assignee = assignee
    target.save(update_fields=["assignee"])
    record(
        "campaigns.reassign", actor=user, target=target, details={"assignee": getattr(assignee, "pk", None)}
    )
    return target
