"""查询码: fixed vectors, alphabet, constant-time match, typed forms, link shapes."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk_app.domain.check_code import (
    CHECK_CODE_ALPHABET,
    check_code,
    code_matches,
    decode_secret,
    encode_secret,
    grouped,
    normalised_code,
    progress_link,
)

SECRET = bytes(range(32))
NUMBER = "51010400120261126000017"


def test_code_is_the_first_30_bits_of_the_hmac_in_the_alphabet() -> None:
    digest = hmac.new(SECRET, NUMBER.encode(), hashlib.sha256).digest()
    bits = format(int.from_bytes(digest[:4], "big"), "032b")[:30]
    expected = "".join(CHECK_CODE_ALPHABET[int(bits[i:i + 5], 2)] for i in range(0, 30, 5))
    assert check_code(SECRET, NUMBER) == expected
    assert len(expected) == 6


def test_alphabet_has_nothing_to_mistake() -> None:
    assert len(set(CHECK_CODE_ALPHABET)) == 32
    assert not set("01IO") & set(CHECK_CODE_ALPHABET)


def test_another_secret_or_number_gives_another_code() -> None:
    code = check_code(SECRET, NUMBER)
    assert check_code(bytes(32), NUMBER) != code
    assert check_code(SECRET, NUMBER[:-1] + "8") != code


def test_typed_forms_match_and_wrong_codes_do_not() -> None:
    code = check_code(SECRET, NUMBER)
    assert code_matches(SECRET, NUMBER, code)
    assert code_matches(SECRET, NUMBER, f" {code[:3].lower()}-{code[3:]} ")
    assert code_matches(SECRET, NUMBER, grouped(code))
    assert not code_matches(SECRET, NUMBER, code[:-1])
    assert not code_matches(SECRET, NUMBER, "")
    assert not code_matches(SECRET, NUMBER, "查询码一二三")
    assert normalised_code("ab c-2·3") == "ABC23"


@given(st.binary(min_size=16, max_size=64), st.text(min_size=1, max_size=40))
def test_every_code_is_six_symbols_of_the_alphabet(secret: bytes, number: str) -> None:
    code = check_code(secret, number)
    assert len(code) == 6 and set(code) <= set(CHECK_CODE_ALPHABET)
    assert code_matches(secret, number, code)


def test_secret_transport_round_trip_and_refusals() -> None:
    assert decode_secret(encode_secret(SECRET)) == SECRET
    assert "=" not in encode_secret(SECRET)
    with pytest.raises(ValueError):
        decode_secret("c2hvcnQ")  # "short"
    with pytest.raises(ValueError):
        decode_secret("@@@@")


@pytest.mark.parametrize(("base", "expected"), [
    ("http://p.example/q", "http://p.example/q?n=N1&c=ABC234"),
    ("http://p.example/q?lang=zh", "http://p.example/q?lang=zh&n=N1&c=ABC234"),
    ("https://zwfw.example.gov.cn/q/", "https://zwfw.example.gov.cn/q/N1?c=ABC234"),
    ("https://zwfw.example.gov.cn/progress?no=",
     "https://zwfw.example.gov.cn/progress?no=N1&c=ABC234"),
])
def test_link_shapes(base: str, expected: str) -> None:
    assert progress_link(base, "N1", "ABC234") == expected
    assert progress_link(base, "N1") == expected.replace("&c=ABC234", "").replace(
        "?c=ABC234", "")
