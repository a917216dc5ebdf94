"""The one-row scorer gives exactly the pipeline's probabilities."""

import numpy as np
import pytest

from gridgov.intelligence import classifier
from gridgov.intelligence.classifier import Sample, _fit_category, _fit_department, _rows
from gridgov.intelligence.compiled import Scorer
from gridgov.intelligence.tests.helpers import history_world, samples

pytestmark = pytest.mark.django_db


def _same(pipeline, rows):
    scorer = Scorer(pipeline)
    expected = pipeline.predict_proba(rows)
    for row, probabilities in zip(rows, expected, strict=True):
        assert np.allclose(scorer.proba(list(row)), probabilities, atol=1e-9)
    assert scorer.classes == [str(c) for c in pipeline.classes_]


def test_the_scorer_equals_predict_proba_for_both_heads():
    history_world()
    generated = samples(400)
    _same(_fit_category(generated), _rows(generated[:60], with_category=False))
    _same(_fit_department(generated), _rows(generated[:60], with_category=True))
    # Words the model never saw, and an empty report: the intercepts alone.
    unseen = np.array(
        [["完全陌生的词语", "150999.001.001.001", "150999.001.001.001|9999"], ["", "", "|"]], dtype=object
    )
    _same(_fit_category(generated), unseen)


def test_two_classes_and_a_single_class():
    history_world()
    generated = [s for s in samples(300) if s.category in ("0101", "0102")]
    _same(_fit_category(generated), _rows(generated[:20], with_category=False))
    one = [Sample(s.text, s.org_path, "0101", "urban_mgmt", s.reported_at) for s in generated[:40]]
    pipeline = _fit_category(one)
    assert Scorer(pipeline).ranked(["路灯不亮", "150502.001.001.001", ""]) == [("0101", 1.0)]


def test_suggest_reads_the_scorers_of_the_active_model():
    history_world()
    info = classifier.train(samples=samples(300))
    bundle = classifier.active_bundle()
    row = ["小区门口井盖缺失", "150502.001.001.001", ""]
    suggestion = classifier.suggest(row[0], org_path=row[1])
    probabilities = bundle["category"].predict_proba(np.array([row], dtype=object))[0]
    best = int(np.argmax(probabilities))
    assert suggestion.category == bundle["category"].classes_[best]
    assert suggestion.category_confidence == pytest.approx(probabilities[best], abs=1e-4)
    assert classifier._loaded["key"] == (info.id, info.path)


def test_before_registration_the_department_is_averaged_over_the_likely_categories():
    history_world()
    classifier.train(samples=samples(400))
    scorer = classifier.active_scorers().department
    text, path = "门口有点情况", "150502.001.001.001"
    lights = scorer.proba(["门口有点情况", path, f"{path}|0102"])
    fumes = scorer.proba(["门口有点情况", path, f"{path}|1302"])
    mixed = classifier._departments(scorer, text, path, "", [("0102", 0.3), ("1302", 0.1)])
    expected = scorer.top((0.3 * lights + 0.1 * fumes) / 0.4)
    assert mixed == expected
    # Given the registered category, only that category counts.
    assert classifier._departments(scorer, text, path, "0102", [("1302", 1.0)]) == scorer.top(lights)
