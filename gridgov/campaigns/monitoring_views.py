"""Health-monitoring pages of a campaign: the monitored persons (names masked), one person's
page with check-ins, alerts and help requests, the proposal form, the approval queue, the
alerts, and the resident's own check-in.

Thin: records come through access.scope, every read of monitored persons is audited through
campaigns.personal, and writes go through campaigns.monitoring.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.access.scope import get_for_user, has_permission, in_scope, scoped
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.campaigns import coverage, monitoring, personal
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.models import (
    Campaign,
    CampaignStatus,
    ChangeAction,
    ChangeState,
    Monitoring,
    MonitoringAlert,
    MonitoringChange,
)
from gridgov.campaigns.monitoring_forms import CheckInForm, HelpForm, ProposeForm
from gridgov.campaigns.rights import APPROVE, MONITOR, PERSONAL, VIEW, WORK
from gridgov.people.models import Person, PersonStatus
from gridgov.people.search import PersonQuery, search_persons
from gridgov.residents.accounts import profile_of
from gridgov.web.permissions import permission_required

LIST_LIMIT = 500
SEARCH_LIMIT = 20


def _visible(request, campaign: int) -> Campaign:
    """The campaign if the user follows it (coverage.visible_campaigns), else 404; a hidden one
    is recorded as a denied access."""
    found = coverage.visible_campaigns(request.user).filter(pk=campaign).first()
    if found is not None:
        return found
    hidden = Campaign.objects.filter(pk=campaign).first()
    if hidden is not None:
        record(
            "access.denied",
            request=request,
            target=hidden,
            outcome=Outcome.DENIED,
            details={"permission": VIEW},
        )
    raise Http404


def _campaign(request, campaign: int, *, what: str) -> Campaign:
    """The campaign (404 outside the user's view) whose personal data the user may read."""
    found = _visible(request, campaign)
    personal.require_readable(request.user, found, what=what, request=request)
    return found


def _denied(request, error: CampaignDenied):
    return render(request, "403.html", {"permission": PERSONAL, "message": error.message}, status=403)


def _monitoring(request, campaign: Campaign, pk: int) -> Monitoring:
    queryset = Monitoring.objects.filter(campaign=campaign).select_related(
        "person", "household", "grid", "campaign"
    )
    return get_for_user(request.user, queryset, PERSONAL, request=request, pk=pk)


def _tabs(request, campaign: Campaign, active: str) -> dict:
    user = request.user
    return {
        "campaign": campaign,
        "tab": active,
        "may_propose": has_permission(user, MONITOR) and campaign.status == CampaignStatus.ACTIVE,
        "pending_count": scoped(
            user, MonitoringChange.objects.filter(campaign=campaign, state=ChangeState.PENDING), PERSONAL
        ).count(),
        "alert_count": scoped(
            user,
            MonitoringAlert.objects.filter(monitoring__campaign=campaign, resolved_at__isnull=True),
            PERSONAL,
        ).count(),
    }


@permission_required(PERSONAL)
def monitoring_list(request, campaign: int):
    """The persons under monitoring in the campaign, names masked, with today's check-in state."""
    try:
        found = _campaign(request, campaign, what="monitorings")
        rows = personal.monitorings_for(request.user, found, request=request)
    except CampaignDenied as error:
        return _denied(request, error)
    today = timezone.localdate()
    rows = rows[:LIST_LIMIT]
    stats = {
        row["pk"]: row
        for row in Monitoring.objects.filter(pk__in=[m.pk for m in rows])
        .values("pk")
        .annotate(
            last_day=Max("checkins__day"),
            open_alerts=Count("alerts", filter=Q(alerts__resolved_at__isnull=True), distinct=True),
        )
    }
    for row in rows:
        row.masked_name = monitoring.mask_name(row.person.name)
        row.last_day = stats.get(row.pk, {}).get("last_day")
        row.open_alerts = stats.get(row.pk, {}).get("open_alerts", 0)
        row.checked_today = row.last_day == today
        row.is_open = row.released_at is None
    context = {**_tabs(request, found, "list"), "rows": rows, "today": today}
    return render(request, "campaigns/monitoring/list.html", context)


def _detail_context(request, found: Campaign, watched: Monitoring, **forms) -> dict:
    user = request.user
    path = watched.org_path
    checkins = list(watched.checkins.select_related("by_user").order_by("-at")[:60])
    alerts = list(watched.alerts.select_related("resolved_by").order_by("-day", "-pk")[:60])
    helps = list(watched.help_requests.select_related("task", "by_user")[:60])
    changes = list(watched.changes.select_related("proposed_by", "decided_by")[:60])
    personal.audited(
        user,
        found,
        what="monitoring",
        count=1,
        request=request,
        monitoring=watched.pk,
        checkins=len(checkins),
    )
    symptom_labels = monitoring.SYMPTOMS
    for checkin in checkins:
        checkin.symptom_labels = [symptom_labels[code] for code in checkin.symptoms if code in symptom_labels]
    is_open = watched.released_at is None
    return {
        **_tabs(request, found, "list"),
        "watched": watched,
        "checkins": checkins,
        "alerts": alerts,
        "helps": helps,
        "changes": changes,
        "is_open": is_open,
        "may_checkin": is_open and in_scope(user, path, WORK),
        "may_monitor": in_scope(user, path, MONITOR),
        "may_help": is_open
        and in_scope(user, path, MONITOR)
        and in_scope(user, path, monitoring.TASK_ASSIGNING),
        "checkin_form": forms.get("checkin_form") or CheckInForm(),
        "help_form": forms.get("help_form") or HelpForm(),
    }


@permission_required(PERSONAL)
def detail(request, campaign: int, pk: int):
    """One person under monitoring: full name (an audited read), check-ins, alerts, help requests."""
    try:
        found = _campaign(request, campaign, what="monitoring")
    except CampaignDenied as error:
        return _denied(request, error)
    watched = _monitoring(request, found, pk)
    return render(request, "campaigns/monitoring/detail.html", _detail_context(request, found, watched))


@require_POST
@permission_required(WORK)
def checkin(request, campaign: int, pk: int):
    try:
        found = _campaign(request, campaign, what="monitoring")
    except CampaignDenied as error:
        return _denied(request, error)
    watched = _monitoring(request, found, pk)
    form = CheckInForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            monitoring.record_checkin(
                request.user,
                watched,
                temperature=data["temperature"],
                symptoms=data["symptoms"],
                test_result=data["test_result"],
                note=data["note"],
                at=data["at"],
            )
        except CampaignError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The check-in was recorded."))
            return redirect("campaign_monitoring:detail", campaign=found.pk, pk=watched.pk)
    context = _detail_context(request, found, watched, checkin_form=form)
    return render(request, "campaigns/monitoring/detail.html", context, status=400)


@require_POST
@permission_required(MONITOR)
def help_request(request, campaign: int, pk: int):
    try:
        found = _campaign(request, campaign, what="monitoring")
    except CampaignDenied as error:
        return _denied(request, error)
    watched = _monitoring(request, found, pk)
    form = HelpForm(request.POST)
    if form.is_valid():
        try:
            monitoring.request_help(request.user, watched, **form.cleaned_data)
        except CampaignError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The request was passed to the grid as a task."))
            return redirect("campaign_monitoring:detail", campaign=found.pk, pk=watched.pk)
    context = _detail_context(request, found, watched, help_form=form)
    return render(request, "campaigns/monitoring/detail.html", context, status=400)


def _propose_target(request, found: Campaign):
    """The person (`?person=`) or the open monitoring (`?monitoring=`) a proposal is about."""
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    if source.get("monitoring"):
        watched = _monitoring(request, found, source["monitoring"])
        return watched.person, watched
    if source.get("person"):
        persons = scoped(user, found_persons(found), MONITOR)
        return get_for_user(user, persons, MONITOR, request=request, pk=source["person"]), None
    return None, None


def found_persons(found: Campaign):
    """The living persons inside the campaign's area (proposals are about them only)."""
    path = found.org_path
    return Person.objects.filter(
        Q(org_path=path) | Q(org_path__startswith=path + "."), status=PersonStatus.ACTIVE
    )


@require_http_methods(["GET", "POST"])
@permission_required(MONITOR)
def propose(request, campaign: int):
    """Find a person (by name, in the campaign) and propose monitoring; or propose a change or
    the release of an open monitoring (`?monitoring=`)."""
    user = request.user
    try:
        found = _campaign(request, campaign, what="monitoring")
    except CampaignDenied as error:
        return _denied(request, error)
    person, watched = _propose_target(request, found)
    context = {**_tabs(request, found, "propose"), "person": person, "watched": watched}
    if person is None:
        query = (request.GET.get("q") or "").strip()
        matches = []
        if query:
            matches = [
                p
                for p in search_persons(
                    user,
                    PersonQuery(text=query, status=PersonStatus.ACTIVE, grid_path=found.org_path),
                    limit=100,
                )
                if in_scope(user, p.org_path, MONITOR)
            ][:SEARCH_LIMIT]
            personal.audited(user, found, what="person_search", count=len(matches), request=request)
        context.update(query=query, matches=matches)
        return render(request, "campaigns/monitoring/propose.html", context)
    actions = [ChangeAction.CHANGE, ChangeAction.RELEASE] if watched else [ChangeAction.PLACE]
    form = ProposeForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            monitoring.propose_change(
                user,
                campaign=found,
                person=person,
                action=data["action"],
                kind=data["kind"] or None,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                monitoring=watched,
            )
        except CampaignError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The proposal waits for a second person's approval."))
            return redirect("campaign_monitoring:pending", campaign=found.pk)
    context["form"] = form
    context["masked_name"] = monitoring.mask_name(person.name)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/monitoring/propose.html", context, status=status)


@permission_required(PERSONAL)
def pending(request, campaign: int):
    """Proposals waiting for a decision; the proposer is offered no decision on their own."""
    user = request.user
    try:
        found = _campaign(request, campaign, what="monitoring_changes")
    except CampaignDenied as error:
        return _denied(request, error)
    changes = list(
        scoped(user, MonitoringChange.objects.filter(campaign=found, state=ChangeState.PENDING), PERSONAL)
        .select_related("person", "proposed_by", "monitoring")
        .order_by("proposed_at", "pk")[:LIST_LIMIT]
    )
    personal.audited(user, found, what="monitoring_changes", count=len(changes), request=request)
    for change in changes:
        change.masked_name = monitoring.mask_name(change.person.name)
        change.is_mine = change.proposed_by_id == user.pk
        change.may_decide = not change.is_mine and in_scope(user, change.org_path, APPROVE)
    context = {**_tabs(request, found, "pending"), "changes": changes}
    return render(request, "campaigns/monitoring/pending.html", context)


@require_POST
@permission_required(APPROVE)
def decide(request, campaign: int, pk: int, decision: str):
    user = request.user
    if decision not in ("approve", "reject"):
        return redirect("campaign_monitoring:pending", campaign=campaign)
    found = _visible(request, campaign)
    change = get_for_user(
        user, MonitoringChange.objects.filter(campaign=found), APPROVE, request=request, pk=pk
    )
    try:
        if decision == "approve":
            monitoring.approve_change(user, change)
            messages.success(request, _("The change was approved and applied."))
        else:
            monitoring.reject_change(user, change, request.POST.get("note", ""))
            messages.success(request, _("The change was rejected."))
    except CampaignError as error:
        messages.error(request, str(error.message))
        return redirect("campaign_monitoring:pending", campaign=found.pk)
    return redirect("campaign_monitoring:pending", campaign=found.pk)


@permission_required(PERSONAL)
def alerts(request, campaign: int):
    """Open alerts (fever, positive test, missed check-in), oldest day first."""
    user = request.user
    try:
        found = _campaign(request, campaign, what="monitoring_alerts")
    except CampaignDenied as error:
        return _denied(request, error)
    rows = list(
        scoped(
            user,
            MonitoringAlert.objects.filter(monitoring__campaign=found, resolved_at__isnull=True),
            PERSONAL,
        )
        .select_related("monitoring__person", "monitoring__grid")
        .order_by("day", "pk")[:LIST_LIMIT]
    )
    personal.audited(user, found, what="monitoring_alerts", count=len(rows), request=request)
    for alert in rows:
        alert.masked_name = monitoring.mask_name(alert.monitoring.person.name)
        alert.may_resolve = in_scope(user, alert.org_path, MONITOR)
    context = {**_tabs(request, found, "alerts"), "alerts": rows}
    return render(request, "campaigns/monitoring/alerts.html", context)


@require_POST
@permission_required(MONITOR)
def resolve(request, campaign: int, pk: int):
    user = request.user
    alert = get_for_user(
        user,
        MonitoringAlert.objects.filter(monitoring__campaign_id=campaign),
        MONITOR,
        request=request,
        pk=pk,
    )
    try:
        monitoring.resolve_alert(user, alert)
    except CampaignError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The alert is resolved."))
    return redirect("campaign_monitoring:alerts", campaign=campaign)


# The resident's own check-in --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required(login_url="residents:signin")
def self_checkin(request):
    """A resident under monitoring reports their own temperature and symptoms."""
    profile = profile_of(request.user)
    person_id = profile.person_id if profile is not None else None
    watched = (
        Monitoring.objects.filter(
            person_id=person_id, released_at__isnull=True, campaign__status=CampaignStatus.ACTIVE
        )
        .select_related("campaign")
        .order_by("-starts_on")
        .first()
        if person_id
        else None
    )
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and watched is not None and form.is_valid():
        data = form.cleaned_data
        try:
            monitoring.record_checkin(request.user, watched, **data, by_self=True)
        except CampaignError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Thank you: your check-in was recorded."))
            return redirect("campaign_monitoring:self_checkin")
    done_today = watched is not None and watched.checkins.filter(day=timezone.localdate()).exists()
    status = 400 if request.method == "POST" else 200
    context = {"watched": watched, "form": form, "done_today": done_today}
    return render(request, "campaigns/monitoring/self_checkin.html", context, status=status)
