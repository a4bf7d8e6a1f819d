"""The fast bundled-font face gives reportlab's values and subsets, byte for byte."""

from __future__ import annotations

import random
import struct
from dataclasses import replace
from functools import cache

import pytest
from reportlab.lib import textsplit
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from clerk_app.documents import fonts, rl_setup
from clerk_app.documents.font_face import BundledFace, MappedTTFont
from clerk_app.documents.fonts import ALL_FONTS, FONT_DIR, BundledFont
from clerk_app.documents.notice_data import NoticeKind
from clerk_app.documents.notices import render_notice
from tests.documents.samples import KIND_MATTERS, sample

# the file's bytes and caches; the read pointer; the scale function (compared by value below)
NOT_COMPARED = {"_ttf_data", "_tables", "_glyphs", "_glyf", "_post", "_glyph_to_char", "_hmetrics",
                "_advances", "_lsbs", "_trailing", "_last_advance", "hmetrics",
                "glyphToChar", "_pos", "_pdfScale"}


@cache
def _faces(font: BundledFont) -> tuple[TTFontFace, BundledFace]:
    path = str(FONT_DIR / font.file)
    return (
        TTFontFace(path, subfontIndex=font.subfont_index),
        BundledFace(path, subfontIndex=font.subfont_index),
    )


def _composites(face: TTFontFace, limit: int) -> list[int]:
    """Glyph indexes of composite glyphs (negative contour count), up to `limit`."""
    start = face.get_table_pos("glyf")[0]
    found = []
    for glyph in range(face.numGlyphs):
        pos = face.glyphPos[glyph]
        size = face.glyphPos[glyph + 1] - pos
        if size > 2 and struct.unpack_from(">h", face._ttf_data, start + pos)[0] < 0:
            found.append(glyph)
            if len(found) == limit:
                break
    return found


@pytest.mark.parametrize("font", ALL_FONTS, ids=lambda font: font.name)
def test_parsed_values_are_reportlabs(font: BundledFont) -> None:
    original, fast = _faces(font)
    expected = {k: v for k, v in vars(original).items() if k not in NOT_COMPARED}
    got = {k: v for k, v in vars(fast).items() if k not in NOT_COMPARED}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == value, key
    assert len(fast.charToGlyph) > 20_000
    assert fast._pdfScale(1024) == original._pdfScale(1024)
    # built on first use, with the same values in the same order
    assert fast.glyphToChar == original.glyphToChar
    assert fast.hmetrics == original.hmetrics


@pytest.mark.parametrize("font", ALL_FONTS, ids=lambda font: font.name)
def test_subsets_are_reportlabs_byte_for_byte(font: BundledFont) -> None:
    original = _faces(font)[0]
    fast = BundledFace(str(FONT_DIR / font.file), subfontIndex=font.subfont_index)
    chars = sorted(original.charToGlyph)
    rng = random.Random(font.name)
    subsets = [
        [0, *range(32, 127)],  # the ASCII subset reportlab starts with
        [0, *rng.sample(chars, 255)],
        [0, *rng.sample(chars, 40), 0x10FFFF],  # a character the face lacks -> glyph 0
        [ord(c) for c in "受理通知书申请人，。：“”《》（）〇一二三"],
    ]
    by_glyph = {glyph: char for char, glyph in original.charToGlyph.items()}
    composite_chars = [by_glyph[g] for g in _composites(original, 30) if g in by_glyph]
    if composite_chars:
        subsets.append([0, *composite_chars, *rng.sample(chars, 20)])
    for subset in subsets:
        assert fast.makeSubset(subset) == TTFontFace.makeSubset(original, subset)
    assert fast._hmetrics is None  # the subsets above came from the metric arrays
    fast.hmetrics = list(original.hmetrics)  # as reportlab's own parser leaves them
    assert fast.makeSubset(subsets[1]) == TTFontFace.makeSubset(original, subsets[1])
    if font.name == "ClerkSong":
        assert composite_chars, "UMing has composite glyphs: the renumbering path is covered"


def test_mapped_font_measures_and_embeds_like_ttfont() -> None:
    font = ALL_FONTS[0]
    path = FONT_DIR / font.file
    original = TTFont("OriginalSong", str(path), subfontIndex=font.subfont_index)
    mapped = MappedTTFont("MappedSong", path, font.subfont_index)
    text = "窗口受理通知书 No.12 （申请人留存）"
    assert mapped.stringWidth(text, 14) == original.stringWidth(text, 14)
    assert mapped._asciiReadable == original._asciiReadable
    assert mapped.shapable == original.shapable
    assert isinstance(mapped.encoding, type(original.encoding))


@pytest.mark.parametrize("kind", [NoticeKind.ACCEPTANCE, NoticeKind.SERVICE_RECEIPT])
def test_notice_bytes_are_those_of_reportlabs_own_font_code(
    kind: NoticeKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: the fast face, subsets, widths table and array formatting change no byte
    of a notice (two copies, a name that needs both fallback faces)."""
    data = sample(kind, KIND_MATTERS[kind][0])
    rare = replace(data.applicant, name="王㐀𪚥")  # 㐀 from Droid Sans Fallback, 𪚥 HanaMinB
    data = replace(data, applicant=rare)
    copies = ("申请人留存", "窗口存档")
    fast = render_notice(data, copies)

    # reportlab's font registry without the bundled faces (the originals come back afterwards)
    ours = {font.name for font in ALL_FONTS}
    registered = {name: font for name, font in pdfmetrics._fonts.items() if name not in ours}
    faces = {face: font for face, font in pdfmetrics._dynFaceNames.items()
             if font.fontName not in ours}
    monkeypatch.setattr(pdfmetrics, "_fonts", registered)
    monkeypatch.setattr(pdfmetrics, "_dynFaceNames", faces)
    monkeypatch.setattr(fonts, "_cmaps", {})
    monkeypatch.setattr(fonts, "_choice", {})
    monkeypatch.setattr(fonts, "_in_main", set())
    monkeypatch.setattr(
        fonts, "MappedTTFont", lambda name, path, index: TTFont(name, str(path), subfontIndex=index)
    )
    monkeypatch.setattr(textsplit, "getCharWidths", rl_setup._original_char_widths)
    monkeypatch.setattr(pdfdoc.PDFArray, "format", rl_setup._original_array_format)
    slow = render_notice(data, copies)
    used = [pdfmetrics._fonts[font.name] for font in ALL_FONTS if font.name in pdfmetrics._fonts]
    assert used and not any(isinstance(font, MappedTTFont) for font in used)  # reportlab's parser
    if kind is NoticeKind.ACCEPTANCE:  # it prints the applicant's name: all three faces
        assert len(used) == len(ALL_FONTS)
    assert fast == slow
