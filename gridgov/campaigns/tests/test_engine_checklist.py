"""The checklist's pure functions: answers checked per type, required and conditional questions,
unknown codes; exception tests; the admin's checks of question definitions."""

from __future__ import annotations

import pytest
from django.utils import translation

from gridgov.campaigns import checklist
from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import ExceptionAction, Question, QuestionKind
from gridgov.campaigns.testing import QUESTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The reasons are compared in English whatever the default language and its catalog.
    with translation.override("en"):
        yield


CHOICES = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]


def q(code: str, kind: str, **fields) -> Question:
    fields.setdefault("choices", CHOICES if kind in (QuestionKind.CHOICE, QuestionKind.CHOICES) else [])
    return Question(code=code, kind=kind, text=code, **fields)


WORLD = [Question(**spec) for spec in QUESTIONS]


def errors_of(questions, answers) -> dict[str, str]:
    return checklist.check(questions, answers)[1]


@pytest.mark.parametrize(
    ("kind", "value", "cleaned"),
    [
        (QuestionKind.YES_NO, True, True),
        (QuestionKind.YES_NO, "false", False),
        (QuestionKind.CHOICE, "b", "b"),
        (QuestionKind.CHOICES, ["c", "a", "c"], ["a", "c"]),
        (QuestionKind.NUMBER, 3, 3),
        (QuestionKind.NUMBER, "2.5", 2.5),
        (QuestionKind.NUMBER, 4.0, 4),
        (QuestionKind.TEMPERATURE, 37.26, 37.3),
        (QuestionKind.TEMPERATURE, "34", 34.0),
        (QuestionKind.DATE, "2026-11-20", "2026-11-20"),
        (QuestionKind.TEXT, "  all well ", "all well"),
    ],
)
def test_each_type_accepts_and_cleans(kind, value, cleaned):
    assert checklist.validate([q("x", kind)], {"x": value}) == {"x": cleaned}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (QuestionKind.YES_NO, 1),
        (QuestionKind.YES_NO, "maybe"),
        (QuestionKind.CHOICE, "z"),
        (QuestionKind.CHOICE, ["a"]),
        (QuestionKind.CHOICES, "a"),
        (QuestionKind.CHOICES, ["a", "z"]),
        (QuestionKind.NUMBER, "three"),
        (QuestionKind.NUMBER, True),
        (QuestionKind.NUMBER, float("nan")),
        (QuestionKind.TEMPERATURE, 33.9),
        (QuestionKind.TEMPERATURE, 43.1),
        (QuestionKind.TEMPERATURE, "hot"),
        (QuestionKind.DATE, "20/11/2026"),
        (QuestionKind.DATE, "2026-02-30"),
        (QuestionKind.TEXT, "x" * 201),
        (QuestionKind.TEXT, 12),
    ],
)
def test_each_type_refuses_a_wrong_value_naming_the_question(kind, value):
    with pytest.raises(CampaignError) as raised:
        checklist.validate([q("x", kind)], {"x": value})
    assert raised.value.field == "answers.x"


def test_required_questions_must_be_answered_optional_ones_not():
    questions = [q("a", QuestionKind.YES_NO), q("b", QuestionKind.TEXT, required=False)]
    assert errors_of(questions, {}) == {"answers.a": "Answer this question."}
    assert errors_of(questions, {"a": None, "b": ""}).keys() == {"answers.a"}
    assert checklist.validate(questions, {"a": False, "b": "  "}) == {"a": False}


def test_unknown_codes_are_refused():
    with pytest.raises(CampaignError) as raised:
        checklist.validate(WORLD, {"fever": False, "heating": "ok", "blood_type": "A"})
    assert raised.value.field == "answers.blood_type"


def test_answers_must_be_an_object():
    with pytest.raises(CampaignError) as raised:
        checklist.validate(WORLD, ["fever"])
    assert raised.value.field == "answers"


def test_a_question_whose_condition_fails_is_not_required_and_its_answer_dropped():
    assert checklist.validate(WORLD, {"fever": False, "heating": "ok"}) == {"fever": False, "heating": "ok"}
    # A stale answer to the conditional question (the phone kept it) is ignored, not refused.
    assert checklist.validate(WORLD, {"fever": False, "temperature": 39.0, "heating": "ok"}) == {
        "fever": False,
        "heating": "ok",
    }
    assert errors_of(WORLD, {"fever": True, "heating": "ok"}) == {
        "answers.temperature": "Answer this question."
    }
    assert (
        checklist.validate(WORLD, {"fever": True, "temperature": 38.5, "heating": "ok"})["temperature"]
        == 38.5
    )


def test_conditions_chain_and_look_at_cleaned_answers():
    questions = [
        q("kind", QuestionKind.CHOICE),
        q("how_many", QuestionKind.NUMBER, condition={"question": "kind", "in": ["a", "b"]}),
        q("big", QuestionKind.TEXT, condition={"question": "how_many", "gte": 5}),
    ]
    assert checklist.validate(questions, {"kind": "c", "how_many": 9, "big": "x"}) == {"kind": "c"}
    assert errors_of(questions, {"kind": "a", "how_many": "7"}) == {"answers.big": "Answer this question."}
    assert checklist.validate(questions, {"kind": "b", "how_many": 2}) == {"kind": "b", "how_many": 2}


def test_every_problem_is_listed_for_forms():
    errors = errors_of(WORLD, {"fever": "perhaps", "heating": "cold", "x": 1})
    assert set(errors) == {"answers.fever", "answers.heating", "answers.x"}


