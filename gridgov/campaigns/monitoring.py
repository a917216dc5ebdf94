"""Home health monitoring (健康监测): status changes approved by a second person, daily
check-ins, alerts (fever, positive test, missed check-in) and help requests of sealed households.

A person's monitoring is created, changed and released only by approving a MonitoringChange
that somebody else proposed; the database refuses the proposer as the decider too. Audit
entries name records and kinds, never temperatures or symptoms: the audit log outlives the
purge of the campaign's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.access.scope import in_scope
from gridgov.audit.log import record
from gridgov.campaigns.errors import ALL, CampaignDenied, CampaignError
from gridgov.campaigns.models import (
    AlertKind,
    Campaign,
    CampaignStatus,
    ChangeAction,
    ChangeState,
    DailyCount,
    HealthCheckIn,
    HelpKind,
    HelpRequest,
    Monitoring,
    MonitoringAlert,
    MonitoringChange,
    MonitoringKind,
    TestResult,
)
from gridgov.campaigns.rights import APPROVE, MONITOR, WORK, atomic_action, require
from gridgov.geo.models import OrgUnit
from gridgov.patrol.assignments import create_task
from gridgov.people.models import Person, PersonStatus
from gridgov.residents.accounts import profile_of

MIN_TEMPERATURE = Decimal("34.0")
MAX_TEMPERATURE = Decimal("43.0")
FEVER_FROM = Decimal("37.3")
# How far in the future a check-in's time may lie (clocks of phones drift).
CLOCK_SKEW = timedelta(minutes=10)
TASK_ASSIGNING = "patrol.assign_tasks"
# Who takes a help request's task, in order of preference: the grid's workers, then its chief.
TASK_ROLES = (Role.GRID_WORKER, Role.GRID_CHIEF)

# The fixed list of symptoms a check-in may report, in display order.
SYMPTOMS: dict[str, Promise] = {
    "fever": gettext_lazy("Fever"),
    "cough": gettext_lazy("Cough"),
    "sore_throat": gettext_lazy("Sore throat"),
    "fatigue": gettext_lazy("Fatigue"),
    "taste_smell": gettext_lazy("Loss of taste or smell"),
    "breath": gettext_lazy("Shortness of breath"),
    "other": gettext_lazy("Other symptom (say which in the note)"),
}


def mask_name(name: str) -> str:
    """乌兰巴特尔 → 乌****: the family name only, as lists of monitored persons show it."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else "—"


def _in(path: str, top: str) -> bool:
    return path == top or path.startswith(top + ".")


# Status changes (two persons) -------------------------------------------------------------


def _open_monitoring(campaign: Campaign, person: Person) -> Monitoring | None:
    return Monitoring.objects.filter(campaign=campaign, person=person, released_at__isnull=True).first()


def _check_period(kind, starts_on, ends_on) -> None:
    if kind not in MonitoringKind.values:
        raise CampaignError("kind", _("Choose the kind of monitoring."), "required")
    if starts_on is None:
        raise CampaignError("starts_on", _("Enter the first day."), "required")
    if ends_on is None:
        raise CampaignError("ends_on", _("Enter the last day."), "required")
    if ends_on < starts_on:
        raise CampaignError("ends_on", _("The last day must not be before the first."))


