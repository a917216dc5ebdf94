"""The auditor's page: search, page through and export the audit log. Every use is itself audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gridgov.access.scope import has_permission
from gridgov.audit.forms import AuditFilterForm
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.audit.search import PAGE_SIZE, csv_lines, filter_entries, filters_for_log

PERMISSION = "audit.view_log"


@login_required
@require_GET
def audit_log(request):
    if not has_permission(request.user, PERMISSION):
        record(
            "access.denied",
            request=request,
            outcome=Outcome.DENIED,
            details={"permission": PERMISSION, "path": request.path},
        )
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # Bad filters: show the errors and no rows rather than guess what was meant.
        return render(request, "audit/log.html", {"form": form, "page": None})
    filters = form.cleaned_data if form.is_bound else {}
    entries = filter_entries(filters)
    logged = filters_for_log(filters)
    if request.GET.get("export") == "csv":
        record("audit.export", request=request, details={"filters": logged})
        response = StreamingHttpResponse(
            csv_lines(entries.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read the page now: the count was taken already, and the entry below must not shift the rows.
    page.object_list = list(page.object_list)
    record("audit.view", request=request, details={"filters": logged, "page": page.number})
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})
