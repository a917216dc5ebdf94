"""The dry run: read the whole file, check every row as the import will, store one problem per
bad cell. Nothing but the job and its problems is written."""

from __future__ import annotations

from collections.abc import Hashable

from django.conf import settings
from django.utils import timezone

from gridgov.audit.log import record
from gridgov.people.imports.batches import (
    check_batch,
    discard_file,
    job_file,
    old_objects_left_alone,
    save_problems,
)
from gridgov.people.imports.context import ImportContext, Problem
from gridgov.people.imports.files import ImportFileError, SourceRow, open_table
from gridgov.people.imports.kinds import IMPORTERS
from gridgov.people.services import RegistryError
from gridgov.people.transfers import ImportJob, ImportProblem, ImportStatus

# Problems are written in chunks of this many rows: a file full of errors stays in bounds.
PROBLEM_CHUNK = 2000
CHECKABLE = (ImportStatus.UPLOADED, ImportStatus.CHECKED)


def check_job(job: ImportJob) -> ImportJob:
    """Check every row of the job's file and store its problems (row number as a spreadsheet
    shows it, the column's Chinese header, the reason in the active language, the value with
    identifiers masked). Sets total_rows, bad_rows and the status CHECKED, or FAILED with the
    reason when the file as a whole cannot be read.

    Raises RegistryError when the job is already queued, running or done.
    """
    if job.status not in CHECKABLE:
        raise RegistryError("status", str(ImportStatus(job.status).label), "not_checkable")
    importer = IMPORTERS[job.kind]
    ctx = ImportContext.for_unit(job.org_unit, job.created_by)
    batch_size = settings.PEOPLE_IMPORT_BATCH
    ImportProblem.objects.filter(job=job).delete()
    seen: dict[Hashable, int] = {}
    pending: list[Problem] = []
    total = bad = 0
    try:
        with (
            old_objects_left_alone(),
            job_file(job) as path,
            open_table(path, job.kind, name=job.original_name) as table,
        ):
            rows: list[SourceRow] = []
            for row in table.rows:
                rows.append(row)
                if len(rows) >= batch_size:
                    result = check_batch(importer, rows, ctx, seen)
                    total, bad = total + len(rows), bad + result.bad_rows
                    pending.extend(result.problems)
                    rows = []
                    if len(pending) >= PROBLEM_CHUNK:
                        save_problems(job, pending)
                        pending = []
            if rows:
                result = check_batch(importer, rows, ctx, seen)
                total, bad = total + len(rows), bad + result.bad_rows
                pending.extend(result.problems)
    except ImportFileError as exc:
        ImportProblem.objects.filter(job=job).delete()
        discard_file(job)
        return _finish(job, status=ImportStatus.FAILED, total=0, bad=0, error=exc.message)
    save_problems(job, pending)
    return _finish(job, status=ImportStatus.CHECKED, total=total, bad=bad, error="")


def _finish(job: ImportJob, *, status: str, total: int, bad: int, error: str) -> ImportJob:
    job.status, job.total_rows, job.bad_rows, job.error = status, total, bad, error
    job.committed_rows = job.created_count = job.updated_count = 0
    job.finished_at = timezone.now() if status == ImportStatus.FAILED else None
    job.save(
        update_fields=[
            "status",
            "total_rows",
            "bad_rows",
            "error",
            "committed_rows",
            "created_count",
            "updated_count",
            "finished_at",
        ]
    )
    record(
        "people.import.check",
        actor=job.created_by,
        target=job,
        details={"job": job.pk, "kind": job.kind, "status": status, "rows": total, "bad_rows": bad},
    )
    return job
