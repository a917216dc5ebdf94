"""Suggested category and handling department, learned from the district's closed cases.

Two heads on the same case text (jieba words, letter pairs) and place (street, community):
- category: the leaf category the case was closed under;
- department: `Case.department` of the cases that were dispatched to one, with the category
  (known at dispatch time: it was registered) crossed with the street as extra inputs.
Both are multinomial logistic regressions, whose probabilities are the confidences shown.

`train()` holds out the newest 20 % of the history (by reported_at) to measure accuracy,
top-3 accuracy and the majority-class baseline, then refits on everything and saves the
pipelines with joblib under GRIDGOV_DATA_DIR/models plus a DispatchModel row that becomes the
active one. `suggest()` uses the active model, loaded once per process and reloaded when
another row becomes active. A model only suggests: nothing here changes a case.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from gridgov.audit.log import record
from gridgov.cases.models import Case, State
from gridgov.intelligence import features
from gridgov.intelligence.compiled import Scorer
from gridgov.intelligence.models import DispatchModel
from gridgov.intelligence.text import case_text

FORMAT = 1
TEST_SHARE = 0.2
# The newest closed cases trained on: enough for any district's habits, bounded in memory and time.
MAX_TRAINING_CASES = 200_000
MIN_TRAINING_CASES = 30
KEEP_MODELS = 5


class IntelligenceError(Exception):
    """A model could not be trained or loaded; the message says why, `code` what for programs."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def min_confidence() -> float:
    """Below this a suggestion is only offered as uncertain alternatives, never preselected."""
    return float(settings.SUGGEST_MIN_CONFIDENCE)


@dataclass(frozen=True)
class Sample:
    """One closed case as the classifier sees it."""

    text: str
    org_path: str
    category: str  # leaf category code
    department: str  # department code, "" if never dispatched
    reported_at: datetime


@dataclass(frozen=True)
class ModelInfo:
    id: int
    created_at: datetime
    path: str
    n_train: int
    metrics: dict[str, Any]


@dataclass(frozen=True)
class Suggestion:
    category: str
    category_confidence: float
    department: str  # "" when the model knows no department
    department_confidence: float
    # The three most likely categories and departments, best first: (code, probability).
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    department_alternatives: list[tuple[str, float]] = field(default_factory=list)

    @property
    def category_confident(self) -> bool:
        return self.category_confidence >= min_confidence()

    @property
    def department_confident(self) -> bool:
        return bool(self.department) and self.department_confidence >= min_confidence()


# --- Training ----------------------------------------------------------------------------------


def closed_case_samples(limit: int = MAX_TRAINING_CASES) -> list[Sample]:
    """The newest `limit` closed cases, oldest first."""
    rows = (
        Case.objects.filter(state=State.CLOSED)
        .order_by("-reported_at", "-id")
        .values_list(
            "description", "address", "org_path", "category__code", "department__code", "reported_at"
        )[:limit]
    )
    samples = [
        Sample(case_text(description, address), org_path, category, department or "", reported_at)
        for description, address, org_path, category, department, reported_at in rows
    ]
    samples.reverse()
    return samples


def _classifier(labels: list[str]) -> Any:
    if len(set(labels)) < 2:
        return DummyClassifier(strategy="most_frequent")
    # saga on the sparse inputs: an order of magnitude faster than lbfgs with many classes, and
    # a loose tolerance is enough for a ranking.
    return LogisticRegression(C=4.0, solver="saga", max_iter=60, tol=1e-3)


def _fit(pipeline: Pipeline, rows: np.ndarray, labels: list[str]) -> Pipeline:
    with warnings.catch_warnings():
        # The iteration cap is deliberate (see _classifier): a ranking needs no exact optimum.
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(rows, labels)
    return pipeline


def _fit_category(samples: list[Sample]) -> Pipeline:
    labels = [s.category for s in samples]
    pipeline = Pipeline([("features", features.category_features()), ("model", _classifier(labels))])
    return _fit(pipeline, _rows(samples, with_category=False), labels)


def _fit_department(samples: list[Sample]) -> Pipeline | None:
    dispatched = [s for s in samples if s.department]
    if not dispatched:
        return None
    labels = [s.department for s in dispatched]
    pipeline = Pipeline([("features", features.department_features()), ("model", _classifier(labels))])
    return _fit(pipeline, _rows(dispatched, with_category=True), labels)


def _rows(samples: list[Sample], *, with_category: bool) -> np.ndarray:
    return np.array(
        [features.row(s.text, s.org_path, s.category if with_category else "") for s in samples], dtype=object
    )


