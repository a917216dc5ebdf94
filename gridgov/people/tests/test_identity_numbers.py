"""ID numbers (GB 11643): generated valid numbers pass, every corruption the scheme can catch is caught."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gridgov.people.identity_numbers import (
    PROVINCE_CODES,
    IdNumberError,
    check_digit,
    check_id_number,
    make_id_number,
    mask_id_number,
    to_halfwidth,
)

TODAY = date(2025, 6, 30)
WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # ISO 7064 MOD 11-2, written independently of the module

provinces = st.sampled_from(sorted(PROVINCE_CODES))
counties = st.integers(1, 9999).map(lambda n: f"{n:04d}")
regions = st.builds(lambda p, c: p + c, provinces, counties)
births = st.dates(date(1900, 1, 1), TODAY)
sequences = st.integers(0, 999)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    return make_id_number(draw(regions), draw(births), draw(sequences))


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else chr(ord(c) - 0x41 + 0xFF21) for c in text)


def error_of(text: str, **kwargs) -> IdNumberError:
    with pytest.raises(IdNumberError) as caught:
        check_id_number(text, today=TODAY, **kwargs)
    assert caught.value.field == "id_number"
    return caught.value


# --- Valid numbers -------------------------------------------------------------------------------


def test_the_standards_example_is_valid():
    checked = check_id_number("11010519491231002X", today=TODAY)
    assert checked.number == "11010519491231002X"
    assert checked.region == "110105"
    assert checked.birth_date == date(1949, 12, 31)
    assert checked.sex == "female"
    assert not checked.upgraded_from_legacy


@given(regions, births, sequences)
def test_generated_numbers_pass_and_round_trip(region, birth, sequence):
    number = make_id_number(region, birth, sequence)
    checked = check_id_number(number, today=TODAY)
    assert checked.number == number
    assert len(number) == 18
    assert checked.region == region
    assert checked.birth_date == birth
    assert checked.sex == ("male" if sequence % 2 else "female")
    assert not checked.upgraded_from_legacy
    # The check character obeys the full MOD 11-2 relation (X counts 10), computed here independently.
    value = 10 if number[17] == "X" else int(number[17])
    assert (sum(int(d) * w for d, w in zip(number[:17], WEIGHTS, strict=True)) + value) % 11 == 1


@given(id_numbers(), st.sampled_from(["", " ", "\t", "\u3000", "\n "]))
def test_whitespace_lower_case_x_and_full_width_are_normalised(number, padding):
    assert check_id_number(padding + number.lower() + padding, today=TODAY).number == number
    assert check_id_number(padding + fullwidth(number) + padding, today=TODAY).number == number
    assert check_id_number(fullwidth(number).lower(), today=TODAY).number == number


def test_full_width_example():
    assert check_id_number("１１０１０５１９４９１２３１００２Ｘ", today=TODAY).number == "11010519491231002X"


@given(regions, st.dates(date(1900, 1, 1), date(1999, 12, 31)), sequences)
def test_legacy_15_digit_numbers_upgrade_with_the_right_check_digit(region, birth, sequence):
    legacy = f"{region}{birth:%y%m%d}{sequence:03d}"
    checked = check_id_number(legacy, today=TODAY)
    assert checked.upgraded_from_legacy
    assert checked.number == make_id_number(region, birth, sequence)
    assert checked.number == legacy[:6] + "19" + legacy[6:] + check_digit(legacy[:6] + "19" + legacy[6:])
    assert checked.birth_date == birth
    assert checked.sex == ("male" if sequence % 2 else "female")


def test_legacy_example_upgrades_to_the_standards_example():
    assert check_id_number("110105491231002", today=TODAY).number == "11010519491231002X"


def test_birth_date_bounds_are_inclusive():
    assert check_id_number(make_id_number("110105", date(1900, 1, 1), 1), today=TODAY)
    assert check_id_number(make_id_number("110105", TODAY, 1), today=TODAY)


def test_today_defaults_to_the_local_date():
    tomorrow = date.today() + timedelta(days=2)
    with pytest.raises(IdNumberError) as caught:
        check_id_number(make_id_number("110105", tomorrow, 1))
    assert caught.value.code == "birth_date_in_future"
    assert check_id_number(make_id_number("110105", date.today() - timedelta(days=2), 1))


# --- Corrupted numbers ---------------------------------------------------------------------------


@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_character_change_is_detected(number, position, replacement):
    if number[position] == replacement:
        replacement = "0" if replacement != "0" else "1"
    corrupted = number[:position] + replacement + number[position + 1 :]
    error_of(corrupted)
    if replacement != "X" and position < 17:
        # Detected by the checksum itself, not only by the region or date rules.
        assert check_digit(corrupted[:17]) != corrupted[17]


@given(id_numbers(), st.integers(0, 16))
def test_every_adjacent_transposition_is_detected(number, position):
    a, b = number[position], number[position + 1]
    swapped = number[:position] + b + a + number[position + 2 :]
    if a == b:
        assert check_id_number(swapped, today=TODAY).number == number
        return
    error_of(swapped)
    if "X" not in (a, b):
        assert check_digit(swapped[:17]) != swapped[17]


def test_the_weights_catch_every_substitution_and_adjacent_transposition():
    # Why the two properties above hold: 11 is prime, every weight (and 1, the check's weight) is
    # non-zero mod 11 and neighbours differ, and digit differences are smaller than 11.
    all_weights = [*WEIGHTS, 1]
    for i, w in enumerate(all_weights):
        assert w % 11
        if i + 1 < len(all_weights):
            assert (w - all_weights[i + 1]) % 11
    for a in range(11):
        for b in range(11):
            if a != b:
                assert all((a - b) * w % 11 for w in all_weights)


# --- Each reason has its code --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("1101051949123100", "wrong_length"),
        ("11010519491231002X1", "wrong_length"),
        ("1101051949123100X2", "invalid_characters"),
        ("11010519491231002Y", "invalid_characters"),
        ("11010549123100X", "invalid_characters"),  # a legacy number has no check character
        ("11010519491231 02X", "invalid_characters"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "invalid_characters"),  # Arabic-Indic digits are not read as digits
        ("¹10105194912310021", "invalid_characters"),
    ],
)
def test_format_errors(text, code):
    assert error_of(text).code == code


def test_the_34_provincial_level_codes():
    expected = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46"
    expected += " 50 51 52 53 54 61 62 63 64 65 71 81 82"
    assert sorted(PROVINCE_CODES) == expected.split()


def test_region_errors():
    for province in (f"{n:02d}" for n in range(100)):
        number = province + "010519491231002"
        if province in PROVINCE_CODES:
            assert check_id_number(number + check_digit(number), today=TODAY).region == province + "0105"
        else:
            assert error_of(number + check_digit(number)).code == "unknown_province"
    number = "11000019491231002"
    assert error_of(number + check_digit(number)).code == "unknown_region"
    assert error_of("110000491231002").code == "unknown_region"


@pytest.mark.parametrize(
    ("birth", "code"),
    [
        ("19490230", "invalid_birth_date"),
        ("19491301", "invalid_birth_date"),
        ("19490000", "invalid_birth_date"),
        ("00000101", "invalid_birth_date"),
        ("19000229", "invalid_birth_date"),  # 1900 was not a leap year
        ("18991231", "birth_date_too_early"),
        ("20250701", "birth_date_in_future"),
    ],
)
def test_birth_date_errors(birth, code):
    number = "110105" + birth + "002"
    assert error_of(number + check_digit(number)).code == code


def test_legacy_birth_date_error():
    assert error_of("110105490231002").code == "invalid_birth_date"


def test_wrong_check_digit():
    error = error_of("110105194912310021")
    assert error.code == "wrong_check_digit"
    with translation.override("en"):
        assert "last character" in str(error.message)
        assert str(error).startswith("id_number: ")


def test_make_id_number_refuses_what_the_check_refuses():
    for region, sequence in [("110000", 1), ("990105", 1), ("11010", 1), ("110105", 1000), ("110105", -1)]:
        with pytest.raises(ValueError, match=r"region|sequence"):
            make_id_number(region, date(1990, 1, 1), sequence)
    with pytest.raises(ValueError, match="17"):
        check_digit("1101051949123100")


def test_halfwidth_keeps_other_characters():
    assert to_halfwidth("Ａｂ１＋－\u3000é²") == "Ab1+- é²"


# --- Masking -------------------------------------------------------------------------------------


def test_mask_example():
    assert mask_id_number("150502199001011234") == "150502**********34"
    assert mask_id_number("110105491231002") == "110105*******02"


@given(id_numbers())
def test_mask_shows_only_the_first_six_and_last_two(number):
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert masked == number[:6] + "*" * 10 + number[-2:]
    assert number[6:16] not in masked


@given(st.text(max_size=40))
def test_mask_never_shows_more_than_eight_characters_of_anything(text):
    masked = mask_id_number(text)
    assert sum(1 for c in masked if c != "*") <= 8
