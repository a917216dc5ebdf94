"""Command-center pages of a campaign: the list, the design form, the progress page with its
live table and map, the households of a grid, follow-ups and the daily Excel report.

Thin: campaigns come through coverage.visible_campaigns, personal data through
campaigns.personal (scoped and audited), writes through launch and the forms' one action.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.access.scope import get_for_user, has_permission, in_scope, scoped
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.campaigns import coverage, launch, listimport, personal, reports, retention
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.forms import CampaignForm, FollowUpDoneForm, ListImportForm, ReportDayForm
from gridgov.campaigns.models import (
    Campaign,
    CampaignStatus,
    FollowUp,
    FollowUpState,
    GridProgress,
    ListEntry,
    TargetMode,
)
from gridgov.campaigns.rights import APPROVE, EXPORT, MANAGE, MONITOR, PERSONAL, VIEW
from gridgov.geo.models import Level, OrgUnit
from gridgov.web.form_errors import add_field_error
from gridgov.web.permissions import permission_required

LIST_LIMIT = 200
FOLLOW_UP_LIMIT = 200
POLL_SECONDS = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadInput(Exception):
    """A query parameter that is not what the page expects (answered 400)."""


def _campaign(request, pk: int) -> Campaign:
    """The campaign if the user follows it, else 404 (a hidden one recorded as a denied access)."""
    found = coverage.visible_campaigns(request.user).filter(pk=pk).first()
    if found is not None:
        return found
    hidden = Campaign.objects.filter(pk=pk).first()
    if hidden is not None:
        denied = {"permission": VIEW}
        record("access.denied", request=request, target=hidden, outcome=Outcome.DENIED, details=denied)
    raise Http404


def _area(request, campaign: Campaign) -> OrgUnit:
    """The unit of `?area=` (default: where the user's view of the campaign starts)."""
    raw = request.GET.get("area", "").strip()
    if not raw:
        area = coverage.default_area(request.user, campaign)
        if area is None:
            raise Http404
        return area
    if not raw.isdigit():
        raise BadInput(_("The area must be the number of an org unit."))
    area = OrgUnit.objects.filter(pk=int(raw)).first()
    if area is None or not coverage.area_allowed(request.user, campaign, area):
        raise Http404
    return area


def _bad_request(request, message: str) -> HttpResponse:
    if request.path.endswith(".json"):
        return JsonResponse({"error": message}, status=400)
    return render(request, "campaigns/bad_input.html", {"message": message}, status=400)


@require_GET
@permission_required(VIEW)
def campaign_list(request):
    user = request.user
    campaigns = list(coverage.visible_campaigns(user).order_by("-starts_at", "-id")[:LIST_LIMIT])
    sums = (
        scoped(user, GridProgress.objects.filter(campaign__in=[c.pk for c in campaigns]), VIEW)
        .order_by()
        .values("campaign")
        .annotate(**{name: Sum(name) for name in coverage.COUNTS})
    )
    counts = {
        row["campaign"]: coverage.Counts(**{name: row[name] or 0 for name in coverage.COUNTS}) for row in sums
    }
    rows = [(campaign, counts.get(campaign.pk, coverage.Counts())) for campaign in campaigns]
    context = {"rows": rows, "can_manage": has_permission(user, MANAGE), "statuses": CampaignStatus}
    return render(request, "campaigns/list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def campaign_new(request):
    user = request.user
    units = scoped(
        user, OrgUnit.objects.active().filter(level__in=[Level.STREET, Level.COMMUNITY, Level.GRID]), MANAGE
    ).order_by("path")
    form = CampaignForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = launch.create_campaign(user, **form.service_arguments())
        except CampaignError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The campaign was created as a draft. Define its checklist next."))
            return redirect("campaigns:detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/new.html", {"form": form}, status=status)


def _admin_url(campaign: Campaign) -> str:
    try:
        return reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    except NoReverseMatch:  # the campaign admin is not registered
        return ""


def _poll_seconds(request) -> int:
    try:
        return min(max(int(request.GET.get("poll") or POLL_SECONDS), 1), 300)
    except ValueError:
        return POLL_SECONDS


def _follow_ups(request, campaign: Campaign, area: OrgUnit) -> list[FollowUp] | None:
    """The follow-ups of `area` for users with campaigns.view_personal (None: not shown); the read
    is audited by campaigns.personal."""
    user = request.user
    if not has_permission(user, PERSONAL) or campaign.status == CampaignStatus.PURGED:
        return None
    try:
        found = personal.follow_ups_for(user, campaign, request=request)
    except CampaignDenied:
        return None
    inside = [f for f in found if f.org_path == area.path or f.org_path.startswith(area.path + ".")]
    inside.sort(key=lambda f: (f.state != FollowUpState.OPEN, -f.pk))
    return inside[:FOLLOW_UP_LIMIT]


def _progress_payload(request, campaign: Campaign, area: OrgUnit) -> dict:
    user = request.user
    language = get_language()
    rows = coverage.progress(user, campaign, area)
    return {
        "campaign": campaign.pk,
        "status": campaign.status,
        "area": area.pk,
        "rows": [
            {
                "id": row.unit.pk,
                "code": row.unit.code,
                "name": row.unit.name_for(language),
                "level": row.unit.level,
                **row.as_dict(),
            }
            for row in rows
        ],
        "totals": coverage.totals(rows).as_dict(),
        "grids": coverage.grid_counts(user, campaign, area),
    }


@require_GET
@permission_required(VIEW)
def campaign_detail(request, pk: int):
    user = request.user
    campaign = _campaign(request, pk)
    try:
        area = _area(request, campaign)
    except BadInput as error:
        return _bad_request(request, str(error))
    rows = coverage.progress(user, campaign, area)
    query = f"?area={area.pk}"
    context = {
        "campaign": campaign,
        "area": area,
        "crumbs": coverage.breadcrumb(user, campaign, area),
        "rows": rows,
        "totals": coverage.totals(rows),
        "can_manage": in_scope(user, campaign.org_path, MANAGE),
        "can_personal": has_permission(user, PERSONAL),
        "can_monitor": has_permission(user, PERSONAL) or has_permission(user, MONITOR),
        "can_export": has_permission(user, EXPORT) or has_permission(user, APPROVE),
        "purge_date": retention.purge_date(campaign),
        "list_url": reverse("campaigns:list_import", args=[campaign.pk])
        if campaign.target_mode == TargetMode.LIST and campaign.status == CampaignStatus.DRAFT
        else "",
        "follow_ups": _follow_ups(request, campaign, area),
        "admin_url": _admin_url(campaign) if user.is_staff else "",
        "progress_url": reverse("campaigns:progress", args=[campaign.pk]) + query,
        "map_url": reverse("campaigns:map", args=[campaign.pk]) + query,
        "poll_seconds": _poll_seconds(request),
        "today": timezone.localdate(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "statuses": CampaignStatus,
        "levels": Level,
        "js_labels": {
            "updated": _("Updated"),
            "failed": _("Could not refresh; trying again."),
            "coverage": _("Coverage"),
            "reached": _("Reached"),
            "total": _("Total"),
            "empty": _("No targeted household here."),
        },
    }
    return render(request, "campaigns/detail.html", context)


@require_GET
@permission_required(VIEW)
def progress_json(request, pk: int):
    campaign = _campaign(request, pk)
    try:
        area = _area(request, campaign)
    except BadInput as error:
        return _bad_request(request, str(error))
    return JsonResponse(_progress_payload(request, campaign, area))


@require_GET
@permission_required(VIEW)
def map_json(request, pk: int):
    campaign = _campaign(request, pk)
    try:
        area = _area(request, campaign)
    except BadInput as error:
        return _bad_request(request, str(error))
    return JsonResponse(coverage.map_features(request.user, campaign, area, get_language()))


def _lifecycle(request, pk: int, action, done: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        action(request.user, campaign)
    except CampaignError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("campaigns:detail", pk=campaign.pk)


@require_POST
@permission_required(MANAGE)
def campaign_start(request, pk: int):
    return _lifecycle(
        request, pk, launch.start_campaign, _("The campaign has started: the households are assigned.")
    )


@require_POST
@permission_required(MANAGE)
def campaign_end(request, pk: int):
    return _lifecycle(request, pk, launch.end_campaign, _("The campaign has ended."))


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def list_import(request, pk: int):
    """Upload the target list of a draft campaign targeted by list; every bad row is shown."""
    campaign = _campaign(request, pk)
    if not in_scope(request.user, campaign.org_path, MANAGE):
        raise Http404
    posted = request.method == "POST"
    form = ListImportForm(request.POST, request.FILES) if posted else ListImportForm()
    result, status = None, 200
    if posted:
        if form.is_valid():
            try:
                result = listimport.import_list(
                    request.user, campaign, form.cleaned_data["file"], replace=form.cleaned_data["replace"]
                )
            except CampaignError as error:
                add_field_error(form, error)
        if not form.is_valid() or form.errors:
            status = 400
    context = {
        "campaign": campaign,
        "form": form,
        "result": result,
        "listed": ListEntry.objects.filter(campaign=campaign).count(),
        "is_list": campaign.target_mode == TargetMode.LIST,
        "is_draft": campaign.status == CampaignStatus.DRAFT,
    }
    return render(request, "campaigns/list_import.html", context, status=status)


@require_GET
@permission_required(PERSONAL)
def grid_households(request, pk: int, grid: int):
    """The targeted households of one grid with their outcome (no answers): for those who act on them."""
    user = request.user
    campaign = _campaign(request, pk)
    unit = get_for_user(user, OrgUnit.objects.grids(), PERSONAL, request=request, pk=grid)
    if not coverage.area_allowed(user, campaign, unit):
        raise Http404
    try:
        targets = personal.targets_for(user, campaign, grid=unit, request=request)
    except CampaignDenied as denied:
        messages.error(request, str(denied.message))
        return redirect("campaigns:detail", pk=campaign.pk)
    context = {
        "campaign": campaign,
        "grid": unit,
        "crumbs": coverage.breadcrumb(user, campaign, unit),
        "targets": targets,
    }
    return render(request, "campaigns/households.html", context)


@require_POST
@permission_required(PERSONAL)
def follow_up_done(request, pk: int, follow_up: int):
    campaign = _campaign(request, pk)
    item = get_for_user(
        request.user, FollowUp.objects.filter(campaign=campaign), PERSONAL, request=request, pk=follow_up
    )
    form = FollowUpDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            form.save(request.user, item)
        except CampaignError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The follow-up is done."))
    area = request.POST.get("area", "")
    url = reverse("campaigns:detail", args=[campaign.pk])
    return redirect(f"{url}?area={area}" if area.isdigit() else url)


@require_GET
@permission_required(VIEW)
def daily_report(request, pk: int):
    campaign = _campaign(request, pk)
    form = ReportDayForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, _("Give the day as YYYY-MM-DD."))
    day = form.chosen_day()
    content = reports.daily_report(request.user, campaign, day, request=request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-{day.isoformat()}.xlsx"'
    return response