def _evaluate(
    pipeline: Pipeline | None, rows: np.ndarray, labels: list[str], train_labels: list[str]
) -> dict:
    """Accuracy, top-3 accuracy and the majority-class baseline on the held-out rows."""
    if pipeline is None or not labels:
        return {"n_test": len(labels), "n_train": len(train_labels)}
    probabilities = pipeline.predict_proba(rows)
    classes = pipeline.classes_
    order = np.argsort(-probabilities, axis=1)
    best = classes[order[:, 0]]
    top3 = [label in classes[order[i, :3]] for i, label in enumerate(labels)]
    majority = max(set(train_labels), key=train_labels.count)
    return {
        "accuracy": round(float(np.mean(best == np.array(labels, dtype=object))), 4),
        "top3": round(float(np.mean(top3)), 4),
        "baseline": round(float(np.mean([label == majority for label in labels])), 4),
        "majority": majority,
        "n_test": len(labels),
        "n_train": len(train_labels),
        "classes": len(set(train_labels)),
    }


def evaluate(samples: list[Sample]) -> dict[str, Any]:
    """Fit on the oldest 80 % of `samples` (oldest first), measure on the newest 20 %."""
    cut = int(len(samples) * (1 - TEST_SHARE))
    train_part, test_part = samples[:cut], samples[cut:]
    category = _fit_category(train_part)
    department = _fit_department(train_part)
    dispatched_test = [s for s in test_part if s.department]
    return {
        "category": _evaluate(
            category,
            _rows(test_part, with_category=False),
            [s.category for s in test_part],
            [s.category for s in train_part],
        ),
        "department": _evaluate(
            department,
            _rows(dispatched_test, with_category=True),
            [s.department for s in dispatched_test],
            [s.department for s in train_part if s.department],
        ),
        "split": {
            "test_share": TEST_SHARE,
            "test_from": test_part[0].reported_at.isoformat() if test_part else None,
        },
    }


def train(now: datetime | None = None, *, samples: list[Sample] | None = None) -> ModelInfo:
    """Measure on a held-out split, refit on all closed cases (or `samples`), save, activate.

    Raises IntelligenceError when there are fewer than MIN_TRAINING_CASES cases.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    samples = sorted(closed_case_samples() if samples is None else samples, key=lambda s: s.reported_at)
    if len(samples) < MIN_TRAINING_CASES:
        raise IntelligenceError(
            _("At least %(min)d closed cases are needed to train; there are %(count)d.")
            % {"min": MIN_TRAINING_CASES, "count": len(samples)},
            code="too_few_cases",
        )
    metrics = evaluate(samples)
    bundle = {
        "format": FORMAT,
        "category": _fit_category(samples),
        "department": _fit_department(samples),
        "created_at": now.isoformat(),
    }
    metrics["seconds"] = round(time.perf_counter() - started, 2)
    name = f"dispatch-{now:%Y%m%dT%H%M%S%f}.joblib"
    directory = models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{name}.part"
    joblib.dump(bundle, partial)
    os.replace(partial, directory / name)
    with transaction.atomic():
        DispatchModel.objects.filter(active=True).update(active=False)
        row = DispatchModel.objects.create(
            created_at=now, n_train=len(samples), metrics=metrics, path=name, active=True
        )
        record("intelligence.train", target=row, details={"n_train": len(samples), **_summary(metrics)})
    _prune()
    forget_loaded()
    return ModelInfo(row.pk, row.created_at, row.path, row.n_train, metrics)


def describe(info: ModelInfo) -> str:
    """The held-out figures of a trained model, as the command prints them."""
    lines = [f"model {info.path}: {info.n_train} closed cases, {info.metrics.get('seconds', 0)} s"]
    for head in ("category", "department"):
        figures = info.metrics.get(head, {})
        if "accuracy" not in figures:
            lines.append(f"{head}: not enough held-out cases ({figures.get('n_test', 0)})")
            continue
        lines.append(
            f"{head}: accuracy {figures['accuracy']:.3f}, top-3 {figures['top3']:.3f}, "
            f"majority baseline {figures['baseline']:.3f} (held out {figures['n_test']}, "
            f"trained {figures['n_train']}, {figures['classes']} classes)"
        )
    return "\n".join(lines)


def _summary(metrics: dict) -> dict:
    return {
        head: {k: metrics[head].get(k) for k in ("accuracy", "baseline")}
        for head in ("category", "department")
    }


def _prune() -> None:
    """Keep the KEEP_MODELS newest models (rows and files); the active one always stays."""
    old = list(DispatchModel.objects.filter(active=False).order_by("-created_at", "-id")[KEEP_MODELS - 1 :])
    for row in old:
        # A row naming a file elsewhere: leave that file alone.
        with contextlib.suppress(IntelligenceError):
            model_path(row.path).unlink(missing_ok=True)
        row.delete()


# --- Loading -----------------------------------------------------------------------------------


def models_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


def model_path(name: str) -> Path:
    """The model file `name` inside the models directory; IntelligenceError for anything else.

    Loading a joblib file runs code from it, so only files this module wrote are ever loaded.
    """
    directory = models_dir().resolve()
    path = (directory / name).resolve()
    if not path.is_relative_to(directory) or path.parent != directory or path.suffix != ".joblib":
        raise IntelligenceError(
            _("Refusing to load a model file outside %(dir)s.") % {"dir": directory},
            code="outside_models_dir",
        )
    return path


def load(name: str) -> dict[str, Any]:
    path = model_path(name)
    if not path.is_file():
        raise IntelligenceError(_("The model file %(name)s is missing.") % {"name": name}, code="missing")
    bundle = joblib.load(path)
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise IntelligenceError(
            _("The model file %(name)s has an unknown format.") % {"name": name}, code="unknown_format"
        )
    return bundle


# How long a process trusts its idea of which model is active before asking the database again.
CHECK_SECONDS = 5.0

_lock = threading.Lock()
_loaded: dict[str, Any] = {"key": None, "bundle": None, "scorers": None, "checked": 0.0}


@dataclass(frozen=True)
class Scorers:
    category: Scorer
    department: Scorer | None


def active_bundle() -> dict[str, Any] | None:
    """The active model's pipelines, cached per process; None when no model is active.

    The active row is looked up at most every CHECK_SECONDS: another process's new model is
    picked up within that time, this process's own at once (train() forgets the cache).
    """
    if _loaded["key"] is not None and time.monotonic() - _loaded["checked"] < CHECK_SECONDS:
        return _loaded["bundle"]
    current = DispatchModel.objects.filter(active=True).values_list("id", "path").first()
    if current is None:
        forget_loaded()
        return None
    if _loaded["key"] != current:
        with _lock:
            if _loaded["key"] != current:
                bundle = load(current[1])
                _loaded["scorers"] = Scorers(
                    Scorer(bundle["category"]),
                    Scorer(bundle["department"]) if bundle["department"] is not None else None,
                )
                _loaded["bundle"] = bundle
                _loaded["key"] = current
    _loaded["checked"] = time.monotonic()
    return _loaded["bundle"]


def active_scorers() -> Scorers | None:
    return _loaded["scorers"] if active_bundle() is not None else None


def forget_loaded() -> None:
    """Drop this process's cached model: the next suggestion asks the database."""
    _loaded.update(key=None, bundle=None, scorers=None, checked=0.0)


