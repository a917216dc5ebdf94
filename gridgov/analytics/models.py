"""The fact layer: one derived row per case, and daily pre-aggregated counts.

Both are derived data: `gridgov.analytics.facts.refresh_case_facts` rebuilds a case's fact from
the case and its timeline, `gridgov.analytics.daily.aggregate_days` rebuilds the daily rows (and
their roll-up per community) of the days a refresh touched. Nothing else writes them.
docs/analytics.md explains every field.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.access.models import Department
from gridgov.cases.models import Case, Category
from gridgov.geo.models import OrgUnit


def _unit(name: Any, **extra) -> models.ForeignKey:
    # No database constraint: facts are rebuilt from the cases, never the other way round.
    return models.ForeignKey(
        OrgUnit,
        verbose_name=name,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        **extra,
    )


class CaseFact(models.Model):
    """What the assessment and the cockpit need to know about one case, flattened.

    Day fields (`*_on`) are local dates (TIME_ZONE) of the event; `None` when it has not happened.
    "In time" compares the action with the stage deadline that applied just before it
    (`details.stage_deadline` of the timeline entry).
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="fact")
    # Where: the grid, its community and street (paths derivable by prefix; ids for GROUP BY).
    grid = _unit(_("grid"))
    community = _unit(_("community"), null=True)
    street = _unit(_("street"), null=True)
    org_path = models.CharField(max_length=40)
    # What and from whom.
    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    top_category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    source = models.CharField(max_length=10)
    urgency = models.CharField(max_length=10)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    reporter_is_worker = models.BooleanField(default=False)  # grid worker / grid chief of the case's grid
    department = models.ForeignKey(
        Department, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    handling_unit = _unit(_("handling unit"), null=True)
    state = models.CharField(max_length=12)
    level = models.PositiveSmallIntegerField(default=0)

    # Intake.
    reported_at = models.DateTimeField()
    reported_on = models.DateField()
    valid = models.BooleanField(default=True)  # neither rejected nor merged
    rejected = models.BooleanField(default=False)
    merged = models.BooleanField(default=False)
    registered_at = models.DateTimeField(null=True)
    registered_in_time = models.BooleanField(default=False)
    self_handled = models.BooleanField(default=False)

    # Dispatch.
    dispatched_count = models.PositiveIntegerField(default=0)
    returned_count = models.PositiveIntegerField(default=0)
    first_dispatched_at = models.DateTimeField(null=True)
    dispatched_on = models.DateField(null=True)
    dispatched_in_time = models.BooleanField(default=False)

    # Handling.
    handled_at = models.DateTimeField(null=True)  # the last result reported
    handled_on = models.DateField(null=True)
    handled_in_time = models.BooleanField(default=False)  # every result within its deadline
    handle_overdue = models.BooleanField(default=False)  # a handling stage ever ran over
    handling_seconds = models.BigIntegerField(null=True)  # first dispatch -> last result
    reworks = models.PositiveIntegerField(default=0)  # verification reopens + resident not_fixed
    reopened_after_close = models.BooleanField(default=False)  # a resident said "not fixed"

    # Closing and rating.
    closed = models.BooleanField(default=False)  # closed now (after the last close)
    closed_at = models.DateTimeField(null=True)
    closed_on = models.DateField(null=True)
    closed_in_time = models.BooleanField(default=False)  # see docs/analytics.md: the anti-gaming rule
    finished_on = models.DateField(null=True)  # closed, rejected or merged: no longer open
    rating = models.PositiveSmallIntegerField(null=True)
    rated_on = models.DateField(null=True)
    satisfied = models.BooleanField(default=False)  # rating >= 4
    overdue = models.BooleanField(default=False)  # any stage ever ran over its deadline

    # Where, for maps.
    lon = models.FloatField()
    lat = models.FloatField()
    h3_7 = models.CharField(max_length=16)
    h3_9 = models.CharField(max_length=16)

    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")
        indexes = [
            models.Index(fields=["reported_on", "grid"], name="casefact_reported_grid"),
            models.Index(fields=["reporter", "reported_on"], name="casefact_reporter_day"),
            # The cockpit's "today" reads only these indexes (index-only scans on PostgreSQL):
            # each holds its day, the measure's condition, the top category and the scope path.
            models.Index(fields=["reported_on", "top_category", "org_path"], name="casefact_reported_cat"),
            models.Index(
                fields=["closed_on", "closed", "top_category", "org_path"], name="casefact_closed_cat"
            ),
            models.Index(
                fields=["rated_on", "rating", "satisfied", "top_category", "org_path"],
                name="casefact_rated_cat",
            ),
            models.Index(fields=["dispatched_on"], name="casefact_dispatched_on"),
            models.Index(fields=["department", "dispatched_on"], name="casefact_dept_day"),
            models.Index(fields=["h3_9"], name="casefact_h3_9"),
            models.Index(fields=["org_path"], name="casefact_org_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"fact {self.case_id}"


class DailyFact(models.Model):
    """Counts of one local day for one (grid, department, top category, source).

    Each count is taken on the day of the event that defines its cohort (docs/analytics.md):
    intake counts on the reported day, dispatch and handling counts on the first dispatch day,
    closing counts on the closed day, ratings on the rated day, `open_end` at the day's end.
    """

    day = models.DateField()
    grid = _unit(_("grid"))
    community = _unit(_("community"), null=True)
    street = _unit(_("street"), null=True)
    org_path = models.CharField(max_length=40)
    department = models.ForeignKey(
        Department, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    top_category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    source = models.CharField(max_length=10)

    # On the reported day.
    reported = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    registered_in_time = models.PositiveIntegerField(default=0)
    self_handled = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)  # of that day's reports: closed by now
    reopened = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    # On the first dispatch day.
    dispatched = models.PositiveIntegerField(default=0)  # cases
    dispatched_in_time = models.PositiveIntegerField(default=0)
    dispatches = models.PositiveIntegerField(default=0)  # dispatch actions
    returned = models.PositiveIntegerField(default=0)  # return actions
    handled = models.PositiveIntegerField(default=0)
    handled_in_time = models.PositiveIntegerField(default=0)
    handle_overdue = models.PositiveIntegerField(default=0)
    handling_seconds_sum = models.BigIntegerField(default=0)
    # On the closed day.
    closed = models.PositiveIntegerField(default=0)
    closed_in_time = models.PositiveIntegerField(default=0)
    reworked = models.PositiveIntegerField(default=0)  # closed cases with a rework
    reworks = models.PositiveIntegerField(default=0)  # their rework actions
    # On the rated day.
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    # At the day's end.
    open_end = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily fact")
        verbose_name_plural = _("daily facts")
        indexes = [
            models.Index(fields=["day", "grid"], name="dailyfact_day_grid"),
            models.Index(fields=["day", "department"], name="dailyfact_day_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_id}"


class DailyCommunityFact(models.Model):
    """DailyFact summed per (day, community, top category): the cockpit's past days, ~20x fewer rows.

    `org_path` is the community's path (the grid path cut to the community level), so a scope of
    a community or any unit above it matches exactly the grids under it. Derived from DailyFact
    only, by `gridgov.analytics.rollup` (called by `daily.aggregate_days` for the days it writes).
    """

    day = models.DateField()
    org_path = models.CharField(max_length=40)
    top_category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    reported = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily community fact")
        verbose_name_plural = _("daily community facts")
        constraints = [
            models.UniqueConstraint(fields=["day", "org_path", "top_category"], name="dailycommunityfact_key")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.org_path}"


class AggregationMark(models.Model):
    """Days whose daily rows are stale: written by refreshes, consumed by aggregate_days."""

    day = models.DateField(unique=True)
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("day to aggregate")
        verbose_name_plural = _("days to aggregate")

    def __str__(self) -> str:
        return str(self.day)
