"""Export pages: the export form, the user's unmasked-export requests, the approval queue.

Thin: people.exports writes the masked file, people.export_requests runs the request →
approval → single download of an unmasked one; both check the rights and write the audit.
A service's PermissionDenied becomes Django's 403 page.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.access.display import display_name
from gridgov.access.scope import get_for_user, has_permission
from gridgov.people import export_requests
from gridgov.people.exports import ExportFile, export_masked
from gridgov.people.services import RegistryError
from gridgov.people.transfers import ExportRequest, ExportStatus
from gridgov.web.permissions import permission_required
from gridgov.web.registry.export_forms import DecisionForm, ExportForm

EXPORT = "people.export"
APPROVE = export_requests.APPROVE
# Lists of requests stop here; older ones stay in the audit log.
LIST_LIMIT = 100


def _download(export_file: ExportFile) -> FileResponse:
    response = FileResponse(
        export_file.handle,
        as_attachment=True,
        filename=export_file.filename,
        content_type=export_file.content_type,
    )
    # Personal data: no copy in a browser or proxy cache.
    response["Cache-Control"] = "no-store, private"
    return response


def _tabs(user) -> dict:
    return {
        "may_request": has_permission(user, export_requests.REQUEST),
        "may_approve": has_permission(user, APPROVE),
        "pending_count": export_requests.pending_for(user).count() if has_permission(user, APPROVE) else 0,
    }


@permission_required(EXPORT)
def export_form(request):
    user = request.user
    form = ExportForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form.unmasked:
                    export_requests.request_export(
                        user,
                        kind=data["kind"],
                        unit=data["unit"],
                        reason=data["reason"],
                        file_format=data["file_format"],
                        request=request,
                    )
                    messages.success(
                        request,
                        _("Your request is waiting for a second person's approval; you will be notified."),
                    )
                    return redirect("registry:export_requests")
                export_file = export_masked(
                    user,
                    kind=data["kind"],
                    unit=data["unit"],
                    file_format=data["file_format"],
                    request=request,
                )
                return _download(export_file)
            except RegistryError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
    context = {"form": form, "tab": "export", **_tabs(user)}
    return render(request, "web/registry/export_form.html", context, status=status)


@permission_required(export_requests.REQUEST)
def request_list(request):
    user = request.user
    now = timezone.now()
    rows = [
        (item, export_requests.is_expired(item, now), export_requests.valid_until(item))
        for item in export_requests.requests_of(user)[:LIST_LIMIT]
    ]
    context = {"rows": rows, "tab": "requests", "statuses": ExportStatus, **_tabs(user)}
    return render(request, "web/registry/export_requests.html", context)


@require_POST
@permission_required(export_requests.REQUEST)
def request_download(request, pk: int):
    export = get_object_or_404(export_requests.requests_of(request.user), pk=pk)
    try:
        export_file = export_requests.open_export(request.user, export, request=request)
    except RegistryError as error:
        messages.error(request, error.message)
        return redirect("registry:export_requests")
    return _download(export_file)


@permission_required(APPROVE)
def approval_list(request):
    user = request.user
    pending = list(export_requests.pending_for(user)[:LIST_LIMIT])
    context = {"pending": pending, "form": DecisionForm(), "tab": "approvals", **_tabs(user)}
    return render(request, "web/registry/export_approvals.html", context)


@require_POST
@permission_required(APPROVE)
def approval_decide(request, pk: int, decision: str):
    if decision not in ("approve", "reject"):
        return redirect("registry:export_approvals")
    queryset = ExportRequest.objects.select_related("org_unit", "requested_by")
    export = get_for_user(request.user, queryset, APPROVE, request=request, pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        export_requests.decide_export(
            request.user, export, approve=decision == "approve", note=note, request=request
        )
    except RegistryError as error:
        messages.error(request, error.message)
    else:
        if decision == "approve":
            messages.success(
                request,
                _("Approved: %(user)s may now download the list once.")
                % {"user": display_name(export.requested_by)},
            )
        else:
            messages.success(request, _("Rejected; the requester has been told."))
    return redirect("registry:export_approvals")