@atomic_action
def propose_change(
    user,
    *,
    campaign: Campaign,
    person: Person,
    action: str,
    kind: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reason: str,
    monitoring: Monitoring | None = None,
) -> MonitoringChange:
    """Propose to place a person under monitoring, change its kind or period, or release them.

    Raises CampaignDenied without campaigns.monitor over the person; CampaignError when the
    campaign is not running, the person is outside it, the reason is missing, the person is
    already monitored (PLACE) or not (CHANGE, RELEASE), or the period is invalid.
    """
    require(user, MONITOR, person.org_path, action="campaigns.monitoring.propose")
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignError("campaign", _("The campaign is not running."))
    if not _in(person.org_path, campaign.org_path):
        raise CampaignError("person", _("This person lives outside the campaign's area."))
    if action not in ChangeAction.values:
        raise CampaignError("action", _("Choose what to change."), "required")
    reason = (reason or "").strip()
    if not reason:
        raise CampaignError("reason", _("Give the reason."), "required")
    current = _open_monitoring(campaign, person)
    if action == ChangeAction.PLACE:
        if current is not None:
            raise CampaignError("person", _("This person is already under monitoring."), "exists")
        if person.status != PersonStatus.ACTIVE:
            raise CampaignError("person", _("This person no longer lives here."))
        pending = MonitoringChange.objects.filter(
            campaign=campaign, person=person, action=ChangeAction.PLACE, state=ChangeState.PENDING
        )
        if pending.exists():
            raise CampaignError(
                "person", _("A proposal to monitor this person waits for approval."), "exists"
            )
        _check_period(kind, starts_on, ends_on)
        monitoring = None
    else:
        if current is None or (monitoring is not None and monitoring.pk != current.pk):
            raise CampaignError("monitoring", _("This person is not under monitoring."))
        monitoring = current
        if action == ChangeAction.CHANGE:
            if not kind and starts_on is None and ends_on is None:
                raise CampaignError("kind", _("Change the kind or the period."), "required")
            _check_period(kind or current.kind, starts_on or current.starts_on, ends_on or current.ends_on)
        else:
            kind, starts_on, ends_on = None, None, None
    change = MonitoringChange.objects.create(
        campaign=campaign,
        person=person,
        monitoring=monitoring,
        action=action,
        kind=kind or "",
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason[:200],
        org_path=person.org_path,
        proposed_by=user,
    )
    record("campaigns.monitoring.propose", actor=user, target=change, details={"action": action})
    return change


def _refuse_own(user, change: MonitoringChange, action: str) -> None:
    if change.proposed_by_id == user.pk:
        raise CampaignDenied(
            _("You proposed this change: another person must decide on it."),
            actor=user,
            action=action,
            details={"change": change.pk, "reason": "second_person"},
        )


def _decide(user, change: MonitoringChange, state: str, note: str = "") -> None:
    """Compare-and-swap the change out of PENDING; raises CampaignError if it was decided meanwhile."""
    moved = MonitoringChange.objects.filter(pk=change.pk, state=ChangeState.PENDING).update(
        state=state, decided_by=user, decided_at=timezone.now(), decision_note=note[:200]
    )
    if not moved:
        raise CampaignError(ALL, _("This change has already been decided."), "conflict")


def _apply(change: MonitoringChange) -> Monitoring:
    if change.action == ChangeAction.PLACE:
        assert change.starts_on is not None and change.ends_on is not None  # checked when proposed
        person = Person.objects.get(pk=change.person_id)
        if _open_monitoring(change.campaign, person) is not None:
            raise CampaignError("person", _("This person is already under monitoring."), "exists")
        monitoring = Monitoring.objects.create(
            campaign=change.campaign,
            person=person,
            household=person.household,
            grid=person.grid,
            org_path=person.org_path,
            kind=change.kind,
            starts_on=change.starts_on,
            ends_on=change.ends_on,
        )
        MonitoringChange.objects.filter(pk=change.pk).update(monitoring=monitoring)
        return monitoring
    locked = Monitoring.objects.select_for_update().filter(pk=change.monitoring_id or 0).first()
    if locked is None or locked.released_at is not None:
        raise CampaignError("monitoring", _("This person is no longer under monitoring."), "conflict")
    monitoring = locked
    if change.action == ChangeAction.RELEASE:
        monitoring.released_at = timezone.now()
        monitoring.save(update_fields=["released_at"])
        return monitoring
    monitoring.kind = change.kind or monitoring.kind
    monitoring.starts_on = change.starts_on or monitoring.starts_on
    monitoring.ends_on = change.ends_on or monitoring.ends_on
    _check_period(monitoring.kind, monitoring.starts_on, monitoring.ends_on)
    monitoring.save(update_fields=["kind", "starts_on", "ends_on"])
    return monitoring


