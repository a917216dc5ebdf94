import pytest

from gridgov.intelligence import classifier


@pytest.fixture(autouse=True)
def models_in_tmp(settings, tmp_path):
    """Every test saves its models in its own data directory and starts with nothing loaded."""
    settings.DATA_DIR = tmp_path
    classifier.forget_loaded()
    yield tmp_path / "models"
    classifier.forget_loaded()
