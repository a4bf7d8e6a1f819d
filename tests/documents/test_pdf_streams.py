"""PDF stream settings (rl_setup): ISA-L's Flate decodes as zlib; ToUnicode maps as reportlab's."""

from __future__ import annotations

import random
import zlib

import pytest
from reportlab.pdfbase import pdfdoc

from clerk_app.documents import rl_setup
from clerk_app.documents.fonts import FONT_DIR
from clerk_app.documents.notice_data import NoticeKind
from clerk_app.documents.notices import render_notice
from tests.documents.samples import KIND_MATTERS, sample


def test_flate_streams_are_standard_zlib_made_by_isal(monkeypatch: pytest.MonkeyPatch) -> None:
    rl_setup.apply()
    assert rl_setup._deflate.__name__ == "isal.isal_zlib"  # the dependency is installed and used
    font_bytes = (FONT_DIR / "uming.ttc").read_bytes()[:300_000]
    for data in (font_bytes, "BT /F1+0 14 Tf (受理) Tj ET", b""):
        encoded = pdfdoc.PDFStreamFilterZCompress.encode(pdfdoc.PDFZCompress, data)
        raw = data.encode("utf8") if isinstance(data, str) else data
        assert zlib.decompress(encoded) == raw
    # a notice is no larger than with zlib at level 1 (the font subsets compress a little better)
    notice = sample(NoticeKind.ACCEPTANCE, KIND_MATTERS[NoticeKind.ACCEPTANCE][0])
    with_isal = render_notice(notice)
    monkeypatch.setattr(rl_setup, "_deflate", zlib)
    monkeypatch.setattr(rl_setup, "FLATE_LEVEL", 1)
    with_zlib = render_notice(notice)
    assert len(with_isal) <= len(with_zlib)
    assert with_isal != with_zlib


def test_tounicode_cmap_is_reportlabs_text_for_the_bmp() -> None:
    rng = random.Random(16)
    for size in (1, 2, 97, 256):
        subset = [rng.randrange(0x20, 0xFFFF) for _ in range(size)]
        assert rl_setup.to_unicode_cmap("AAAAAA+ClerkSong", subset) == rl_setup._original_cmap(
            "AAAAAA+ClerkSong", subset
        )


def test_number_arrays_format_as_reportlab_does() -> None:
    rl_setup.apply()
    document = pdfdoc.PDFDocument()
    rng = random.Random(7)
    arrays = [
        [rng.choice([1000, 500, 1000.0, 976.5625, 0]) for _ in range(256)],  # a Widths array
        [0, 0, 595.2755905511812, 841.8897637795277],  # a MediaBox
        [rng.uniform(-1e4, 1e4) for _ in range(37)] + [True, 1, 1.0, -0.0, 1e-9],
        [pdfdoc.PDFName("Foo"), 3, pdfdoc.PDFArray([1, 2.25]), pdfdoc.PDFString("x")],
        [],
    ]
    for sequence in arrays:
        for kind in (pdfdoc.PDFArray, pdfdoc.PDFArrayCompact):
            array = kind(sequence)
            assert array.format(document) == rl_setup._original_array_format(array, document)


def test_char_widths_are_reportlabs_string_widths() -> None:
    from reportlab.lib import textsplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from clerk_app.documents.fonts import main_font

    rl_setup.apply()
    word = "申请人王𠈌于2026年11月26日提交，材料齐全。ABC xyz"
    for size in (10.5, 14, 22.0):
        expected = [stringWidth(char, main_font(), size) for char in word]
        assert textsplit.getCharWidths(word, main_font(), size) == expected
        assert textsplit.getCharWidths(word, main_font(), size) == expected  # from the table