# --- Suggesting --------------------------------------------------------------------------------


def suggest(
    text: str, lon: float | None = None, lat: float | None = None, *, org_path: str = "", category: str = ""
) -> Suggestion | None:
    """The most likely category and department for a case (None when no model is active).

    The place is `org_path` when known, else the grid under (lon, lat). `category`: the
    registered category, when there is one (the department head then uses it instead of the
    suggested one).
    """
    scorers = active_scorers()
    if scorers is None:
        return None
    if not org_path and lon is not None and lat is not None:
        org_path = _path_at(lon, lat)
    categories = scorers.category.ranked(features.row(text, org_path))
    departments: list[tuple[str, float]] = []
    if scorers.department is not None:
        departments = _departments(scorers.department, text, org_path, category, categories)
    best_department = departments[0] if departments else ("", 0.0)
    return Suggestion(
        category=categories[0][0],
        category_confidence=categories[0][1],
        department=best_department[0],
        department_confidence=best_department[1],
        alternatives=categories,
        department_alternatives=departments,
    )


def _departments(
    scorer: Scorer, text: str, org_path: str, category: str, categories: list[tuple[str, float]]
) -> list[tuple[str, float]]:
    """The department ranking given the registered category; before registration, averaged over
    the likely categories by their probability, so that an unsure category makes an unsure
    department rather than a confident answer for a guessed category."""
    if category:
        return scorer.ranked(features.row(text, org_path, category))
    weights = sum(p for _code, p in categories)
    mixed = sum(p * scorer.proba(features.row(text, org_path, code)) for code, p in categories)
    return scorer.top(np.asarray(mixed) / weights if weights > 0 else np.asarray(mixed))


def _path_at(lon: float, lat: float) -> str:
    from gridgov.geo import index

    grid_id = index.grid_id_at(float(lon), float(lat))
    return "" if grid_id is None else _grid_path(grid_id)


@functools.lru_cache(maxsize=4096)
def _grid_path(grid_id: int) -> str:
    # A grid keeps its path (merged grids become inactive rather than move); a stale entry
    # would only weaken one suggestion.
    from gridgov.geo.models import OrgUnit

    return OrgUnit.objects.filter(pk=grid_id).values_list("path", flat=True).first() or ""


def suggest_for_case(case: Case) -> Suggestion | None:
    """The suggestion for a case on its page: its text and grid; after registration its category."""
    registered = case.state != State.REPORTED
    return suggest(
        case_text(case.description, case.address),
        org_path=case.org_path,
        category=case.category.code if registered else "",
    )
