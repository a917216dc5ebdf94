"""The time-limit monitor: flag cases yellow (warning) and red (overdue), tell people, escalate.

The flagging is set-based: one UPDATE per colour whose WHERE repeats the condition it is
flagging for (state, the indexed time column, and the alert it expects to find). That is the
compare-and-swap of the sweep: a workflow action that restarted the stage meanwhile, or another
sweep that got there first, leaves a row that no longer matches, so it is neither changed nor
reported twice. The rows actually changed come back from the same statement (RETURNING), and
only those get a timeline entry, notifications and, where the category asks, an escalation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases import notify
from gridgov.cases.errors import WorkflowError
from gridgov.cases.models import Alert, Case, State, TimelineEntry
from gridgov.cases.states import OPEN_STATES, TRANSITIONS
from gridgov.geo.models import Level

logger = logging.getLogger(__name__)

# Deadlines do not run while a case is suspended (resuming moves them), so it is never flagged.
SWEPT_STATES = sorted(OPEN_STATES - {State.SUSPENDED})
ESCALATABLE_STATES = sorted(TRANSITIONS["escalate"].sources)
BATCH_SIZE = 1000


@dataclass
class SweepResult:
    at: datetime
    warned: list[int] = field(default_factory=list)  # ids of the cases turned yellow
    overdue: list[int] = field(default_factory=list)  # ids of the cases turned red
    escalated: list[int] = field(default_factory=list)
    escalation_failed: list[int] = field(default_factory=list)
    notifications: int = 0

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M:%S}: {len(self.warned)} warned, {len(self.overdue)} overdue, "
            f"{len(self.escalated)} escalated ({len(self.escalation_failed)} failed), "
            f"{self.notifications} notifications"
        )


def sweep_deadlines(now: datetime | None = None) -> SweepResult:
    """Flag the cases whose warning time or deadline has passed by `now` (default: the current time).

    Overdue first, so a case that passed both since the last sweep is reported once, as
    overdue. Flags, timeline entries and inbox rows commit together; e-mail and automatic
    escalations follow the commit. Safe to run concurrently and repeatedly.
    """
    now = now or timezone.now()
    result = SweepResult(at=now)
    with transaction.atomic():
        overdue = _update_returning(
            Case.objects.filter(
                state__in=SWEPT_STATES, deadline__lte=now, alert__in=[Alert.NONE, Alert.YELLOW]
            ),
            ("id", "state", "stage"),
            alert=Alert.RED,
            overdue_count=F("overdue_count") + 1,
        )
        warned = _update_returning(
            Case.objects.filter(state__in=SWEPT_STATES, warn_at__lte=now, alert=Alert.NONE),
            ("id", "state", "stage"),
            alert=Alert.YELLOW,
        )
        _write_timeline(overdue, "overdue", now)
        _write_timeline(warned, "warning", now)
        result.overdue = [row[0] for row in overdue]
        result.warned = [row[0] for row in warned]
        result.notifications = notify.alert_cases(result.overdue, "overdue", at=now) + notify.alert_cases(
            result.warned, "warning", at=now
        )
    result.escalated, result.escalation_failed = _escalate(result.overdue)
    if result.overdue or result.warned:
        logger.info("Deadline sweep %s", result)
    return result


def _update_returning(queryset: QuerySet, columns: Sequence[str], **values: Any) -> list[tuple]:
    """`queryset.update(**values)` that also returns `columns` of the rows it changed.

    PostgreSQL and SQLite (3.35+) answer in the same statement (UPDATE … RETURNING). Elsewhere
    the rows are locked and read first, then updated by primary key.
    """
    connection = connections[queryset.db]
    # The SQLite release that brought INSERT … RETURNING brought UPDATE … RETURNING too.
    if connection.vendor in ("postgresql", "sqlite") and connection.features.can_return_columns_from_insert:
        query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))  # chain() is typed as returning Query
        query.add_update_values(values)
        sql, params = query.get_compiler(queryset.db).as_sql()
        returning = ", ".join(
            connection.ops.quote_name(queryset.model._meta.get_field(name).column) for name in columns
        )
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} RETURNING {returning}", params)
            return [tuple(row) for row in cursor.fetchall()]
    with transaction.atomic(using=queryset.db):
        rows = list(queryset.select_for_update().values_list(*columns))
        for start in range(0, len(rows), BATCH_SIZE):
            pks = [row[0] for row in rows[start : start + BATCH_SIZE]]
            queryset.filter(pk__in=pks).update(**values)
        return rows


def _write_timeline(rows: list[tuple], action: str, now: datetime) -> None:
    TimelineEntry.objects.bulk_create(
        (
            TimelineEntry(
                case_id=case_id,
                at=now,
                actor=None,
                action=action,
                from_state=state,
                to_state=state,
                details={"stage": stage},
            )
            for case_id, state, stage in rows
        ),
        batch_size=BATCH_SIZE,
    )


def _escalate(overdue_ids: list[int]) -> tuple[list[int], list[int]]:
    """Escalate the overdue cases whose category says so, through the workflow, as the system."""
    # Imported here: the workflow imports notify, which this module imports too.
    from gridgov.cases.workflow import act_as_system

    due: list[int] = []
    for start in range(0, len(overdue_ids), BATCH_SIZE):
        due += Case.objects.filter(
            pk__in=overdue_ids[start : start + BATCH_SIZE],
            category__auto_escalate=True,
            state__in=ESCALATABLE_STATES,
            level__gt=Level.DISTRICT,
        ).values_list("pk", flat=True)
    if not due:
        return [], []
    reason = _("Overdue: escalated automatically to the next level.")
    escalated: list[int] = []
    failed: list[int] = []
    for case_id in due:
        try:
            act_as_system(case_id, "escalate", reason=reason)
        except WorkflowError as error:
            # Changed meanwhile (accepted, escalated by hand …): the workflow said no, nothing changed.
            logger.warning("Automatic escalation of case %s failed: %s", case_id, error)
            failed.append(case_id)
        else:
            escalated.append(case_id)
    return escalated, failed
