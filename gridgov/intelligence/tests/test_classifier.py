"""The suggestion model: trained on closed cases, better than the majority class, saved and reloaded."""

import pytest
from django.core.management import call_command

from gridgov.audit.models import AuditEntry
from gridgov.cases.models import Case, State
from gridgov.intelligence import classifier
from gridgov.intelligence.classifier import IntelligenceError, suggest, train
from gridgov.intelligence.models import DispatchModel
from gridgov.intelligence.testing import create_history
from gridgov.intelligence.tests.helpers import history, history_world, samples

pytestmark = pytest.mark.django_db


def test_trained_on_closed_cases_it_beats_the_majority_class_on_the_newest_fifth(models_in_tmp):
    history_world()
    create_history(history(2500))
    # Open cases are not history: they must not count.
    assert Case.objects.filter(state=State.CLOSED).count() == 2500
    info = train()
    category, department = info.metrics["category"], info.metrics["department"]
    assert category["n_test"] == 500 and category["n_train"] == 2000
    assert category["accuracy"] > category["baseline"] + 0.2
    assert category["top3"] >= category["accuracy"]
    assert department["accuracy"] > department["baseline"] + 0.2
    # Never-dispatched cases (handled on the spot) have no department to learn.
    assert department["n_test"] + department["n_train"] < 2500
    row = DispatchModel.objects.get()
    assert row.active and row.n_train == 2500 and row.metrics["category"]["accuracy"] == category["accuracy"]
    assert (models_in_tmp / row.path).is_file()
    assert AuditEntry.objects.filter(action="intelligence.train").count() == 1

    found = suggest("小区门口井盖缺失，夜间行人容易踩空", org_path="150502.001.001.001")
    assert found is not None
    assert found.category == "0101" and found.category_confidence > 0.5
    assert found.alternatives[0] == ("0101", found.category_confidence) and len(found.alternatives) == 3
    assert [p for _c, p in found.alternatives] == sorted((p for _c, p in found.alternatives), reverse=True)
    assert found.department and 0 < found.department_confidence <= 1


def test_no_model_no_suggestion_and_too_little_history_is_refused():
    history_world()
    assert suggest("路灯不亮", 122.05, 43.6) is None
    with pytest.raises(IntelligenceError) as refused:
        train(samples=samples(10))
    assert refused.value.code == "too_few_cases"
    assert not DispatchModel.objects.exists()


def test_suggest_finds_the_place_from_coordinates_and_uses_the_registered_category():
    history_world()
    train(samples=samples(800))
    at_point = suggest("路灯不亮", 122.05, 43.6)
    by_path = suggest("路灯不亮", org_path="150502.001.001.001")
    assert at_point == by_path and at_point.category == "0102"
    # At dispatch the category is known: the department head reads it, not the suggested one.
    registered = suggest("路灯不亮", org_path="150502.001.001.001", category="0803")
    assert registered.category == "0102"
    assert registered.department_alternatives != by_path.department_alternatives


def test_a_new_active_model_is_picked_up_and_old_ones_pruned(models_in_tmp):
    history_world()
    first = train(samples=samples(300, seed=1))
    assert suggest("路灯不亮", org_path="150502.001.001.001") is not None
    loaded = classifier._loaded["bundle"]
    second = train(samples=samples(300, seed=2))
    suggest("路灯不亮", org_path="150502.001.001.001")
    assert classifier._loaded["bundle"] is not loaded
    assert classifier._loaded["key"] == (second.id, second.path)
    assert list(DispatchModel.objects.filter(active=True).values_list("pk", flat=True)) == [second.id]
    assert DispatchModel.objects.get(pk=first.id).active is False
    for seed in range(3, 3 + classifier.KEEP_MODELS):
        train(samples=samples(100, seed=seed))
    assert DispatchModel.objects.count() == classifier.KEEP_MODELS
    assert len(list(models_in_tmp.glob("*.joblib"))) == classifier.KEEP_MODELS
    assert not (models_in_tmp / first.path).exists()


def test_the_command_prints_the_held_out_figures(capsys):
    history_world()
    create_history(history(400))
    call_command("train_dispatch_model")
    out = capsys.readouterr().out
    assert "category: accuracy" in out and "majority baseline" in out
    assert DispatchModel.objects.filter(active=True).count() == 1
