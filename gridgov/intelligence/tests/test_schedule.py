"""Training on schedule (the task and --enqueue) and the demo's model."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gridgov.cases.models import Case
from gridgov.intelligence.demo import DEMO_HISTORY, train_demo_model
from gridgov.intelligence.models import DispatchModel
from gridgov.intelligence.tasks import train_task
from gridgov.intelligence.testing import create_history
from gridgov.intelligence.tests.helpers import history, history_world

pytestmark = pytest.mark.django_db


def test_the_task_trains_and_queues_its_next_run(settings):
    settings.SUGGEST_TRAIN_DAYS = 3
    history_world()
    create_history(history(200))
    before = timezone.now()
    result = train_task.call()
    assert result["trained"] is True and result["n_train"] == 200
    assert DispatchModel.objects.filter(active=True).count() == 1
    (queued,) = DBTaskResult.objects.filter(task_path=train_task.module_path)
    assert queued.status == "READY"
    assert before + timedelta(days=3) <= queued.run_after <= timezone.now() + timedelta(days=3)


def test_the_task_survives_an_empty_history():
    history_world()
    result = train_task.call(repeat=False)
    assert result["trained"] is False and "30" in result["reason"]
    assert not DispatchModel.objects.exists()


def test_enqueue_starts_one_chain(capsys):
    call_command("train_dispatch_model", "--enqueue")
    call_command("train_dispatch_model", "--enqueue")
    out = capsys.readouterr().out
    assert "Queued the training task" in out and "already queued" in out
    assert DBTaskResult.objects.filter(task_path=train_task.module_path).count() == 1


def test_the_demo_model_is_trained_on_generated_history_it_does_not_store():
    history_world()
    info = train_demo_model()
    assert info.n_train == DEMO_HISTORY
    assert info.metrics["category"]["accuracy"] > info.metrics["category"]["baseline"] + 0.2
    assert DispatchModel.objects.get(active=True).pk == info.id
    assert not Case.objects.exists()
