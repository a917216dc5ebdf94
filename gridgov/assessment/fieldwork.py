"""The base querysets of the three field-work indicators, shared by the figures (compute), the
lists behind them (drilldown) and the snapshots, so that a figure and its list cannot drift apart.

Every function narrows to `area` (None: the whole installation) and, for periods, to the period's
local moments [start, end). The models are imported inside the functions: patrol, people and
campaigns import the case layer, which must not import the assessment back at load time.
"""

from __future__ import annotations

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast

from gridgov.access.scope import path_filter
from gridgov.assessment.periods import Period
from gridgov.geo.models import OrgUnit

# The audit actions of people.services that change a person record (docs/assessment.md).
PERSON_ACTIONS = ("people.person.create", "people.person.update", "people.person.status")


def _in_area(area: OrgUnit | None) -> Q:
    return path_filter("org_path", [area.path]) if area is not None else Q()


def visits_in(period: Period, area: OrgUnit | None) -> QuerySet:
    """Household visits of the period (of the area)."""
    from gridgov.patrol.models import Visit

    start, end = period.moments()
    return Visit.objects.filter(_in_area(area), visited_at__gte=start, visited_at__lt=end)


def worker_visits_in(period: Period, worker_ids: list[int]) -> QuerySet:
    """Visits of the period made by the workers, wherever they were made (a worker is credited
    with every household they visited)."""
    from gridgov.patrol.models import Visit

    start, end = period.moments()
    return Visit.objects.filter(worker_id__in=worker_ids, visited_at__gte=start, visited_at__lt=end)


def active_households(area: OrgUnit | None) -> QuerySet:
    from gridgov.people.models import Household

    return Household.objects.filter(_in_area(area), is_active=True)


def active_persons(area: OrgUnit | None) -> QuerySet:
    from gridgov.people.models import Person, PersonStatus

    return Person.objects.filter(_in_area(area), status=PersonStatus.ACTIVE)


def person_changes(period: Period) -> QuerySet:
    """The audit entries of person records created, edited or given a new status in the period."""
    from gridgov.audit.models import AuditEntry

    start, end = period.moments()
    return AuditEntry.objects.filter(
        target_type="people.person",
        action__in=PERSON_ACTIONS,
        at__gte=start,
        at__lt=end,
        outcome="ok",
    )


def updated_persons(period: Period, area: OrgUnit | None) -> QuerySet:
    """Active persons (of the area) with a change in the period."""
    changed = (
        person_changes(period).annotate(person_id=Cast("target_id", BigIntegerField())).values("person_id")
    )
    return active_persons(area).filter(pk__in=changed)


def running_progress(period: Period, area: OrgUnit | None) -> QuerySet:
    """Campaign progress rows (one per campaign and grid) of the campaigns running in the period."""
    from gridgov.campaigns.models import GridProgress

    start, end = period.moments()
    running = Q(campaign__started_at__lt=end) & (
        Q(campaign__ended_at__isnull=True) | Q(campaign__ended_at__gte=start)
    )
    return GridProgress.objects.filter(_in_area(area), running)
