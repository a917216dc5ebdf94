"""The work queues of the case pages: which of the cases a user may see wait for that user.

Every queue narrows `workflow.visible_cases(user)` (the one scoped queryset), so a queue can
never show a case its user may not open. The narrowing follows cases.rights: a queue lists the
cases where the user holds the permission the next step needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.access.policy import roles_with
from gridgov.access.scope import has_permission, memberships_of, path_filter
from gridgov.cases.models import Alert, Case, State
from gridgov.cases.states import OPEN_STATES
from gridgov.cases.workflow import visible_cases

STAFF_PERMISSIONS = ("cases.register", "cases.dispatch", "cases.handle", "cases.verify", "cases.supervise")
OPEN = sorted(OPEN_STATES)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    tone: str = ""  # "danger" marks the overdue tab


def _paths(user, permission: str) -> list[str]:
    """The org paths of the user's unit memberships that grant `permission` (not department ones)."""
    granted = roles_with(permission)
    return sorted({m.scope_path for m in memberships_of(user) if m.role in granted and m.org_unit_id})


def _at_my_level(user, permission: str) -> Q:
    """Cases whose responsible unit is one of the units where the user holds `permission`."""
    return Q(responsible_unit__path__in=_paths(user, permission))


def _addressed_to_me(user) -> Q:
    granted = roles_with("cases.handle")
    memberships = [m for m in memberships_of(user) if m.role in granted]
    departments = sorted({m.department_id for m in memberships if m.department_id})
    units = sorted({m.scope_path for m in memberships if m.org_unit_id})
    condition = Q(handler=user)
    if departments:
        condition |= Q(department__in=departments)
    if units:
        condition |= Q(handling_unit__isnull=False) & path_filter("handling_unit__path", units)
    return condition


def overdue_condition(now: datetime) -> Q:
    """Red cases: flagged by the time-limit monitor, or past their deadline before its next sweep."""
    return Q(state__in=OPEN) & ~Q(state=State.SUSPENDED) & (Q(alert=Alert.RED) | Q(deadline__lte=now))


def _queue_filters(user) -> dict[str, Q]:
    now = timezone.now()
    return {
        "register": Q(state=State.REPORTED) & _at_my_level(user, "cases.register"),
        "dispatch": Q(state__in=[State.REGISTERED, State.RETURNED]) & _at_my_level(user, "cases.dispatch"),
        "close": Q(state=State.VERIFIED) & _at_my_level(user, "cases.close"),
        "mine": Q(state__in=OPEN) & _addressed_to_me(user),
        # Who handled on the spot does not verify it (cases.rights).
        "verify": Q(state=State.HANDLED)
        & path_filter("org_path", _paths(user, "cases.verify"))
        & ~Q(self_handled=True, handler=user),
        "overdue": overdue_condition(now),
        "supervised": Q(state__in=OPEN, supervised=True),
        "reports": Q(reporter=user),
        "all": Q(),
    }


def queues_for(user) -> list[Queue]:
    """The queues the user's permissions make meaningful, in tab order."""
    staff = any(has_permission(user, code) for code in STAFF_PERMISSIONS)
    candidates = [
        (Queue("register", _("To register")), has_permission(user, "cases.register")),
        (Queue("dispatch", _("To dispatch")), has_permission(user, "cases.dispatch")),
        (Queue("mine", _("My cases")), has_permission(user, "cases.handle")),
        (Queue("verify", _("To verify")), has_permission(user, "cases.verify")),
        (Queue("close", _("To close")), has_permission(user, "cases.close")),
        (Queue("overdue", _("Overdue"), "danger"), staff),
        (Queue("supervised", _("Supervised")), staff),
        (Queue("reports", _("My reports")), has_permission(user, "cases.report")),
        (Queue("all", _("All")), has_permission(user, "cases.view")),
    ]
    return [queue for queue, shown in candidates if shown]


def queue_cases(user, key: str) -> QuerySet[Case]:
    """The cases of queue `key` for `user` (KeyError for an unknown key)."""
    return visible_cases(user).filter(_queue_filters(user)[key])


def queue_counts(user, queues: list[Queue]) -> dict[str, int]:
    """How many cases each queue holds, in one query."""
    filters = _queue_filters(user)
    aggregates = {queue.key: Count("pk", filter=filters[queue.key]) for queue in queues}
    return visible_cases(user).aggregate(**aggregates) if aggregates else {}


@dataclass
class CaseFilter:
    """The filters and the search of a queue (all optional)."""

    state: str = ""
    category: str = ""
    unit_path: str = ""
    alert: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        if self.state:
            cases = cases.filter(state=self.state)
        if self.category:
            cases = cases.filter(category__code__startswith=self.category)
        if self.unit_path:
            cases = cases.filter(path_filter("org_path", [self.unit_path]))
        if self.alert == Alert.RED:
            cases = cases.filter(overdue_condition(timezone.now()))
        elif self.alert == Alert.YELLOW:
            now = timezone.now()
            cases = cases.filter(state__in=OPEN, deadline__gt=now).filter(
                Q(alert=Alert.YELLOW) | Q(warn_at__lte=now)
            )
        if self.date_from:
            cases = cases.filter(reported_at__gte=_day_start(self.date_from))
        if self.date_to:
            cases = cases.filter(reported_at__lt=_day_start(self.date_to, days=1))
        if self.text:
            term = self.text.strip()
            cases = cases.filter(
                Q(number__icontains=term) | Q(description__icontains=term) | Q(address__icontains=term)
            )
        return cases


def _day_start(day: date, days: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=days), time.min))
