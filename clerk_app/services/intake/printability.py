"""Can a typed name or address be printed on a notice? Checked as it is typed (打印字符检查).

The notice renderer draws each character with the first bundled font that has it
(`clerk_app.documents.fonts`); a character none has prints as an empty box. The form asks the
same question while the clerk types, before anything is written:

- an emoji, a symbol or a private-use character is never part of a name or an address: the
  field is refused until it is removed;
- a letter no bundled font has (a rare 生僻字) may be a real name: the clerk is warned that
  the notice will show a box there, to be written in by hand.

Common text (ASCII, the 20,902 basic CJK ideographs, full-width forms, the usual CJK
punctuation) is answered without loading a font, so typing stays instant and reportlab is not
imported; anything else asks the fonts (about 0.7 s the first time, unless `warm_up` ran).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from clerk_app.i18n import _

# Ranges every bundled face set covers (tests/documents/test_printability.py checks it).
_ALWAYS_PRINTABLE = (
    (0x20, 0x7E),  # ASCII
    (0xB7, 0xB7),  # · in minority names
    (0x3000, 0x3003),  # 　、。〃
    (0x3008, 0x3011),  # 〈〉《》「」『』【】
    (0x4E00, 0x9FA5),  # CJK Unified Ideographs (GB 13000 basic)
    (0xFF01, 0xFF5E),  # full-width forms
)


def _always_printable(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _ALWAYS_PRINTABLE)


@dataclass(frozen=True)
class Printability:
    """What of a text would not print: refused characters and missing letters, each once."""

    refused: tuple[str, ...] = ()  # emoji, symbols, private use, unassigned
    missing: tuple[str, ...] = ()  # letters (生僻字) no bundled font has

    @property
    def ok(self) -> bool:
        return not self.refused and not self.missing


def check(text: str) -> Printability:
    """Which characters of `text` the notice could not print, by the renderer's own fonts."""
    odd = [ch for ch in dict.fromkeys(text) if not ch.isspace() and not _always_printable(ch)]
    if not odd:
        return Printability()
    from clerk_app.documents.fonts import missing_glyphs  # loads reportlab on first need

    unprintable = missing_glyphs("".join(odd))
    refused = tuple(ch for ch in unprintable if unicodedata.category(ch)[0] not in "LNM")
    missing = tuple(ch for ch in unprintable if ch not in refused)
    return Printability(refused, missing)


def refused_message(label: str, chars: tuple[str, ...]) -> str:
    return _("{label}含有无法打印的字符“{chars}”（表情或符号），请删除").format(
        label=label, chars="".join(chars))


def missing_message(chars: tuple[str, ...]) -> str:
    return _("“{chars}”字库中没有，通知书上会印成方框，请核对；打印后在该处手工补写").format(
        chars="".join(chars))


def warm_up() -> None:
    """Load every bundled face's character map now (a worker thread at start-up), so that the
    first odd character typed is checked without a pause."""
    from clerk_app.documents.fonts import missing_glyphs

    missing_glyphs("\U0001f600\U00020000\u3400")
