"""Background task of the intelligence app (django-tasks; run with `manage.py db_worker`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from gridgov.intelligence.classifier import IntelligenceError, train


def train_interval_days() -> int:
    return int(settings.SUGGEST_TRAIN_DAYS)


@task()
def train_task(repeat: bool = True) -> dict:
    """Retrain the dispatch model on the closed cases; with `repeat`, queue the next run
    GRIDGOV_SUGGEST_TRAIN_DAYS from now (queued first, so a failing run does not end the chain).

    Start the chain once with `manage.py train_dispatch_model --enqueue`.
    """
    if repeat:
        train_task.using(run_after=timezone.now() + timedelta(days=train_interval_days())).enqueue(
            repeat=True
        )
    try:
        info = train()
    except IntelligenceError as error:
        return {"trained": False, "reason": str(error)}
    return {"trained": True, "model": info.path, "n_train": info.n_train, "metrics": info.metrics}
