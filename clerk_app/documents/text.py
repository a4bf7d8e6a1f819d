"""Text helpers for notices: cleaning typed input, filling wording, Chinese dates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime

_DIGITS = "〇一二三四五六七八九"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def clean_text(text: str) -> str:
    """Make typed text printable as is: line breaks become spaces, control and format
    characters are dropped, lone surrogates become U+FFFD."""
    if text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        if char in _WHITESPACE_CONTROLS:
            out.append(" ")
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf"):
            continue
        out.append("\ufffd" if category == "Cs" else char)
    return "".join(out)


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` with `values[name]`; unknown names stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def placeholders(template: str) -> set[str]:
    """Names of the ``{name}`` placeholders in `template`."""
    return set(_PLACEHOLDER.findall(template))


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as dates write them (十一, 二十六)."""
    if n < 10:
        return _DIGITS[n]
    tens, units = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[units] if units else "")


def chinese_date(day: date, style: str = "chinese") -> str:
    """二〇二六年十一月二十六日 (style "chinese") or 2026年11月26日 (style "arabic")."""
    if style == "arabic":
        return f"{day.year}年{day.month}月{day.day}日"
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def chinese_datetime(moment: datetime, style: str = "chinese") -> str:
    """A date as `chinese_date` followed by the time, e.g. 二〇二六年十一月二十六日 10:05."""
    return f"{chinese_date(moment.date(), style)} {moment:%H:%M}"


def ordinal(n: int) -> str:
    """Chinese ordinal digit for copy labels (一, 二, 三, … 十一)."""
    return chinese_number(n) if n < 100 else str(n)
