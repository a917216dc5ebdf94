"""What the dry run and the import share: the job's file on disk, its rows in batches, and the
check of a batch with duplicates inside the file found across batches."""

from __future__ import annotations

import gc
import shutil
import tempfile
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from gridgov.people.imports.cells import shown_value
from gridgov.people.imports.columns import column
from gridgov.people.imports.context import CheckedRow, ImportContext, KindImporter, Problem
from gridgov.people.imports.files import SourceRow
from gridgov.people.transfers import ImportJob, ImportProblem


@contextmanager
def job_file(job: ImportJob) -> Iterator[Path]:
    """The uploaded file as a local path (a copy when the storage is not the local disk)."""
    try:
        local: Path | None = Path(job.file.path)
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    with tempfile.NamedTemporaryFile(suffix=Path(job.original_name).suffix) as copy:
        with job.file.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


@contextmanager
def old_objects_left_alone() -> Iterator[None]:
    """While a job runs, keep the objects that existed before it (the process's Django state:
    hundreds of thousands of them in a worker) out of the garbage collector's full passes.

    A job allocates millions of short-lived objects, which triggers full passes; each one used to
    walk that whole old heap again, about a tenth of an import's time. Nothing is kept alive
    longer than it would be: the objects are handed back to the collector when the job ends. A
    process that froze objects itself (gc.freeze before forking workers) is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def discard_file(job: ImportJob) -> None:
    """Delete the uploaded file once it is no longer needed (imported, or unreadable): it holds
    clear ID numbers and phones, which the registry keeps only sealed."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


@dataclass
class BatchResult:
    good: list[CheckedRow]
    problems: list[Problem]
    bad_rows: int


def check_batch(
    importer: KindImporter,
    rows: list[SourceRow],
    ctx: ImportContext,
    seen: dict[Hashable, int],
) -> BatchResult:
    """Check `rows`; a record already met in the file (`seen`: key -> first row) is a problem
    on its second occurrence. `seen` grows with the keys of this batch."""
    good: list[CheckedRow] = []
    problems: list[Problem] = []
    bad = 0
    key_column = column(importer.kind, importer.key_column)
    for (_row, cells), checked in zip(rows, importer.check(rows, ctx), strict=True):
        if checked.key is not None:
            first = seen.setdefault(checked.key, checked.row)
            if first != checked.row:
                identifier = (
                    ("phone" if "phone" in key_column.key else "id_number") if key_column.identifier else ""
                )
                checked.problems.append(
                    Problem(
                        checked.row,
                        key_column.header,
                        _("Also in row %(row)d of this file: each record may appear only once.")
                        % {"row": first},
                        shown_value(cells.get(key_column.key), identifier=identifier),
                    )
                )
                checked.record = None
        if checked.problems:
            bad += 1
            problems.extend(checked.problems)
        else:
            good.append(checked)
    return BatchResult(good, problems, bad)


def save_problems(job: ImportJob, problems: list[Problem]) -> None:
    ImportProblem.objects.bulk_create(
        [
            ImportProblem(
                job=job, row=p.row, field=p.column[:50], value=p.value[:100], message=p.message[:300]
            )
            for p in problems
        ]
    )
