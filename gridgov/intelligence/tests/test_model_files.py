"""Model files: only files inside the models directory are ever loaded (joblib runs code)."""

import joblib
import pytest

from gridgov.intelligence import classifier
from gridgov.intelligence.classifier import IntelligenceError, active_bundle, load, model_path
from gridgov.intelligence.models import DispatchModel
from gridgov.intelligence.tests.helpers import history_world, samples

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "../evil.joblib",
        "ABSOLUTE",
        "sub/evil.joblib",
        "dispatch.pkl",
        "..",
        "models/../../evil.joblib",
    ],
)
def test_paths_outside_the_models_directory_are_refused(name, models_in_tmp, tmp_path):
    models_in_tmp.mkdir(parents=True, exist_ok=True)
    (models_in_tmp / "sub").mkdir()
    # A loadable file really exists at the outside path: the refusal is not a mere "missing".
    joblib.dump({"format": classifier.FORMAT}, tmp_path / "evil.joblib")
    name = str(tmp_path / "evil.joblib") if name == "ABSOLUTE" else name
    with pytest.raises(IntelligenceError) as refused:
        model_path(name)
    assert refused.value.code == "outside_models_dir"
    with pytest.raises(IntelligenceError) as refused:
        load(name)
    assert refused.value.code == "outside_models_dir"


def test_an_active_row_pointing_outside_is_not_loaded(tmp_path):
    joblib.dump({"format": classifier.FORMAT, "category": None}, tmp_path / "evil.joblib")
    DispatchModel.objects.create(
        created_at="2026-11-25T08:00:00Z", n_train=1, path=str(tmp_path / "evil.joblib"), active=True
    )
    with pytest.raises(IntelligenceError) as refused:
        active_bundle()
    assert refused.value.code == "outside_models_dir"
    assert classifier._loaded["bundle"] is None


def test_a_file_of_another_format_is_refused(models_in_tmp):
    models_in_tmp.mkdir(parents=True)
    joblib.dump(["not", "a", "model"], models_in_tmp / "dispatch-x.joblib")
    with pytest.raises(IntelligenceError) as refused:
        load("dispatch-x.joblib")
    assert refused.value.code == "unknown_format"
    with pytest.raises(IntelligenceError) as refused:
        load("dispatch-missing.joblib")
    assert refused.value.code == "missing"


def test_a_saved_model_loads_from_its_row(models_in_tmp):
    history_world()
    info = classifier.train(samples=samples(200))
    assert model_path(info.path) == (models_in_tmp / info.path).resolve()
    bundle = active_bundle()
    assert bundle is not None and bundle["format"] == classifier.FORMAT
    assert active_bundle() is bundle  # cached: loaded once per process
