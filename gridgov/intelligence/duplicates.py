"""Likely duplicates of a case: open cases close in place, time and wording.

Candidates are the open cases the user may see within RADIUS_M (haversine) and WINDOW_DAYS of
the case's report. Each gets one score from 0 to 1:

    score = 0.25 × place + 0.15 × time + 0.35 × text + 0.25 × category

with place = 1 − distance / RADIUS_M, time = 1 − days apart / WINDOW_DAYS, text the cosine
similarity of the two descriptions' term-frequency vectors over jieba words and letter pairs
(letter pairs keep a reworded report close: "井盖丢了" and "丢失井盖" share "井盖"), and
category 1 for the same category, 0.5 for the same top-level category, 0 otherwise.

Why these weights: short reports of two different problems at the same door share their place
words ("3号楼门口"), so wording alone does not separate them; the category does. Two
different problems of different kinds at the same spot on the same day score about 0.5 and
stay below the default threshold 0.65 (GRIDGOV_DUPLICATE_MIN_SCORE); the same problem in other
words 30 m away, same category, scores about 0.7 or more. The detector only offers: merging is
the dispatcher's `merge` action.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from gridgov.access.scope import scoped
from gridgov.cases.models import Case
from gridgov.cases.states import OPEN_STATES
from gridgov.intelligence.text import case_text, similarity_terms
from gridgov.participation.duplicates import METRES_PER_DEGREE, haversine_m

RADIUS_M = 200.0
WINDOW_DAYS = 14
WEIGHTS = {"place": 0.25, "time": 0.15, "text": 0.35, "category": 0.25}
RELATED_CATEGORY = 0.5  # the share of the category weight for the same top-level category
VIEW = "cases.view"


def min_score() -> float:
    return float(settings.DUPLICATE_MIN_SCORE)


@dataclass(frozen=True)
class Duplicate:
    case: Case
    score: float
    distance_m: float
    days_apart: float
    text_similarity: float
    same_category: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def pair_score(
    distance_m: float, days_apart: float, text_similarity: float, *, same_category: bool, related: bool
) -> float:
    """The documented score of one pair; 0 outside the radius or the time window."""
    if distance_m > RADIUS_M or abs(days_apart) > WINDOW_DAYS:
        return 0.0
    place = 1 - distance_m / RADIUS_M
    time = 1 - abs(days_apart) / WINDOW_DAYS
    category = 1.0 if same_category else RELATED_CATEGORY if related else 0.0
    score = (
        WEIGHTS["place"] * place
        + WEIGHTS["time"] * time
        + WEIGHTS["text"] * text_similarity
        + WEIGHTS["category"] * category
    )
    return min(1.0, max(0.0, score))


def _top(code: str) -> str:
    return code[:2]


def candidates(case: Case, user=None):
    """Open cases near `case` in place and time (a bounding box on indexed columns), the user may see."""
    dlat = RADIUS_M / METRES_PER_DEGREE
    dlon = RADIUS_M / (METRES_PER_DEGREE * max(math.cos(math.radians(case.lat)), 0.01))
    window = timedelta(days=WINDOW_DAYS)
    cases = Case.objects.all() if user is None else scoped(user, Case.objects.all(), VIEW)
    return (
        cases.filter(
            state__in=sorted(OPEN_STATES),
            reported_at__range=(case.reported_at - window, case.reported_at + window),
            lon__range=(case.lon - dlon, case.lon + dlon),
            lat__range=(case.lat - dlat, case.lat + dlat),
        )
        .exclude(pk=case.pk)
        .select_related("category")
    )


def likely_duplicates(
    case: Case, user=None, *, limit: int = 5, threshold: float | None = None
) -> list[Duplicate]:
    """The open cases most likely reporting the same problem as `case`, best first.

    `user`: only cases this user may see (cases.view); None: all (system use). Only pairs
    scoring at least `threshold` (default GRIDGOV_DUPLICATE_MIN_SCORE) are returned.
    """
    threshold = min_score() if threshold is None else threshold
    found = [c for c in candidates(case, user) if haversine_m(case.lon, case.lat, c.lon, c.lat) <= RADIUS_M]
    if not found:
        return []
    similarities = text_similarities(case_text(case.description), [case_text(c.description) for c in found])
    category_code = case.category.code
    scored = []
    for other, similarity in zip(found, similarities, strict=True):
        distance = haversine_m(case.lon, case.lat, other.lon, other.lat)
        days = (other.reported_at - case.reported_at).total_seconds() / 86400
        same = other.category.code == category_code
        score = pair_score(
            distance,
            days,
            similarity,
            same_category=same,
            related=_top(other.category.code) == _top(category_code),
        )
        if score >= threshold:
            scored.append(Duplicate(other, round(score, 4), distance, abs(days), round(similarity, 4), same))
    scored.sort(key=lambda d: (-d.score, d.distance_m))
    return scored[:limit]


def text_similarities(text: str, others: list[str]) -> list[float]:
    """Cosine similarity of `text` to each of `others` (sub-linear term frequencies, no IDF: the
    few texts compared are too few to weigh terms by)."""
    if not others:
        return []
    vectorizer = TfidfVectorizer(analyzer=similarity_terms, sublinear_tf=True, use_idf=False)
    try:
        matrix = vectorizer.fit_transform([text, *others])
    except ValueError:  # no terms at all (empty texts)
        return [0.0] * len(others)
    return [float(x) for x in cosine_similarity(matrix[0], matrix[1:])[0]]
