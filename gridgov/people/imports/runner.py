"""The import proper: the good rows of a checked file, in batches of PEOPLE_IMPORT_BATCH rows.

Each batch is one transaction that checks its rows again (the registry may have changed since
the dry run), writes them set-wise, stores any new problem, writes one audit entry and advances
the job's counters with a compare-and-swap on `committed_rows`. So a crash leaves no partial
batch, a second run resumes after the last committed batch, and two runners never apply the
same batch twice. Rows the dry run reported are skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope
from gridgov.audit.log import record
from gridgov.people.imports.batches import (
    BatchResult,
    check_batch,
    discard_file,
    job_file,
    old_objects_left_alone,
    save_problems,
)
from gridgov.people.imports.context import ImportContext, KindImporter, Problem
from gridgov.people.imports.files import ImportFileError, SourceRow, open_table
from gridgov.people.imports.kinds import IMPORTERS
from gridgov.people.services import RegistryError
from gridgov.people.transfers import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

IMPORT_PERMISSION = "people.import"
RUNNABLE = (ImportStatus.CHECKED, ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.FAILED)


class LostRace(Exception):
    """Another runner committed this batch first; this one stops and leaves the job to it."""


@dataclass
class _Run:
    job: ImportJob
    importer: KindImporter
    ctx: ImportContext
    batch_number: int = 0


def run_job(job_id: int) -> ImportJob:
    """Import the good rows of a checked job, resuming after its last committed batch.

    Returns the job (DONE, or FAILED with the reason in `error`). A job already done is returned
    as it is. Raises RegistryError for a job that was never checked.
    """
    job = ImportJob.objects.select_related("org_unit", "created_by").get(pk=job_id)
    if job.status == ImportStatus.DONE:
        return job
    if job.status not in RUNNABLE or (job.status == ImportStatus.FAILED and not job.total_rows):
        raise RegistryError("status", _("Check the file first (dry run)."), "not_checked")
    if not in_scope(job.created_by, job.org_path, IMPORT_PERMISSION):
        return _fail(job, _("%(user)s may no longer import into this unit.") % {"user": job.created_by})
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=Coalesce(F("started_at"), timezone.now()), error=""
    )
    run = _Run(job, IMPORTERS[job.kind], ImportContext.for_unit(job.org_unit, job.created_by))
    skipped = set(job.problems.values_list("row", flat=True))
    try:
        _run_batches(run, skipped)
    except LostRace:
        job.refresh_from_db()
        return job
    except Exception as exc:
        logger.exception("Import job %s stopped after row %s", job.pk, job.committed_rows)
        return _fail(
            job,
            _("The import stopped (%(error)s) after %(rows)d rows were committed; run it again to resume.")
            % {"error": type(exc).__name__, "rows": job.committed_rows},
        )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    discard_file(job)
    record(
        "people.import.done",
        actor=job.created_by,
        target=job,
        details={
            "job": job.pk,
            "kind": job.kind,
            "created": job.created_count,
            "updated": job.updated_count,
            "bad_rows": job.bad_rows,
        },
    )
    return job


def _run_batches(run: _Run, skipped: set[int]) -> None:
    job = run.job
    batch_size = settings.PEOPLE_IMPORT_BATCH
    try:
        with (
            old_objects_left_alone(),
            job_file(job) as path,
            open_table(path, job.kind, name=job.original_name) as table,
        ):
            position = 0
            rows: list[SourceRow] = []
            for row in table.rows:
                position += 1
                if position <= job.committed_rows or row[0] in skipped:
                    continue
                rows.append(row)
                if len(rows) >= batch_size:
                    _commit_batch(run, rows, position)
                    rows = []
            if rows or position > job.committed_rows:
                _commit_batch(run, rows, position)
    except ImportFileError as exc:
        raise RuntimeError(exc.message) from None


def _commit_batch(run: _Run, rows: list[SourceRow], position: int) -> None:
    """One transaction: check and write `rows`, store new problems, advance the job to
    `position` (the file's data rows read so far) unless another runner got there first."""
    job = run.job
    run.batch_number += 1
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        # Duplicates across the file were reported by the dry run (and their rows are skipped);
        # a fresh map per batch keeps memory flat on a file of millions of rows.
        result = check_batch(run.importer, rows, run.ctx, {})
        created, updated, lost = _write(run, rows, result)
        problems = result.problems + lost
        save_problems(job, problems)
        advanced = ImportJob.objects.filter(pk=job.pk, committed_rows=job.committed_rows).update(
            committed_rows=position,
            created_count=F("created_count") + created,
            updated_count=F("updated_count") + updated,
            bad_rows=F("bad_rows") + result.bad_rows + len({p.row for p in lost}),
        )
        if not advanced:
            raise LostRace
        record(
            "people.import.batch",
            actor=job.created_by,
            target=job,
            details={
                "job": job.pk,
                "kind": job.kind,
                "batch": run.batch_number,
                "through_row": rows[-1][0] if rows else None,
                "created": created,
                "updated": updated,
                "bad_rows": result.bad_rows + len({p.row for p in lost}),
            },
        )
    job.committed_rows = position
    job.created_count += created
    job.updated_count += updated


def _commit_without_waiting_for_disk() -> None:
    """On PostgreSQL, let this batch's commit return before its WAL reaches the disk (a flush
    of some 3 ms per batch on the test server). Nothing can be half-applied: a server crash can at
    worst lose the last batches *whole*, together with the job counter that counts them, so the
    next run imports them again; and the job's final DONE update commits normally, which makes
    every batch before it durable."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _write(run: _Run, rows: list[SourceRow], result: BatchResult) -> tuple[int, int, list[Problem]]:
    """Write the good rows of a batch: set-wise, or, when the database refuses the batch (a record
    saved meanwhile by someone else), row by row so that only the offending rows are lost."""
    if not result.good:
        return 0, 0, []
    try:
        with transaction.atomic():
            created, updated = run.importer.apply([c.record for c in result.good], run.ctx)
        return created, updated, []
    except IntegrityError:
        logger.warning(
            "Import job %s: a batch conflicts with saved records; importing it row by row", run.job.pk
        )
    good_rows = {c.row for c in result.good}
    created = updated = 0
    lost: list[Problem] = []
    for row in rows:
        if row[0] not in good_rows:
            continue
        checked = run.importer.check([row], run.ctx)[0]
        if checked.record is None:
            lost.extend(checked.problems)
            continue
        try:
            with transaction.atomic():
                one_created, one_updated = run.importer.apply([checked.record], run.ctx)
        except IntegrityError:
            lost.append(
                Problem(
                    row[0],
                    "",
                    _("Conflicts with a record saved meanwhile; check the row and import it again."),
                )
            )
            continue
        created, updated = created + one_created, updated + one_updated
    return created, updated, lost


def _fail(job: ImportJob, reason: str) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    job.refresh_from_db()
    record(
        "people.import.failed", actor=job.created_by, target=job, details={"job": job.pk, "kind": job.kind}
    )
    return job
