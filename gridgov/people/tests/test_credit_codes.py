"""Unified social credit codes (GB 32100): generated codes pass, single changes and swaps are caught."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.people.credit_codes import (
    ALPHABET,
    CreditCodeError,
    check_character,
    check_credit_code,
    make_credit_code,
)

WEIGHTS = [pow(3, i, 31) for i in range(17)]  # written independently of the module
first17s = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


def error_of(text: str) -> CreditCodeError:
    with pytest.raises(CreditCodeError) as caught:
        check_credit_code(text)
    assert caught.value.field == "credit_code"
    return caught.value


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else chr(ord(c) - 0x41 + 0xFF21) for c in text)


def test_a_published_code_is_valid():
    assert check_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert make_credit_code("91350100M000100Y4") == "91350100M000100Y43"


def test_alphabet_has_31_characters_without_look_alikes():
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set("IOZSV") & set(ALPHABET)


@given(first17s)
def test_generated_codes_pass_and_round_trip(first17):
    code = make_credit_code(first17)
    assert code[:17] == first17
    assert check_credit_code(code) == code
    # Independent check of the relation the check character satisfies.
    total = sum(ALPHABET.index(c) * w for c, w in zip(code[:17], WEIGHTS, strict=True))
    assert (total + ALPHABET.index(code[17])) % 31 == 0


@given(first17s, st.sampled_from(["", " ", "\u3000", "\t"]))
def test_lower_case_whitespace_and_full_width_are_normalised(first17, padding):
    code = make_credit_code(first17)
    assert check_credit_code(padding + code.lower() + padding) == code
    assert check_credit_code(padding + fullwidth(code) + padding) == code


@given(first17s, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_every_single_character_change_is_detected(first17, position, replacement):
    code = make_credit_code(first17)
    if code[position] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % 31]
    corrupted = code[:position] + replacement + code[position + 1 :]
    assert error_of(corrupted).code == "wrong_check_character"


@given(first17s, st.integers(0, 16))
def test_every_adjacent_transposition_is_detected(first17, position):
    code = make_credit_code(first17)
    a, b = code[position], code[position + 1]
    swapped = code[:position] + b + a + code[position + 2 :]
    if a == b:
        assert check_credit_code(swapped) == code
    else:
        assert error_of(swapped).code == "wrong_check_character"


def test_the_weights_catch_every_substitution_and_adjacent_transposition():
    # 31 is prime, all weights (and 1, the check's effective weight) are non-zero mod 31 and
    # neighbours differ, and character values differ by less than 31.
    all_weights = [*WEIGHTS, 1]
    assert all(w % 31 for w in all_weights)
    assert all((w - v) % 31 for w, v in itertools.pairwise(all_weights))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "required"),
        ("  ", "required"),
        ("91350100M000100Y4", "wrong_length"),
        ("91350100M000100Y433", "wrong_length"),
        ("91350100M000100I43", "invalid_characters"),
        ("91350100M000100O43", "invalid_characters"),
        ("91350100M000100Z43", "invalid_characters"),
        ("91350100M000100S43", "invalid_characters"),
        ("91350100M000100V43", "invalid_characters"),
        ("91350100M000-00Y43", "invalid_characters"),
        ("91350100M000100Y44", "wrong_check_character"),
    ],
)
def test_each_reason_has_its_code(text, code):
    assert error_of(text).code == code


def test_check_character_refuses_bad_input():
    for first17 in ("91350100M000100Y", "91350100M000100I4"):
        with pytest.raises(ValueError, match="17"):
            check_character(first17)
