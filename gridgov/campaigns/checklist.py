"""A campaign's checklist as pure functions: answers checked and cleaned against the questions,
the exceptions the answers set off, and the checks of question definitions the admin runs.

Tests (in `condition` and `exception`) are dicts of one or more operators, all of which must
hold: {"equals": v}, {"in": [v, …]}, {"gte": n}, {"lte": n}. A condition also names the
earlier question it looks at: {"question": "fever", "equals": true}. On a several-choices
answer, `equals` means "includes" and `in` means "includes any of".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext as _

from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import ExceptionAction, QuestionKind

TEXT_MAX = 200
TEMPERATURE_RANGE = (34.0, 43.0)
OPERATORS = ("equals", "in", "gte", "lte")
ORDERED_KINDS = frozenset({QuestionKind.NUMBER, QuestionKind.TEMPERATURE, QuestionKind.DATE})
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class QuestionLike(Protocol):
    code: str
    kind: str
    required: bool
    choices: Any
    condition: Any
    exception: Any
    exception_action: str
    exception_label: str
    exception_category: str


Q = TypeVar("Q", bound=QuestionLike)


# --- Answers -----------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def choice_values(question: QuestionLike) -> list[str]:
    return [str(c.get("value")) for c in question.choices or [] if isinstance(c, dict)]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def clean_value(question: QuestionLike, value: Any) -> Any:
    """The answer to `question` in its stored form (JSON); raises CampaignError naming
    "answers.<code>". `value` is not missing."""
    field = f"answers.{question.code}"
    kind = question.kind
    if kind == QuestionKind.YES_NO:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise CampaignError(field, _("Answer yes or no."))
    if kind == QuestionKind.CHOICE:
        if isinstance(value, str) and value in choice_values(question):
            return value
        raise CampaignError(field, _("Choose one of the answers offered."))
    if kind == QuestionKind.CHOICES:
        values = choice_values(question)
        if not isinstance(value, list) or not all(isinstance(v, str) and v in values for v in value):
            raise CampaignError(field, _("Choose among the answers offered."))
        return [v for v in values if v in value]  # the checklist's order, no repeats
    if kind in (QuestionKind.NUMBER, QuestionKind.TEMPERATURE):
        number = _number(value)
        if number is None:
            raise CampaignError(field, _("Enter a number."))
        if kind == QuestionKind.TEMPERATURE:
            low, high = TEMPERATURE_RANGE
            if not low <= number <= high:
                raise CampaignError(
                    field,
                    _("Enter a body temperature between %(low)s and %(high)s °C.")
                    % {"low": low, "high": high},
                )
            return round(number, 1)
        return int(number) if number.is_integer() else number
    if kind == QuestionKind.DATE:
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise CampaignError(field, _("Enter a date as YYYY-MM-DD.")) from None
    if kind == QuestionKind.TEXT:
        if not isinstance(value, str):
            raise CampaignError(field, _("Enter a text."))
        text = value.strip()
        if len(text) > TEXT_MAX:
            raise CampaignError(field, _("Use at most %(n)s characters.") % {"n": TEXT_MAX})
        return text
    raise CampaignError(field, _("This question cannot be answered."))


def matches(test: Mapping[str, Any], value: Any) -> bool:
    """Whether a (cleaned) answer passes every operator of `test`."""
    if value is None:
        return False
    ops = [(op, test[op]) for op in OPERATORS if op in test]
    if not ops:
        return False
    for op, expected in ops:
        if isinstance(value, list):
            wanted = [expected] if op == "equals" else expected if op == "in" else None
            if wanted is None or not any(v in value for v in wanted):
                return False
        elif op == "equals":
            if type(value) is bool or type(expected) is bool:
                if value is not expected:
                    return False
            elif value != expected:
                return False
        elif op == "in":
            if not any(_same(value, v) for v in expected):
                return False
        else:
            try:
                ok = value >= expected if op == "gte" else value <= expected
            except TypeError:
                return False
            if not ok:
                return False
    return True


def _same(value: Any, expected: Any) -> bool:
    if type(value) is bool or type(expected) is bool:
        return value is expected
    return value == expected


def is_asked(question: QuestionLike, answers: Mapping[str, Any]) -> bool:
    """Whether the question's condition holds on the (cleaned) earlier answers."""
    condition = question.condition
    if not condition:
        return True
    return matches(condition, answers.get(condition.get("question")))


def validate(questions: Sequence[QuestionLike], answers: Any) -> dict[str, Any]:
    """The cleaned answers, in checklist order; raises CampaignError for the first problem.

    Questions whose condition does not hold are not required and their answers are dropped.
    """
    cleaned, errors = check(questions, answers)
    if errors:
        field, message = next(iter(errors.items()))
        raise CampaignError(field, message)
    return cleaned