@pytest.mark.parametrize(
    ("test", "value", "expected"),
    [
        ({"equals": True}, True, True),
        ({"equals": True}, False, False),
        ({"equals": 1}, True, False),  # a yes is not the number one
        ({"in": ["none", "weak"]}, "weak", True),
        ({"in": ["none"]}, "ok", False),
        ({"gte": 37.3}, 37.3, True),
        ({"gte": 37.3}, 37.2, False),
        ({"lte": 2}, 3, False),
        ({"gte": 1, "lte": 3}, 2, True),
        ({"gte": "2026-01-01"}, "2026-03-01", True),
        ({"equals": "a"}, ["a", "b"], True),
        ({"in": ["c"]}, ["a", "b"], False),
        ({"gte": 1}, ["a"], False),
        ({}, True, False),
    ],
)
def test_matches(test, value, expected):
    assert checklist.matches(test, value) is expected


def test_exceptions_are_the_questions_whose_test_matches():
    answers = checklist.validate(WORLD, {"fever": True, "temperature": 38.0, "heating": "none"})
    assert [question.code for question in checklist.exceptions(WORLD, answers)] == ["fever", "heating"]
    answers = checklist.validate(WORLD, {"fever": False, "heating": "weak"})
    assert checklist.exceptions(WORLD, answers) == []


# --- Definitions -------------------------------------------------------------------------------


def test_the_world_checklist_is_well_defined():
    assert checklist.checklist_errors(WORLD, ["07"]) == {}


def test_choice_kinds_need_choices_and_others_none():
    assert checklist.definition_errors(q("x", QuestionKind.CHOICE, choices=[]), []).keys() == {"choices"}
    assert checklist.definition_errors(q("x", QuestionKind.CHOICES, choices=[{"value": "a"}]), []).keys() == {
        "choices"
    }
    twice = [{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]
    assert checklist.definition_errors(q("x", QuestionKind.CHOICE, choices=twice), []).keys() == {"choices"}
    assert checklist.definition_errors(q("x", QuestionKind.TEXT, choices=CHOICES), []).keys() == {"choices"}


def test_a_condition_must_refer_to_an_earlier_question_with_a_fitting_test():
    fever = q("fever", QuestionKind.YES_NO)
    later = q("temp", QuestionKind.TEMPERATURE, condition={"question": "fever", "equals": True})
    assert checklist.definition_errors(later, [fever]) == {}
    assert checklist.definition_errors(later, []).keys() == {"condition"}
    # The same list in the wrong order: the condition refers to a later question.
    assert checklist.checklist_errors([later, fever]).keys() == {0}
    wrong = q("temp", QuestionKind.TEMPERATURE, condition={"question": "fever", "equals": "yes"})
    assert checklist.definition_errors(wrong, [fever]).keys() == {"condition"}
    typo = q("temp", QuestionKind.TEMPERATURE, condition={"question": "fever", "equal": True})
    assert checklist.definition_errors(typo, [fever]).keys() == {"condition"}


@pytest.mark.parametrize(
    ("kind", "test", "ok"),
    [
        (QuestionKind.YES_NO, {"equals": True}, True),
        (QuestionKind.YES_NO, {"gte": 1}, False),
        (QuestionKind.CHOICE, {"in": ["a", "c"]}, True),
        (QuestionKind.CHOICE, {"in": ["z"]}, False),
        (QuestionKind.CHOICE, {"in": []}, False),
        (QuestionKind.CHOICES, {"equals": "b"}, True),
        (QuestionKind.TEMPERATURE, {"gte": 37.3}, True),
        (QuestionKind.TEMPERATURE, {"gte": "37.3"}, False),
        (QuestionKind.NUMBER, {"lte": 0, "gte": -5}, True),
        (QuestionKind.DATE, {"lte": "2026-12-01"}, True),
        (QuestionKind.DATE, {"lte": "yesterday"}, False),
        (QuestionKind.TEXT, {"equals": "no"}, True),
        (QuestionKind.TEXT, {"gte": "a"}, False),
        (QuestionKind.TEXT, {}, False),
        (QuestionKind.TEXT, "no", False),
    ],
)
def test_exception_tests_must_fit_the_kind(kind, test, ok):
    question = q("x", kind, exception=test, exception_action=ExceptionAction.FOLLOW_UP, exception_label="L")
    assert ("exception" not in checklist.definition_errors(question, [])) is ok


def test_exception_action_label_and_category_go_together():
    base = {"exception": {"equals": True}, "exception_label": "发热"}
    assert checklist.definition_errors(q("x", QuestionKind.YES_NO, **base), []).keys() == {"exception_action"}
    no_label = q(
        "x", QuestionKind.YES_NO, exception={"equals": True}, exception_action=ExceptionAction.FOLLOW_UP
    )
    assert checklist.definition_errors(no_label, []).keys() == {"exception_label"}
    no_test = q("x", QuestionKind.YES_NO, exception_action=ExceptionAction.FOLLOW_UP, exception_label="L")
    assert checklist.definition_errors(no_test, []).keys() == {"exception"}
    case = q("x", QuestionKind.YES_NO, exception_action=ExceptionAction.CASE, **base)
    assert checklist.definition_errors(case, [], ["07"]).keys() == {"exception_category"}
    case.exception_category = "99"
    assert checklist.definition_errors(case, [], ["07"]).keys() == {"exception_category"}
    case.exception_category = "07"
    assert checklist.definition_errors(case, [], ["07"]) == {}
    follow = q(
        "x", QuestionKind.YES_NO, exception_action=ExceptionAction.FOLLOW_UP, exception_category="07", **base
    )
    assert checklist.definition_errors(follow, []).keys() == {"exception_category"}


def test_codes_are_unique_in_a_checklist():
    problems = checklist.checklist_errors([q("a", QuestionKind.TEXT), q("a", QuestionKind.NUMBER)])
    assert problems == {1: {"code": "Each question needs its own code."}}
