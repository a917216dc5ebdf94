"""What the "Suggestions" panel of the staff case page and the suggestion JSON show.

Only for cases waiting for registration or dispatch, and only to users who may register,
dispatch or merge them. The panel offers; it never acts: "apply" fills a form field in the
browser, and nothing is preselected when the model is unsure (below GRIDGOV_SUGGEST_MIN_CONFIDENCE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from gridgov.access.models import Department
from gridgov.cases.models import Case, Category, State
from gridgov.cases.rights import available_actions
from gridgov.intelligence.classifier import Suggestion, min_confidence, suggest_for_case
from gridgov.intelligence.duplicates import Duplicate, likely_duplicates

# Waiting for registration (category) or dispatch (department).
PANEL_STATES = frozenset({State.REPORTED, State.REGISTERED, State.RETURNED})
PANEL_ACTIONS = frozenset({"register", "dispatch", "merge"})


@dataclass(frozen=True)
class Option:
    code: str
    name: str
    confidence: float
    value: str  # what the form field takes

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass(frozen=True)
class Panel:
    case: Case
    suggestion: Suggestion | None
    category: Option | None
    category_confident: bool
    category_alternatives: list[Option]
    department: Option | None
    department_confident: bool
    department_alternatives: list[Option]
    duplicates: list[Duplicate]
    may_register: bool
    may_dispatch: bool
    may_merge: bool
    min_percent: int


def build_panel(user, case: Case) -> Panel | None:
    """The panel for `user` on `case`, or None when there is nothing to offer them."""
    if case.state not in PANEL_STATES:
        return None
    actions = {t.action for t in available_actions(user, case)} & PANEL_ACTIONS
    if not actions:
        return None
    language = get_language()
    suggestion = suggest_for_case(case)
    categories: list[Option] = []
    departments: list[Option] = []
    if suggestion is not None:
        categories = _categories(suggestion.alternatives, language)
        departments = _departments(suggestion.department_alternatives, case, language)
    threshold = min_confidence()
    category = categories[0] if categories else None
    department = departments[0] if departments else None
    return Panel(
        case=case,
        suggestion=suggestion,
        category=category,
        category_confident=category is not None and category.confidence >= threshold,
        category_alternatives=categories,
        department=department,
        department_confident=department is not None and department.confidence >= threshold,
        department_alternatives=departments,
        duplicates=likely_duplicates(case, user),
        may_register="register" in actions,
        may_dispatch="dispatch" in actions,
        may_merge="merge" in actions,
        min_percent=round(threshold * 100),
    )


def _categories(ranked: list[tuple[str, float]], language: str | None) -> list[Option]:
    found = {
        c.code: c for c in Category.objects.filter(code__in=[code for code, _p in ranked], is_active=True)
    }
    return [
        Option(code, found[code].name_for(language), probability, code)
        for code, probability in ranked
        if code in found
    ]


def _departments(ranked: list[tuple[str, float]], case: Case, language: str | None) -> list[Option]:
    """Only active departments serving the case's area: the dispatch would refuse the others."""
    english = bool(language and language.startswith("en"))
    found = {
        d.code: d
        for d in Department.objects.filter(
            code__in=[code for code, _p in ranked], is_active=True
        ).select_related("org_unit")
    }
    options = []
    for code, probability in ranked:
        department = found.get(code)
        if department is None or not (case.org_path + ".").startswith(department.org_unit.path + "."):
            continue
        name = department.name_en if english and department.name_en else department.name_zh
        options.append(Option(code, name, probability, f"department:{code}"))
    return options


def suggestion_panel(user, case: Case) -> dict[str, Any]:
    """Context for the case page: {"intelligence": Panel or None} (templates/intelligence/_panel.html)."""
    return {"intelligence": build_panel(user, case)}


def as_json(panel: Panel) -> dict[str, Any]:
    """The panel as the JSON endpoint answers it."""

    def option(item: Option | None) -> dict | None:
        if item is None:
            return None
        return {"code": item.code, "name": item.name, "confidence": item.confidence}

    return {
        "case": panel.case.number,
        "state": panel.case.state,
        "min_confidence": panel.min_percent / 100,
        "model": panel.suggestion is not None,
        "category": option(panel.category),
        "category_confident": panel.category_confident,
        "category_alternatives": [option(o) for o in panel.category_alternatives],
        "department": option(panel.department),
        "department_confident": panel.department_confident,
        "department_alternatives": [option(o) for o in panel.department_alternatives],
        "duplicates": [
            {
                "number": d.case.number,
                "score": d.score,
                "distance_m": round(d.distance_m, 1),
                "days_apart": round(d.days_apart, 2),
                "text_similarity": d.text_similarity,
                "same_category": d.same_category,
            }
            for d in panel.duplicates
        ],
    }