@atomic_action
def approve_change(user, change: MonitoringChange) -> Monitoring:
    """Approve a pending change proposed by someone else and apply it; returns the monitoring.

    Raises CampaignDenied without campaigns.approve over the person, or when `user` proposed
    the change; CampaignError when it was decided meanwhile or no longer applies.
    """
    require(user, APPROVE, change.org_path, action="campaigns.monitoring.approve")
    _refuse_own(user, change, "campaigns.monitoring.approve")
    if change.action != ChangeAction.RELEASE and change.campaign.status != CampaignStatus.ACTIVE:
        raise CampaignError("campaign", _("The campaign is not running."))
    _decide(user, change, ChangeState.APPROVED)
    monitoring = _apply(change)
    change.refresh_from_db()
    record(
        "campaigns.monitoring.approve",
        actor=user,
        target=change,
        details={"action": change.action, "monitoring": monitoring.pk},
    )
    return monitoring


@atomic_action
def reject_change(user, change: MonitoringChange, note: str) -> MonitoringChange:
    """Reject a pending change with a note. Same refusals as approve_change; the note is required."""
    require(user, APPROVE, change.org_path, action="campaigns.monitoring.reject")
    _refuse_own(user, change, "campaigns.monitoring.reject")
    note = (note or "").strip()
    if not note:
        raise CampaignError("note", _("Say why the change is rejected."), "required")
    _decide(user, change, ChangeState.REJECTED, note)
    change.refresh_from_db()
    record("campaigns.monitoring.reject", actor=user, target=change, details={"action": change.action})
    return change


# Check-ins and alerts -------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInValues:
    temperature: Decimal
    symptoms: list[str]
    test_result: str
    note: str


