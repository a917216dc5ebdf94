"""Staff pages of the patrol app: the grid worker's day, a patrol with its track, the visit form,
visit coverage and the review queue of proposed registry corrections.

Thin: records come through access.scope (scoped / get_for_user), writes go through the services.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.access.scope import get_for_user, has_permission, in_scope, scoped
from gridgov.geo.models import Level, OrgUnit
from gridgov.patrol import assignments, coverage, patrols, visits
from gridgov.patrol.errors import PatrolError
from gridgov.patrol.forms import RuleForm, TaskForm, VisitForm
from gridgov.patrol.models import ChangeState, Patrol, ProposedChange, Task, TaskRule, TaskState, Visit
from gridgov.patrol.rights import ASSIGN, REVIEW, VIEW, WORK
from gridgov.people.models import Household
from gridgov.web.permissions import permission_required

COVERAGE_LIST_LIMIT = 500
# The roles whose holders can be given tasks (patrol.work).
WORKING_ROLES = (Role.GRID_WORKER, Role.GRID_CHIEF, Role.COMMUNITY_ADMIN)
RULE_FIELDS = ("title", "area", "tag", "target", "frequency", "due_weekday")


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


@permission_required(VIEW)
def day(request):
    """Today's and overdue tasks, today's patrols and visits, and the start button."""
    user = request.user
    today = timezone.localdate()
    mine = assignments.open_items_for(user, scoped(user, Task.objects.all(), VIEW)).select_related(
        "household", "person", "grid"
    )
    due = list(mine.filter(due_on__lte=today).order_by("due_on", "id")[:200])
    since = _start_of_today()
    context = {
        "overdue": [t for t in due if t.due_on < today],
        "due_today": [t for t in due if t.due_on == today],
        "due_count": len(due),
        "upcoming": list(mine.filter(due_on__gt=today, due_on__lte=today + timedelta(days=7))[:100]),
        "open_patrol": Patrol.objects.filter(worker=user, ended_at__isnull=True).first(),
        "patrols": list(
            Patrol.objects.filter(worker=user, started_at__gte=since)
            .select_related("grid")
            .annotate(
                n_findings=Count("findings", distinct=True), n_checkins=Count("checkins", distinct=True)
            )
        ),
        "visits": list(
            Visit.objects.filter(worker=user, visited_at__gte=since).select_related("household", "grid")[:100]
        ),
        "grids": list(scoped(user, OrgUnit.objects.grids(), WORK).order_by("path")),
        "can_work": has_permission(user, WORK),
    }
    return render(request, "patrol/day.html", context)


@require_POST
@permission_required(WORK)
def start(request):
    grid = get_for_user(
        request.user, OrgUnit.objects.grids(), WORK, request=request, pk=request.POST.get("grid")
    )
    try:
        patrol = patrols.start_patrol(request.user, grid)
    except PatrolError as error:
        messages.error(request, str(error.message))
        return redirect("patrol:day")
    return redirect("patrol:patrol", pk=patrol.pk)


@permission_required(VIEW)
def patrol_detail(request, pk: int):
    user = request.user
    patrol = get_for_user(user, Patrol.objects.select_related("grid", "worker"), VIEW, request=request, pk=pk)
    track = [[lat, lon] for lon, lat in patrol.points.order_by("at").values_list("lon", "lat")]
    checkins = list(patrol.checkins.select_related("building", "organization", "component"))
    context = {
        "patrol": patrol,
        "track": track,
        "checkins": checkins,
        "marks": [[c.lat, c.lon, str(c)] for c in checkins],
        "findings": list(patrol.findings.select_related("case", "case__category")),
        "visits": list(patrol.visits.select_related("household")),
        "is_mine": patrol.worker_id == user.pk,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "patrol/patrol.html", context)


@require_POST
@permission_required(WORK)
def end(request, pk: int):
    patrol = get_for_user(request.user, Patrol.objects.all(), VIEW, request=request, pk=pk)
    try:
        patrols.end_patrol(patrol, request.user)
    except PatrolError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The patrol has ended."))
    return redirect("patrol:patrol", pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required(WORK)
def visit_new(request, household: int):
    user = request.user
    target = get_for_user(
        user, Household.objects.select_related("house__building", "grid"), WORK, request=request, pk=household
    )
    form = VisitForm(request.POST or None, request.FILES or None, household=target)
    if request.method == "POST" and form.is_valid():
        try:
            visits.record_visit(form.to_visit(), actor=user, request=request)
        except PatrolError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("registry:household", pk=target.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "patrol/visit_form.html", {"form": form, "household": target}, status=status)


@require_POST
@permission_required(WORK)
def task_done(request, pk: int):
    task = get_for_user(request.user, Task.objects.all(), VIEW, request=request, pk=pk)
    try:
        assignments.complete_by_hand(task, request.user, note=request.POST.get("note", ""))
    except PatrolError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The task is done."))
    return redirect("patrol:day")


def _days(request) -> int:
    try:
        days = int(request.GET.get("days") or settings.PATROL_COVERAGE_DAYS)
    except ValueError:
        days = settings.PATROL_COVERAGE_DAYS
    return min(max(days, 1), 366)


@permission_required(VIEW)
def coverage_view(request):
    """Households of an area (a community, or one's grid) not visited in the last N days."""
    user = request.user
    areas = list(
        scoped(user, OrgUnit.objects.active().filter(level__in=[Level.COMMUNITY, Level.GRID]), VIEW).order_by(
            "path"
        )
    )
    # A grid's own community is offered only when the user sees the whole community.
    areas = [
        a for a in areas if a.level == Level.COMMUNITY or not in_scope(user, a.path.rsplit(".", 1)[0], VIEW)
    ]
    chosen = request.GET.get("area")
    area = (
        get_for_user(user, OrgUnit.objects.all(), VIEW, request=request, pk=chosen)
        if chosen
        else (areas[0] if areas else None)
    )
    days = _days(request)
    context = {"areas": areas, "area": area, "days": days}
    if area is not None:
        summary = coverage.coverage(user, area, days)
        missing = coverage.not_visited(user, area, days)
        context.update(
            summary=summary, missing=list(missing[:COVERAGE_LIST_LIMIT]), limit=COVERAGE_LIST_LIMIT
        )
    return render(request, "patrol/coverage.html", context)


@permission_required(REVIEW)
def changes(request):
    pending = (
        scoped(request.user, ProposedChange.objects.filter(state=ChangeState.PENDING), REVIEW)
        .select_related("visit", "visit__worker", "person", "household", "proposed_by")
        .order_by("proposed_at", "id")[:200]
    )
    return render(request, "patrol/changes.html", {"changes": list(pending)})


@require_POST
@permission_required(REVIEW)
def review(request, pk: int, decision: str):
    if decision not in ("accept", "reject"):
        raise Http404
    change = get_for_user(request.user, ProposedChange.objects.all(), REVIEW, request=request, pk=pk)
    try:
        if decision == "accept":
            visits.accept_change(change, reviewer=request.user, request=request)
            messages.success(request, _("The change was applied to the registry."))
        else:
            visits.reject_change(
                change, reviewer=request.user, reason=request.POST.get("reason", ""), request=request
            )
            messages.success(request, _("The change was rejected."))
    except PatrolError as error:
        messages.error(request, str(error.message))
    return redirect(reverse("patrol:changes"))


def _staff_choices(user):
    """Grids, workers, households and areas where `user` assigns tasks."""
    grids = scoped(user, OrgUnit.objects.grids(), ASSIGN).order_by("path")
    staff = scoped(user, Membership.objects.filter(role__in=WORKING_ROLES), ASSIGN).values("user_id")
    workers = get_user_model().objects.filter(pk__in=staff, is_active=True).order_by("username")
    households = scoped(user, Household.objects.filter(is_active=True), ASSIGN)
    areas = scoped(user, OrgUnit.objects.active().filter(level__in=[Level.COMMUNITY, Level.GRID]), ASSIGN)
    return grids, workers, households, areas.order_by("path")


@require_http_methods(["GET", "POST"])
@permission_required(ASSIGN)
def tasks(request):
    """Assign one-off tasks and define recurring ones; lists the open tasks and rules of the area."""
    user = request.user
    grids, workers, households, areas = _staff_choices(user)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    task_form = TaskForm(
        posted if which == "task" else None, grids=grids, workers=workers, households=households
    )
    rule_form = RuleForm(posted if which == "rule" else None, areas=areas)
    form = task_form if which == "task" else rule_form if which == "rule" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if which == "task":
                assignments.create_task(
                    user,
                    title=data["title"],
                    assignee=data["assignee"],
                    due_on=data["due_on"],
                    grid=data["grid"],
                    household=data["household"],
                    details=data["details"],
                )
            else:
                assignments.create_rule(user, **{k: data[k] for k in RULE_FIELDS})
        except PatrolError as error:
            name = error.field if error.field in form.fields else None
            form.add_error(name, str(error.message))
        else:
            messages.success(request, _("The task was saved."))
            return redirect("patrol:tasks")
    context = {
        "task_form": task_form,
        "rule_form": rule_form,
        "open_tasks": list(
            scoped(user, Task.objects.filter(state=TaskState.OPEN), ASSIGN).select_related(
                "assignee", "household", "person", "grid"
            )[:200]
        ),
        "rules": list(
            scoped(user, TaskRule.objects.filter(is_active=True), ASSIGN).select_related("tag", "area")
        ),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "patrol/tasks.html", context, status=status)
