"""Background tasks of the registry (django-tasks; run them with `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from gridgov.audit.chain import seal_soon
from gridgov.people.imports.runner import run_job


@task()
def import_task(job_id: int) -> dict[str, int | str]:
    """Import a checked file (resuming after its last committed batch)."""
    job = run_job(job_id)
    seal_soon()  # the worker also seals the audit entries of the batches
    return {
        "status": job.status,
        "committed_rows": job.committed_rows,
        "created": job.created_count,
        "updated": job.updated_count,
    }
