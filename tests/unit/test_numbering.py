"""Application numbers: format, check character, parsing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk_app.domain.numbering import check_char, format_number, parse_number


def test_check_char_matches_mod_11_2_of_identity_standard() -> None:
    # GB 11643's example 11010519491231002X uses the same ISO 7064 MOD 11-2 check.
    assert check_char("11010519491231002") == "X"


def test_format_and_parse_round_trip() -> None:
    number = format_number("510104", "001", date(2026, 11, 26), 17)
    assert len(number) == 23
    assert number.startswith("51010400120261126" + "00017")
    parsed = parse_number(number)
    assert parsed is not None
    assert (parsed.region, parsed.station, parsed.day, parsed.sequence) == (
        "510104", "001", date(2026, 11, 26), 17)


def test_parse_accepts_separators_and_lowercase_x() -> None:
    number = format_number("510104", "001", date(2026, 11, 26), 1)
    spaced = f"{number[:6]} {number[6:9]}-{number[9:17]} {number[17:]}".lower()
    assert parse_number(spaced) is not None


@pytest.mark.parametrize("bad", ["", "123", "5101040012026112600017", "510104001202613260001X"])
def test_parse_rejects_malformed(bad: str) -> None:
    assert parse_number(bad) is None


@given(st.integers(1, 99999), st.integers(0, 21), st.sampled_from("0123456789"))
def test_any_single_digit_change_is_caught(sequence: int, position: int, digit: str) -> None:
    number = format_number("510104", "001", date(2026, 11, 26), sequence)
    if number[position] == digit:
        return
    changed = number[:position] + digit + number[position + 1:]
    assert parse_number(changed) is None


@given(st.integers(1, 99999), st.integers(0, 20))
def test_adjacent_swap_is_caught(sequence: int, position: int) -> None:
    number = format_number("510104", "001", date(2026, 11, 26), sequence)
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2:]
    assert parse_number(swapped) is None


def test_format_rejects_bad_parts() -> None:
    with pytest.raises(ValueError):
        format_number("51010", "001", date(2026, 1, 1), 1)
    with pytest.raises(ValueError):
        format_number("510104", "1", date(2026, 1, 1), 1)
    with pytest.raises(ValueError):
        format_number("510104", "001", date(2026, 1, 1), 100000)