def check(questions: Sequence[QuestionLike], answers: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """(cleaned answers, {"answers.<code>": message}) — every problem, for forms."""
    if answers is None:
        answers = {}
    if not isinstance(answers, Mapping):
        return {}, {"answers": _("Send the answers as an object of question codes.")}
    errors: dict[str, str] = {}
    codes = {q.code for q in questions}
    for code in answers:
        if code not in codes:
            errors[f"answers.{code}"] = _("Unknown question.")
    cleaned: dict[str, Any] = {}
    for question in questions:
        if not is_asked(question, cleaned):
            continue
        value = answers.get(question.code)
        if _missing(value):
            if question.required:
                errors[f"answers.{question.code}"] = _("Answer this question.")
            continue
        try:
            cleaned[question.code] = clean_value(question, value)
        except CampaignError as error:
            errors[error.field] = str(error.message)
    return cleaned, errors


def exceptions(questions: Iterable[Q], answers: Mapping[str, Any]) -> list[Q]:
    """The questions whose exception test the (cleaned) answers match."""
    return [
        q for q in questions if q.exception and q.code in answers and matches(q.exception, answers[q.code])
    ]


# --- Question definitions (admin) ------------------------------------------------------------------


def _test_errors(test: Any, kind: str, choices: list[str], *, condition: bool) -> str | None:
    """Why `test` is not a well-formed test for an answer of `kind`, or None."""
    if not isinstance(test, dict):
        return _('Give the test as an object, e.g. {"equals": true}.')
    allowed = set(OPERATORS) | ({"question"} if condition else set())
    unknown = set(test) - allowed
    if unknown:
        return _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
    ops = [op for op in OPERATORS if op in test]
    if not ops:
        return _("Give one of equals, in, gte, lte.")

    def fits(value: Any) -> bool:
        if kind == QuestionKind.YES_NO:
            return isinstance(value, bool)
        if kind in (QuestionKind.CHOICE, QuestionKind.CHOICES):
            return isinstance(value, str) and value in choices
        if kind in (QuestionKind.NUMBER, QuestionKind.TEMPERATURE):
            return _number(value) is not None and not isinstance(value, str)
        if kind == QuestionKind.DATE:
            try:
                date.fromisoformat(value)
            except (TypeError, ValueError):
                return False
            return True
        return isinstance(value, str)

    for op in ops:
        expected = test[op]
        if op in ("gte", "lte") and kind not in ORDERED_KINDS:
            return _("%(op)s applies to numbers, temperatures and dates only.") % {"op": op}
        if op == "in":
            if not isinstance(expected, list) or not expected or not all(fits(v) for v in expected):
                return _('"in" needs a list of possible answers to this question.')
        elif not fits(expected):
            return _("%(op)s needs a possible answer to this question.") % {"op": op}
    return None


def definition_errors(
    question: QuestionLike, earlier: Sequence[QuestionLike], category_codes: Iterable[str] | None = None
) -> dict[str, str]:
    """Problems of one question's definition given the questions before it: {field: message}.

    `category_codes`: the active case category codes (loaded by the caller when the question
    reports cases; None skips that check)."""
    errors: dict[str, str] = {}
    kind = question.kind
    choices = question.choices or []
    if kind in (QuestionKind.CHOICE, QuestionKind.CHOICES):
        values = [c.get("value") for c in choices if isinstance(c, dict)]
        if (
            not isinstance(choices, list)
            or not choices
            or len(values) != len(choices)
            or not all(isinstance(v, str) and v for v in values)
            or not all(isinstance(c.get("label"), str) and c.get("label") for c in choices)
        ):
            errors["choices"] = _('List the answers as [{"value": "a", "label": "…"}, …].')
        elif len(set(values)) != len(values):
            errors["choices"] = _("Each answer needs its own value.")
    elif choices:
        errors["choices"] = _("Only choice questions have answers to choose from.")
    offered = (
        [str(c.get("value")) for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []
    )

    condition = question.condition
    if condition:
        before = {q.code: q for q in earlier}
        source = before.get(str(condition.get("question"))) if isinstance(condition, dict) else None
        if source is None:
            errors["condition"] = _("The condition must refer to an earlier question's code.")
        else:
            problem = _test_errors(condition, source.kind, choice_values(source), condition=True)
            if problem:
                errors["condition"] = problem

    test = question.exception
    action = question.exception_action or ""
    if test:
        problem = _test_errors(test, kind, offered, condition=False)
        if problem:
            errors["exception"] = problem
        if action not in (ExceptionAction.FOLLOW_UP, ExceptionAction.CASE):
            errors["exception_action"] = _("Choose what an exception sets off.")
        if not (question.exception_label or "").strip():
            errors["exception_label"] = _("Name the exception (shown in follow-ups and cases).")
    elif action:
        errors["exception"] = _("Say which answers are an exception.")
    if action == ExceptionAction.CASE:
        code = (question.exception_category or "").strip()
        if not code:
            errors["exception_category"] = _("Give the case category code.")
        elif category_codes is not None and code not in set(category_codes):
            errors["exception_category"] = _("Unknown or inactive case category.")
    elif question.exception_category:
        errors["exception_category"] = _("Only questions that report a case have a category.")
    return errors


def checklist_errors(
    questions: Sequence[QuestionLike], category_codes: Iterable[str] | None = None
) -> dict[int, dict[str, str]]:
    """Problems of a whole checklist in order: {index: {field: message}} (duplicate codes too)."""
    codes = list(category_codes) if category_codes is not None else None
    problems: dict[int, dict[str, str]] = {}
    seen: set[str] = set()
    for index, question in enumerate(questions):
        errors = definition_errors(question, questions[:index], codes)
        if question.code in seen:
            errors["code"] = _("Each question needs its own code.")
        seen.add(question.code)
        if errors:
            problems[index] = errors
    return problems
