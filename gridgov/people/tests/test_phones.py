"""Mainland mobile numbers: accepted spellings, each error's code, and masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.people.phones import PhoneError, check_mobile, mask_mobile

mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.integers(3, 9), st.integers(0, 10**9 - 1))


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        " 13812345678 ",
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "8613812345678",
        "008613812345678",
        "0086 138 1234 5678",
        "１３８１２３４５６７８",
        "＋８６ １３８－１２３４－５６７８",
    ],
)
def test_accepted_spellings(text):
    assert check_mobile(text) == "13812345678"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "required"),
        (" - ", "required"),
        ("+86", "required"),
        ("138.1234.5678", "invalid_characters"),
        ("(138)12345678", "invalid_characters"),
        ("١٣٨١٢٣٤٥٦٧٨", "invalid_characters"),  # Arabic-Indic digits
        ("1381234567", "wrong_length"),
        ("138123456789", "wrong_length"),
        ("+8613812345", "wrong_length"),
        ("12812345678", "not_mobile"),
        ("10812345678", "not_mobile"),
        ("02112345678", "not_mobile"),
        ("+86 021 1234 5678", "not_mobile"),
    ],
)
def test_each_reason_has_its_code(text, code):
    with pytest.raises(PhoneError) as caught:
        check_mobile(text)
    assert caught.value.code == code
    assert caught.value.field == "phone"


@given(mobiles, st.sampled_from(["", "+86", "+86 ", "86", "0086"]))
def test_generated_mobiles_pass(number, prefix):
    assert check_mobile(prefix + number) == number


def test_mask_example():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("+86 138-1234-5678") == "138****5678"


@given(mobiles)
def test_mask_shows_only_the_first_three_and_last_four(number):
    masked = mask_mobile(number)
    assert masked == number[:3] + "****" + number[-4:]


@given(st.text(max_size=30))
def test_mask_never_shows_more_than_seven_characters_of_anything(text):
    masked = mask_mobile(text)
    assert sum(1 for c in masked if c != "*") <= 7
