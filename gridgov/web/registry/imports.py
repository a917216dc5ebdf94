"""Import pages: the list of imports, the upload (which runs the dry run), the templates, the
dry-run report with its problems workbook, starting the import and following its progress.

Thin: people.imports.jobs creates and queues jobs, dry_run checks them, the task worker runs
them; every job is read through access.scope (404 alike for missing and out of scope).
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.access.scope import get_for_user, scoped
from gridgov.people.imports.columns import COLUMNS
from gridgov.people.imports.dry_run import check_job
from gridgov.people.imports.jobs import create_job, enqueue_job
from gridgov.people.imports.workbooks import write_problems, write_template
from gridgov.people.services import RegistryError
from gridgov.people.transfers import ImportJob, ImportStatus, RecordKind
from gridgov.web.permissions import permission_required
from gridgov.web.registry.import_forms import ImportForm

IMPORT = "people.import"
LIST_LIMIT = 100
# The report page shows this many problems; the workbook has them all.
PROBLEMS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)
FORM_FIELDS = {"kind": "kind", "org_unit": "unit", "file": "file"}


def _jobs(user):
    return scoped(user, ImportJob.objects.select_related("org_unit", "created_by"), IMPORT)


def _job(request, pk: int) -> ImportJob:
    return get_for_user(request.user, _jobs(request.user), IMPORT, request=request, pk=pk)


def _xlsx(filename: str, write) -> HttpResponse:
    stream = io.BytesIO()
    write(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


def _progress(job: ImportJob) -> dict:
    total = job.total_rows or 1
    return {
        "job": job,
        "percent": 100
        if job.status == ImportStatus.DONE
        else min(100, round(100 * job.committed_rows / total)),
        "finished": job.status in FINISHED,
        "statuses": ImportStatus,
    }


@permission_required(IMPORT)
def import_list(request):
    jobs = list(_jobs(request.user)[:LIST_LIMIT])
    return render(request, "web/registry/import_list.html", {"jobs": jobs, "statuses": ImportStatus})


@permission_required(IMPORT)
def import_new(request):
    user = request.user
    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = create_job(
                    kind=data["kind"], file=data["file"], org_unit=data["unit"], user=user, request=request
                )
            except RegistryError as error:
                form.add_error(FORM_FIELDS.get(error.field), error.message)
            else:
                check_job(job)  # in the user's language: the problems are stored as they read
                return redirect("registry:import", pk=job.pk)
    kinds = [(kind, label, [c.header for c in COLUMNS[kind]]) for kind, label in RecordKind.choices]
    return render(request, "web/registry/import_new.html", {"form": form, "kinds": kinds}, status=status)


@permission_required(IMPORT)
def import_template(request, kind: str):
    if kind not in RecordKind.values:
        raise Http404
    filename = f"template-{kind}.xlsx"
    return _xlsx(filename, lambda stream: write_template(kind, stream))


@permission_required(IMPORT)
def import_detail(request, pk: int):
    job = _job(request, pk)
    problems = list(job.problems.order_by("row", "id")[:PROBLEMS_SHOWN])
    context = {
        **_progress(job),
        "problems": problems,
        "more_problems": job.problems.count() - len(problems) if len(problems) == PROBLEMS_SHOWN else 0,
        "good_rows": max(job.total_rows - job.bad_rows, 0),
    }
    return render(request, "web/registry/import_detail.html", context)


@permission_required(IMPORT)
def import_progress(request, pk: int):
    """The progress panel alone, polled by htmx until the import finishes."""
    return render(request, "web/registry/import_progress.html", _progress(_job(request, pk)))


@permission_required(IMPORT)
def import_problems(request, pk: int):
    job = _job(request, pk)
    return _xlsx(f"problems-{job.pk}.xlsx", lambda stream: write_problems(job, stream))


@require_POST
@permission_required(IMPORT)
def import_start(request, pk: int):
    job = _job(request, pk)
    try:
        enqueue_job(job, user=request.user, request=request)
    except RegistryError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The import of %(rows)d rows has started.") % {"rows": max(job.total_rows - job.bad_rows, 0)},
        )
    return redirect("registry:import", pk=job.pk)
