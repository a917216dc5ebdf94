"""Import jobs: created from an upload (or a file on disk), queued for the task worker after the
dry run, and queued again when a crash left them waiting or half done."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope, jurisdiction_paths, path_filter
from gridgov.audit.log import record
from gridgov.geo.models import OrgUnit
from gridgov.people.imports.files import SUFFIXES, ImportFileError, file_format
from gridgov.people.services import RegistryError
from gridgov.people.transfers import ImportJob, ImportStatus, RecordKind

IMPORT_PERMISSION = "people.import"
STALLED = (ImportStatus.QUEUED, ImportStatus.RUNNING)


def importable_units(user) -> QuerySet[OrgUnit]:
    """The active units `user` may import into: their people.import jurisdiction roots and
    everything below them."""
    paths = jurisdiction_paths(user, IMPORT_PERMISSION)
    if not paths:
        return OrgUnit.objects.none()
    return OrgUnit.objects.active().filter(path_filter("path", paths)).order_by("path")


def max_file_bytes() -> int:
    return settings.PEOPLE_IMPORT_MAX_MB * 1024 * 1024


def create_job(*, kind: str, file: UploadedFile | Path, org_unit: OrgUnit, user, request=None) -> ImportJob:
    """Store the file as a new import job of `kind` into `org_unit` (status UPLOADED).

    Raises RegistryError naming the field: an unknown kind; a unit that is inactive or outside
    the user's people.import jurisdiction; a file that is empty, too large, or not xlsx/CSV.
    """
    if kind not in RecordKind.values:
        raise RegistryError("kind", _("Choose what the file holds."), "invalid")
    if not org_unit.is_active or not in_scope(user, org_unit.path, IMPORT_PERMISSION):
        raise RegistryError("org_unit", _("You may not import into this unit."), "forbidden")
    name, size = _name_and_size(file)
    if size == 0:
        raise RegistryError("file", _("The file is empty."), "empty")
    if size > max_file_bytes():
        raise RegistryError(
            "file",
            _("The file is larger than %(limit)d MB; split it into several files.")
            % {"limit": settings.PEOPLE_IMPORT_MAX_MB},
            "too_large",
        )
    if Path(name).suffix.lower() not in SUFFIXES:
        raise RegistryError("file", _("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."), "file_type")
    with _opened(file) as handle:
        _check_format(handle, name)
        job = ImportJob(
            kind=kind,
            original_name=Path(name).name[:200],
            org_unit=org_unit,
            org_path=org_unit.path,
            created_by=user,
            created_at=timezone.now(),  # the storage path is dated by it, before the first save
        )
        # A generated name: the user's file name is kept in original_name only.
        job.file.save(f"{uuid.uuid4().hex}{Path(name).suffix.lower()}", File(handle), save=False)
        job.save()
    record(
        "people.import.upload",
        actor=user,
        request=request,
        target=job,
        details={"job": job.pk, "kind": kind, "unit": org_unit.code, "bytes": size},
    )
    return job


def _name_and_size(file: UploadedFile | Path) -> tuple[str, int]:
    if isinstance(file, Path):
        try:
            return file.name, file.stat().st_size
        except OSError as exc:
            raise RegistryError(
                "file", _("The file cannot be read (%(error)s).") % {"error": exc.strerror}
            ) from None
    return file.name or "", file.size or 0


class _opened:
    """The file as a binary handle: an upload as it is, a path opened (and closed after)."""

    def __init__(self, file: UploadedFile | Path) -> None:
        self.file = file
        self.handle: Any = None

    def __enter__(self):
        self.handle = self.file.open("rb") if isinstance(self.file, Path) else self.file
        return self.handle

    def __exit__(self, *exc_info) -> None:
        if isinstance(self.file, Path):
            self.handle.close()


def _check_format(handle, name: str) -> None:
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    try:
        file_format(head, name)
    except ImportFileError as exc:
        raise RegistryError("file", exc.message, "file_type") from None


def enqueue_job(job: ImportJob, *, user, request=None) -> ImportJob:
    """Queue a checked job (or resume a failed one) for the task worker. Raises RegistryError
    when the job is not checked, has no good row, or the user may not import into its unit."""
    if not in_scope(user, job.org_path, IMPORT_PERMISSION):
        raise RegistryError("org_unit", _("You may not import into this unit."), "forbidden")
    # A failed import (one that stopped after a check that read the file) is resumed the same way.
    startable = job.status == ImportStatus.CHECKED or (job.status == ImportStatus.FAILED and job.total_rows)
    if not startable:
        raise RegistryError("status", _("Only a checked file can be imported."), "not_checked")
    if job.total_rows <= job.bad_rows:
        raise RegistryError("file", _("The file has no row without problems."), "nothing_to_import")
    with transaction.atomic():
        queued = ImportJob.objects.filter(pk=job.pk, status=job.status).update(status=ImportStatus.QUEUED)
        if not queued:
            raise RegistryError("status", _("This import was started already."), "not_checked")
        record(
            "people.import.queue",
            actor=user,
            request=request,
            target=job,
            details={"job": job.pk, "kind": job.kind, "rows": job.total_rows - job.bad_rows},
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.status = ImportStatus.QUEUED
    return job


def _enqueue(job_id: int) -> None:
    from gridgov.people.tasks import import_task

    import_task.enqueue(job_id)


def requeue_stalled() -> list[int]:
    """Queue again the jobs a crash left queued or running; they resume after their last
    committed batch (a job still running elsewhere is not harmed: batches are compare-and-swap)."""
    ids = list(ImportJob.objects.filter(status__in=STALLED).order_by("pk").values_list("pk", flat=True))
    for job_id in ids:
        _enqueue(job_id)
    return ids
