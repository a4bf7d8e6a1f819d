"""Bundled CJK fonts (内置字体): lazy registration, per-character fallback, glyph coverage.

Main face: AR PL UMing CN (Song/Ming). Fallbacks, tried in order for characters the main
face lacks: Droid Sans Fallback (rest of the BMP, CJK Ext. A) and HanaMinB (CJK Ext. B-F,
planes 2-3). Each face is parsed only when a character first needs it (`font_face`: the file
mapped, its tables unpacked in bulk).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics

from clerk_app.documents.font_face import MappedTTFont

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"


@dataclass(frozen=True)
class BundledFont:
    """One TrueType face shipped in resources/fonts."""

    name: str
    file: str
    subfont_index: int = 0
    min_codepoint: int = 0  # skip (and never load) this face for characters below


MAIN_FONT = BundledFont("ClerkSong", "uming.ttc", 0)
FALLBACK_FONTS = (
    BundledFont("ClerkFallback", "DroidSansFallbackFull.ttf"),
    BundledFont("ClerkExtB", "HanaMinB.ttf", min_codepoint=0x20000),
)
ALL_FONTS = (MAIN_FONT, *FALLBACK_FONTS)


_lock = threading.Lock()
_cmaps: dict[str, frozenset[int] | dict[int, int]] = {}
_choice: dict[str, str | None] = {}
_in_main: set[str] = set()  # characters font_for() gave the main face: texts of only these
# skip the per-character walk (most of a notice's text)


def _cmap(font: BundledFont) -> frozenset[int] | dict[int, int]:
    """Register `font` with reportlab on first use and return its character map."""
    cmap = _cmaps.get(font.name)
    if cmap is None:
        with _lock:
            cmap = _cmaps.get(font.name)
            if cmap is None:
                face = MappedTTFont(font.name, FONT_DIR / font.file, font.subfont_index)
                pdfmetrics.registerFont(face)
                cmap = face.face.charToGlyph
                _cmaps[font.name] = cmap
    return cmap


def main_font() -> str:
    """Name of the main face, registered."""
    _cmap(MAIN_FONT)
    return MAIN_FONT.name


def preload() -> None:
    """Parse the main face now (~10 ms; reportlab's own parser took ~50), e.g. from a worker
    thread at start-up, so the first notice prints without that wait. Fallback faces still
    load when first needed."""
    main_font()


def font_for(char: str) -> str | None:
    """The first bundled face that has a glyph for `char`, or None."""
    try:
        return _choice[char]
    except KeyError:
        pass
    code = ord(char)
    found: str | None = None
    for font in ALL_FONTS:
        if code >= font.min_codepoint and code in _cmap(font):
            found = font.name
            break
    _choice[char] = found
    if found == MAIN_FONT.name:
        _in_main.add(char)
    return found


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` no bundled font can draw, each once, in order of appearance."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and not char.isspace() and font_for(char) is None:
            seen[char] = None
    return list(seen)


def font_runs(text: str) -> list[tuple[str, str]]:
    """Split `text` into (font name, run) pairs; glyphless characters stay in the main face."""
    main = main_font()
    if _in_main.issuperset(text):
        return [(main, text)] if text else []
    runs: list[tuple[str, str]] = []
    current = main
    start = 0
    for i, char in enumerate(text):
        name = font_for(char) or main
        if name != current:
            if i > start:
                runs.append((current, text[start:i]))
            current, start = name, i
    if len(text) > start:
        runs.append((current, text[start:]))
    return runs


def to_markup(text: str) -> str:
    """Paragraph markup printing `text` literally, with fallback faces where needed."""
    main = main_font()
    parts: list[str] = []
    for name, run in font_runs(text):
        # reportlab collapses U+3000 like any space; two no-break spaces keep its full width.
        # html.escape(quote=False) is xml.sax.saxutils.escape without importing urllib (60 ms).
        escaped = html.escape(run, quote=False).replace("\u3000", "\u00a0\u00a0")
        parts.append(escaped if name == main else f'<font face="{name}">{escaped}</font>')
    return "".join(parts)


def is_plain(text: str, size: float, width: float) -> bool:
    """True if `text` is one line of the main face no wider than `width` at `size`."""
    main = main_font()
    if "\n" in text or (
        not _in_main.issuperset(text) and any(font_for(char) != main for char in text)
    ):
        return False
    return pdfmetrics.stringWidth(text, main, size) <= width


def string_width(text: str, size: float) -> float:
    """Width in points of `text` drawn with fallback runs at `size`."""
    return sum(pdfmetrics.stringWidth(run, name, size) for name, run in font_runs(text))


def font_files() -> Iterable[Path]:
    """Paths of every bundled face (for packaging and checks)."""
    return (FONT_DIR / font.file for font in ALL_FONTS)
