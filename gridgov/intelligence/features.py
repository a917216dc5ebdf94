"""The classifier's inputs: text, place and (for the department) the registered category.

Kept apart from classifier.py because the saved pipelines refer to these functions by their
module path: moving them breaks every model file already saved.

Each input row is (text, org_path, routing) where routing is "org_path|category code".
"""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from gridgov.intelligence import text

TEXT, PLACE, ROUTING = 0, 1, 2


def words(case_text: str) -> list[str]:
    return text.tokens(case_text)


def place_terms(org_path: str) -> list[str]:
    """One-hot of the street and the community the case lies in."""
    parts = (org_path or "").split(".")
    return [f"street:{'.'.join(parts[:2])}", f"community:{'.'.join(parts[:3])}"]


def routing_terms(routing: str) -> list[str]:
    """The category, its parent, and both crossed with the street: departments are chosen per
    category, and streets have their own habits (a linear model needs the crossing spelled out)."""
    org_path, _sep, category = (routing or "").partition("|")
    street = ".".join(org_path.split(".")[:2])
    top = category[:2]
    return [f"cat:{category}", f"top:{top}", f"{street}|{top}", f"{street}|{category}"]


def row(case_text: str, org_path: str, category: str = "") -> list[str]:
    return [case_text, org_path, f"{org_path}|{category}"]


def category_features() -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("words", TfidfVectorizer(analyzer=words, sublinear_tf=True), TEXT),
            (
                "chars",
                TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True, min_df=2),
                TEXT,
            ),
            ("place", CountVectorizer(analyzer=place_terms, binary=True), PLACE),
        ]
    )


def department_features() -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("words", TfidfVectorizer(analyzer=words, sublinear_tf=True), TEXT),
            ("place", CountVectorizer(analyzer=place_terms, binary=True), PLACE),
            ("routing", CountVectorizer(analyzer=routing_terms, binary=True), ROUTING),
        ]
    )