def clean_checkin(temperature, symptoms, test_result, note) -> CheckInValues:
    """Validate a check-in's fields; raises CampaignError naming the first bad field."""
    try:
        value = Decimal(str(temperature).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise CampaignError("temperature", _("Enter the temperature in °C, e.g. 36.5."), "required") from None
    if not value.is_finite() or not MIN_TEMPERATURE <= value <= MAX_TEMPERATURE:
        raise CampaignError(
            "temperature",
            _("The temperature must lie between %(low)s and %(high)s °C.")
            % {"low": MIN_TEMPERATURE, "high": MAX_TEMPERATURE},
        )
    value = value.quantize(Decimal("0.1"))
    if isinstance(symptoms, str) or not isinstance(symptoms, list | tuple | set | frozenset):
        raise CampaignError("symptoms", _("Choose symptoms from the list."))
    unknown = [s for s in symptoms if s not in SYMPTOMS]
    if unknown:
        raise CampaignError("symptoms", _("Unknown symptom: %(code)s.") % {"code": str(unknown[0])[:30]})
    chosen = [code for code in SYMPTOMS if code in symptoms]
    if test_result is None:
        test_result = ""
    if test_result not in TestResult.values:
        raise CampaignError("test_result", _("Choose a test result from the list."))
    note = (note or "").strip()
    if len(note) > 200:
        raise CampaignError("note", _("The note is too long (at most 200 characters)."))
    if "other" in chosen and not note:
        raise CampaignError("note", _("Say which other symptom."), "required")
    return CheckInValues(value, chosen, test_result, note)


def _check_running(monitoring: Monitoring) -> None:
    if monitoring.released_at is not None:
        raise CampaignError(ALL, _("This person is no longer under monitoring."), "conflict")
    if monitoring.campaign.status != CampaignStatus.ACTIVE:
        raise CampaignError("campaign", _("The campaign is not running."))


def is_own_monitoring(user, monitoring: Monitoring) -> bool:
    """Whether `user` is the resident bound to the monitored person."""
    profile = profile_of(user)
    return profile is not None and profile.person_id is not None and profile.person_id == monitoring.person_id


def bump_daily(campaign_id: int, grid_id: int, org_path: str, day: date, **increments: int) -> None:
    """Add to the counters of a grid's day (the row is created on first use)."""
    DailyCount.objects.get_or_create(
        campaign_id=campaign_id, grid_id=grid_id, day=day, defaults={"org_path": org_path}
    )
    DailyCount.objects.filter(campaign_id=campaign_id, grid_id=grid_id, day=day).update(
        **{field: F(field) + amount for field, amount in increments.items()}
    )


def _raise_alert(monitoring: Monitoring, kind: str, day: date) -> bool:
    _alert, created = MonitoringAlert.objects.get_or_create(
        monitoring=monitoring, kind=kind, day=day, defaults={"org_path": monitoring.org_path}
    )
    return created


@atomic_action
def record_checkin(
    user,
    monitoring: Monitoring,
    *,
    temperature,
    symptoms,
    test_result,
    note: str = "",
    at: datetime,
    by_self: bool = False,
) -> HealthCheckIn:
    """Record a daily check-in by a worker (campaigns.work over the person) or, with
    `by_self`, by the monitored resident; raises FEVER (≥ 37.3 °C) and POSITIVE alerts.

    Raises CampaignDenied when the user may not; CampaignError for a bad field, a released
    monitoring, or a time outside the monitoring period or in the future.
    """
    action = "campaigns.monitoring.checkin"
    if by_self:
        if not is_own_monitoring(user, monitoring):
            raise CampaignDenied(
                _("You may not do this here."), actor=user, action=action, details={"self": True}
            )
    else:
        require(user, WORK, monitoring.org_path, action=action)
    _check_running(monitoring)
    if at is None or timezone.is_naive(at):
        raise CampaignError("at", _("Enter the time."), "required")
    if at > timezone.now() + CLOCK_SKEW:
        raise CampaignError("at", _("The time lies in the future."))
    day = timezone.localdate(at)
    if not monitoring.starts_on <= day <= monitoring.ends_on:
        raise CampaignError("at", _("The day lies outside the monitoring period."))
    values = clean_checkin(temperature, symptoms, test_result, note)
    checkin = HealthCheckIn.objects.create(
        monitoring=monitoring,
        day=day,
        at=at,
        temperature=values.temperature,
        symptoms=values.symptoms,
        test_result=values.test_result,
        note=values.note,
        by_user=user,
        by_self=by_self,
    )
    alerts = []
    if values.temperature >= FEVER_FROM and _raise_alert(monitoring, AlertKind.FEVER, day):
        alerts.append(AlertKind.FEVER.value)
    if values.test_result == TestResult.POSITIVE and _raise_alert(monitoring, AlertKind.POSITIVE, day):
        alerts.append(AlertKind.POSITIVE.value)
    bump_daily(monitoring.campaign_id, monitoring.grid_id, monitoring.org_path, day, checkins=1)
    record(
        action,
        actor=user,
        target=monitoring,
        details={"checkin": checkin.pk, "self": by_self, "alerts": len(alerts)},
    )
    return checkin


def active_on(day: date) -> QuerySet[Monitoring]:
    """Monitorings of running campaigns in force on `day` (not released before the day's end)."""
    return Monitoring.objects.filter(
        campaign__status=CampaignStatus.ACTIVE, starts_on__lte=day, ends_on__gte=day
    ).filter(Q(released_at__isnull=True) | Q(released_at__date__gt=day))


@transaction.atomic
def raise_missed_alerts(day: date) -> int:
    """Raise a MISSED alert for every monitoring active on `day` without a check-in that day, and
    set the day's monitored / missed_checkins counts per grid. Idempotent: a rerun raises
    nothing new and sets the same counts. Returns the number of alerts raised."""
    active = active_on(day)
    checked = HealthCheckIn.objects.filter(day=day).values("monitoring_id")
    missing = list(active.exclude(pk__in=checked).values_list("pk", "org_path"))
    alerts = [
        MonitoringAlert(monitoring_id=pk, kind=AlertKind.MISSED, day=day, org_path=path)
        for pk, path in missing
    ]
    before = MonitoringAlert.objects.filter(kind=AlertKind.MISSED, day=day).count()
    MonitoringAlert.objects.bulk_create(alerts, ignore_conflicts=True, batch_size=500)
    raised = MonitoringAlert.objects.filter(kind=AlertKind.MISSED, day=day).count() - before
    missed_pks = {pk for pk, _path in missing}
    per_grid: dict[tuple[int, int], dict] = {}
    for pk, campaign_id, grid_id, path in active.values_list("pk", "campaign_id", "grid_id", "org_path"):
        row = per_grid.setdefault((campaign_id, grid_id), {"org_path": path, "monitored": 0, "missed": 0})
        row["monitored"] += 1
        row["missed"] += pk in missed_pks
    # Grids counted by an earlier run that have nobody active now go back to zero.
    DailyCount.objects.filter(day=day, campaign__status=CampaignStatus.ACTIVE).filter(
        Q(monitored__gt=0) | Q(missed_checkins__gt=0)
    ).update(monitored=0, missed_checkins=0)
    for (campaign_id, grid_id), row in per_grid.items():
        DailyCount.objects.get_or_create(
            campaign_id=campaign_id, grid_id=grid_id, day=day, defaults={"org_path": row["org_path"]}
        )
        DailyCount.objects.filter(campaign_id=campaign_id, grid_id=grid_id, day=day).update(
            monitored=row["monitored"], missed_checkins=row["missed"]
        )
    record(
        "campaigns.monitoring.missed",
        details={
            "day": day.isoformat(),
            "raised": raised,
            "monitored": sum(r["monitored"] for r in per_grid.values()),
        },
    )
    return raised


@atomic_action
def resolve_alert(user, alert: MonitoringAlert) -> MonitoringAlert:
    """Mark an alert handled. Raises CampaignDenied without campaigns.monitor over it;
    CampaignError when it was resolved already."""
    require(user, MONITOR, alert.org_path, action="campaigns.monitoring.resolve")
    moved = MonitoringAlert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
    if not moved:
        raise CampaignError(ALL, _("This alert has already been resolved."), "conflict")
    alert.refresh_from_db()
    record("campaigns.monitoring.resolve", actor=user, target=alert, details={"kind": alert.kind})
    return alert


# Help requests ---------------------------------------------------------------------------


def task_taker(grid: OrgUnit):
    """The worker who takes a help request's task: the grid's first worker, else its chief."""
    users = get_user_model().objects.filter(is_active=True)
    for role in TASK_ROLES:
        member = (
            Membership.objects.filter(role=role, org_unit=grid, user__in=users)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if member is not None:
            return member.user
    return None


@atomic_action
def request_help(user, monitoring: Monitoring, *, kind: str, text: str) -> HelpRequest:
    """Record a supply or help request of a monitored household and give its grid a patrol task.

    The task says only that a sealed household needs something and points to the request: it
    outlives the campaign's purge, so it carries no health detail. Raises CampaignDenied without
    campaigns.monitor and patrol.assign_tasks over the household; CampaignError for a bad kind,
    a missing text, a released monitoring or a grid without workers.
    """
    action = "campaigns.monitoring.help"
    require(user, MONITOR, monitoring.org_path, action=action)
    if not in_scope(user, monitoring.grid.path, TASK_ASSIGNING):
        raise CampaignDenied(
            _("You may not assign tasks in this grid."),
            actor=user,
            action=action,
            details={"permission": TASK_ASSIGNING, "path": monitoring.org_path},
        )
    _check_running(monitoring)
    if kind not in HelpKind.values:
        raise CampaignError("kind", _("Choose what is needed."), "required")
    text = (text or "").strip()
    if not text:
        raise CampaignError("text", _("Say what is needed."), "required")
    if len(text) > 200:
        raise CampaignError("text", _("The request is too long (at most 200 characters)."))
    assignee = task_taker(monitoring.grid)
    if assignee is None:
        raise CampaignError(ALL, _("This grid has no worker to take the task."))
    help_request = HelpRequest.objects.create(
        monitoring=monitoring, kind=kind, text=text, org_path=monitoring.org_path, by_user=user
    )
    task = create_task(
        user,
        title=_("Supplies for a sealed household"),
        assignee=assignee,
        due_on=timezone.localdate(),
        grid=monitoring.grid,
        household=monitoring.household,
        details=_("See help request %(number)s of the campaign “%(campaign)s”.")
        % {"number": help_request.pk, "campaign": monitoring.campaign.name},
    )
    HelpRequest.objects.filter(pk=help_request.pk).update(task=task)
    help_request.task = task
    record(action, actor=user, target=help_request, details={"kind": kind, "task": task.pk})
    return help_request
