"""AHVN13: 756 + nine digits + EAN-13 check digit, accepted with or without dots."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain.ahvn13 import Ahvn13, ean13_check_digit
from app.domain.errors import InvalidValue

FORMATTED = re.compile(r"^756\.\d{4}\.\d{4}\.\d{2}$")
ASCII_DIGITS = "0123456789"


def reference_check_digit(first_twelve: str) -> int:
    """Independent EAN-13 implementation: weight 3 on every digit at an even position counted from 1."""
    odd = sum(int(first_twelve[i]) for i in range(0, 12, 2))
    even = sum(int(first_twelve[i]) for i in range(1, 12, 2))
    return -(odd + 3 * even) % 10


def dotted(digits: str) -> str:
    return f"{digits[:3]}.{digits[3:7]}.{digits[7:11]}.{digits[11:]}"


bodies = st.text(alphabet=ASCII_DIGITS, min_size=9, max_size=9).map(lambda nine: "756" + nine)
valid_numbers = bodies.map(lambda twelve: twelve + str(reference_check_digit(twelve)))


# -- the EAN-13 check digit ---------------------------------------------------------------------------


def test_ean13_weighting_hand_computed_for_the_documented_example() -> None:
    # 756.9217.0769.85 — digits 7 5 6 9 2 1 7 0 7 6 9 8, weights 1 3 1 3 1 3 1 3 1 3 1 3 from the left:
    #   7·1 + 5·3 + 6·1 + 9·3 + 2·1 + 1·3 + 7·1 + 0·3 + 7·1 + 6·3 + 9·1 + 8·3
    # = 7 + 15 + 6 + 27 + 2 + 3 + 7 + 0 + 7 + 18 + 9 + 24 = 125
    # check digit = (10 − 125 mod 10) mod 10 = 5
    assert ean13_check_digit("756921707698") == 5


def test_ean13_check_digit_is_zero_when_the_weighted_sum_is_a_multiple_of_ten() -> None:
    # 7·1 + 5·3 + 6·1 + 0·3 + 2·1 + 0 + … + 0 = 7 + 15 + 6 + 2 = 30 → (10 − 0) mod 10 = 0
    assert ean13_check_digit("756020000000") == 0
    assert Ahvn13.parse("756.0200.0000.00").digits == "7560200000000"


@given(bodies)
def test_ean13_check_digit_agrees_with_an_independent_computation(twelve: str) -> None:
    assert ean13_check_digit(twelve) == reference_check_digit(twelve)


# -- accepted forms ---------------------------------------------------------------------------------


def test_known_real_format_example_is_valid() -> None:
    number = Ahvn13.parse("756.9217.0769.85")
    assert number.digits == "7569217076985"
    assert number.formatted == "756.9217.0769.85"
    assert str(number) == "756.9217.0769.85"


@given(valid_numbers)
def test_valid_number_without_dots_parses(digits: str) -> None:
    assert Ahvn13.parse(digits).digits == digits


@given(valid_numbers)
def test_valid_number_with_dots_parses_to_the_same_number(digits: str) -> None:
    assert Ahvn13.parse(dotted(digits)) == Ahvn13.parse(digits)


@given(valid_numbers, st.sampled_from(["", " ", "\t", "  \n"]), st.sampled_from(["", " ", "\n", " \t "]))
def test_surrounding_blanks_are_ignored(digits: str, before: str, after: str) -> None:
    assert Ahvn13.parse(before + dotted(digits) + after).digits == digits


@given(valid_numbers)
def test_formatted_round_trips(digits: str) -> None:
    number = Ahvn13.parse(digits)
    assert FORMATTED.match(number.formatted)
    assert Ahvn13.parse(number.formatted) == number
    assert number.formatted.replace(".", "") == digits


# -- refused forms ----------------------------------------------------------------------------------


@given(bodies, st.integers(min_value=0, max_value=9))
def test_wrong_check_digit_is_refused_naming_the_pruefziffer(twelve: str, check: int) -> None:
    assume(check != reference_check_digit(twelve))
    for text in (twelve + str(check), dotted(twelve + str(check))):
        with pytest.raises(InvalidValue) as refused:
            Ahvn13.parse(text)
        assert "Prüfziffer" in refused.value.message


@given(
    st.text(alphabet=ASCII_DIGITS, min_size=3, max_size=3),
    st.text(alphabet=ASCII_DIGITS, min_size=9, max_size=9),
)
def test_number_not_starting_with_756_is_refused(prefix: str, nine: str) -> None:
    assume(prefix != "756")
    twelve = prefix + nine
    digits = twelve + str(reference_check_digit(twelve))  # the check digit itself is right
    with pytest.raises(InvalidValue) as refused:
        Ahvn13.parse(digits)
    assert "756" in refused.value.message


@given(st.text(alphabet=ASCII_DIGITS, max_size=20).filter(lambda s: len(s) != 13))
def test_wrong_number_of_digits_is_refused(digits: str) -> None:
    with pytest.raises(InvalidValue):
        Ahvn13.parse(digits)


@given(
    valid_numbers,
    st.integers(min_value=0, max_value=12),
    st.characters(codec="ascii", exclude_characters=ASCII_DIGITS + ". \t\n\r\x0b\x0c"),
)
def test_a_letter_or_symbol_in_place_of_a_digit_is_refused(digits: str, position: int, intruder: str) -> None:
    with pytest.raises(InvalidValue):
        Ahvn13.parse(digits[:position] + intruder + digits[position + 1 :])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "756",
        "7569.217.0769.85",  # dots in the wrong places
        "756.9217.076985.",
        "756..9217.0769.85",
        "756-9217-0769-85",  # other separators
        "756 9217 0769 85",
        "756.9217.0769.8S",
        "+756.9217.0769.85",
    ],
)
def test_malformed_text_is_refused_with_the_expected_format_in_the_message(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        Ahvn13.parse(text)
    assert "756.XXXX.XXXX.XX" in refused.value.message


def test_constructor_refuses_what_parse_would_refuse() -> None:
    with pytest.raises(InvalidValue):
        Ahvn13("756.9217.0769.85")  # the constructor takes digits only
    with pytest.raises(InvalidValue):
        Ahvn13("7569217076984")


@pytest.mark.parametrize(
    "text",
    [
        "756.\uff19\uff12\uff11\uff17.\uff10\uff17\uff16\uff19.\uff18\uff15",  # full-width digits
        "756\u0669\u0662\u0661\u0667\u0660\u0667\u0666\u0669\u0668\u0665",  # Arabic-Indic digits
    ],
)
def test_non_ascii_digits_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        Ahvn13.parse(text)


def test_constructor_refuses_superscript_digits_with_invalid_value() -> None:
    with pytest.raises(InvalidValue):
        Ahvn13("756921707698\u00b2")
