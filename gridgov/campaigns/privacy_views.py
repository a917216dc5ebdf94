"""Pages of a campaign's bulk exports: the request form, the requests with their state, the
approval queue of the second person, and the requester's download.

Thin: lookups through access.scope, rules in campaigns.exports. The download is a POST (it
spends one of the limited downloads, which a link prefetcher must not do).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.access.scope import get_for_user, has_permission, jurisdiction_paths, path_filter, scoped
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.campaigns import exports
from gridgov.campaigns.errors import ALL, CampaignDenied, CampaignError
from gridgov.campaigns.models import Campaign, ExportRequest, ExportState
from gridgov.campaigns.rights import APPROVE, EXPORT, VIEW
from gridgov.geo.models import OrgUnit
from gridgov.web.permissions import deny, permission_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportRequestForm(forms.Form):
    area = forms.ModelChoiceField(label=pgettext_lazy("region", "Area"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What the list is needed for, within this campaign."),
    )

    def __init__(self, *args, areas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = lambda unit: f"{unit.name_zh} ({unit.code})"
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def add_service_error(self, error: CampaignError) -> None:
        self.add_error(error.field if error.field in self.fields else None, str(error.message))


def _campaign(request, pk: int) -> Campaign:
    """The campaign, when the user holds export or approval rights somewhere inside it (else 404,
    the attempt audited like access.scope does)."""
    campaign = Campaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise Http404
    top = campaign.org_path
    paths = jurisdiction_paths(request.user, EXPORT) + jurisdiction_paths(request.user, APPROVE)
    if not any(p == top or p.startswith(top + ".") or top.startswith(p + ".") for p in paths):
        record(
            "access.denied",
            request=request,
            target=campaign,
            outcome=Outcome.DENIED,
            details={"permission": EXPORT},
        )
        raise Http404
    return campaign


def _areas(user, campaign: Campaign):
    """The units inside the campaign's scope where `user` may request exports."""
    inside = OrgUnit.objects.active().filter(path_filter("path", [campaign.org_path]))
    return scoped(user, inside, EXPORT).order_by("path")


def _page(request, campaign: Campaign, form: ExportRequestForm | None = None, status: int = 200):
    user = request.user
    now = timezone.now()
    requests = list(exports.requests_of(user, campaign).order_by("-requested_at", "-id")[:200])
    for item in requests:
        item.is_mine = item.requested_by_id == user.pk
        item.valid_until = exports.valid_until(item)
        item.downloads_left = exports.downloads_left(item, now) if item.is_mine else 0
    areas = _areas(user, campaign)
    context = {
        "campaign": campaign,
        "form": form or ExportRequestForm(areas=areas),
        "can_request": has_permission(user, EXPORT) and areas.exists(),
        "requests": requests,
        "pending": list(exports.pending_for(user, campaign)[:200]),
        "limit": exports.download_limit(),
        "hours": exports.valid_hours(),
        "approved": ExportState.APPROVED,
    }
    return render(request, "campaigns/privacy/exports.html", context, status=status)


@require_http_methods(["GET"])
@permission_required(VIEW)
def export_list(request, campaign: int):
    """Requests and approvals: for holders of campaigns.export or campaigns.approve."""
    if not (has_permission(request.user, EXPORT) or has_permission(request.user, APPROVE)):
        return deny(request, EXPORT)
    return _page(request, _campaign(request, campaign))


@require_POST
@permission_required(EXPORT)
def export_request(request, campaign: int):
    found = _campaign(request, campaign)
    form = ExportRequestForm(request.POST, areas=_areas(request.user, found))
    if form.is_valid():
        try:
            exports.request_export(
                request.user,
                found,
                area=form.cleaned_data["area"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except CampaignDenied as error:
            messages.error(request, str(error.message))
            return _page(request, found, form, status=403)
        except CampaignError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The export was requested; a second person must approve it."))
            return redirect("campaign_exports:list", campaign=found.pk)
    return _page(request, found, form, status=400)


@require_POST
@permission_required(APPROVE)
def export_decide(request, campaign: int, pk: int, decision: str):
    if decision not in ("approve", "reject"):
        raise Http404
    found = _campaign(request, campaign)
    export = get_for_user(
        request.user, ExportRequest.objects.filter(campaign=found), APPROVE, request=request, pk=pk
    )
    decide = exports.approve_export if decision == "approve" else exports.reject_export
    try:
        decide(request.user, export, request.POST.get("note", ""), request=request)
    except CampaignDenied as error:
        messages.error(request, str(error.message))
        return _page(request, found, status=403)
    except CampaignError as error:
        messages.error(request, str(error.message))
        return _page(request, found, status=409 if error.field == "state" else 400)
    if decision == "approve":
        messages.success(request, _("The export was approved."))
    else:
        messages.success(request, _("The export was rejected."))
    return redirect("campaign_exports:list", campaign=found.pk)


@require_POST
@permission_required(EXPORT)
def export_download(request, campaign: int, pk: int):
    found = _campaign(request, campaign)
    export = get_for_user(
        request.user,
        ExportRequest.objects.filter(campaign=found).select_related(
            "campaign", "area", "requested_by", "decided_by"
        ),
        EXPORT,
        request=request,
        pk=pk,
    )
    try:
        content = exports.build_export(request.user, export, request=request)
    except CampaignDenied as error:
        messages.error(request, str(error.message))
        return _page(request, found, status=403)
    except CampaignError as error:
        messages.error(request, str(error.message))
        return _page(request, found, status=409 if error.field in ("state", ALL) else 400)
    response = HttpResponse(content, content_type=XLSX)
    name = f"campaign-{found.pk}-export-{export.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
