"""Process-wide reportlab settings the notices rely on, applied once and in the open.

- Streams are written binary (Flate only), not ASCII85 as well: a quarter smaller and, without
  reportlab's C accelerator, about 6 ms less per notice.
- Flate by ISA-L (the ``isal`` package) at its level 3 instead of zlib's default 6: the
  embedded CJK font subsets are most of a notice's bytes, and compressing them was a third of
  its CPU time. zlib at level 1 took that from 15.3 to 10.9 ms of CPU per notice (files 10 %
  larger); ISA-L writes the same standard zlib stream about five times faster than zlib's level
  1, a little smaller (a 108 KB subset: 0.3 ms and 56.7 KB against 1.5 ms and 56.9 KB).
  Without ``isal`` (no wheel for the platform) zlib at level 1 is used.
- Chinese line-breaking (禁则): reportlab's list of characters that may not start a line is
  Japanese-centred and lacks the full-width comma, semicolon, colon, question and exclamation
  marks and closing quotes/book-title marks; they are added so a line never starts with "，".
- ToUnicode maps: reportlab writes a character beyond the BMP (CJK Ext. B-F, e.g. 𠈌) as five
  hex digits, which readers take for two wrong characters; the PDF format wants its UTF-16
  surrogate pair. Without the fix, copying or searching a rare name in the PDF gives "†".
- Character widths for CJK line breaking: reportlab measures every character of a paragraph
  with a call to ``stringWidth`` each time it is laid out (90 % of a notice's measuring); the
  same values now come from a table per font and size, filled by that same call on first use.
- PDF arrays of numbers (the 256 glyph widths of each font subset): each number was formatted
  through reportlab's generic ``format`` dispatch; the same bytes now come from a small table
  of formatted numbers. A millisecond of a notice's serialisation.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from types import ModuleType

from reportlab import rl_config
from reportlab.lib import textsplit
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.platypus import paragraph

_deflate: ModuleType
try:
    from isal import isal_zlib as _deflate

    FLATE_LEVEL = 3  # ISA-L's best; still ~5x faster than zlib's level 1
except ImportError:  # pragma: no cover - isal is a dependency; this is the no-wheel fallback
    _deflate = zlib
    FLATE_LEVEL = 1
CHINESE_CANNOT_START = "，；：！？”’》〉」』】〗）、。·…"

_applied = False


def _utf16_hex(code: int) -> str:
    """A code point as the hex of its UTF-16BE encoding (a surrogate pair beyond the BMP)."""
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


_hex_cache: dict[int, str] = {}


def to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ``makeToUnicodeCMap`` with correct entries for supplementary characters
    (the same text otherwise, written in one pass)."""
    hexes = _hex_cache
    entries = []
    for i, code in enumerate(subset):
        value = hexes.get(code)
        if value is None:
            value = hexes[code] = _utf16_hex(code)
        entries.append(f"<{i:02X}> <{value}>")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
        f"<< /Registry ({fontname})\n/Ordering ({fontname})\n/Supplement 0\n>> def\n"
        f"/CMapName /{fontname} def\n/CMapType 2 def\n1 begincodespacerange\n"
        f"<00> <{len(subset) - 1:02X}>\nendcodespacerange\n{len(subset)} beginbfchar\n"
        + "\n".join(entries)
        + "\nendbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )


_original_cmap = ttfonts.makeToUnicodeCMap  # reportlab's, for comparison in tests


def _flate(_filter: object, text: str | bytes) -> bytes:
    """reportlab's Flate stream filter: a zlib stream at FLATE_LEVEL (ISA-L when installed)."""
    data = text.encode("utf8") if isinstance(text, str) else text
    return bytes(_deflate.compress(data, FLATE_LEVEL))


_widths: dict[tuple[object, float], dict[str, float]] = {}
_original_char_widths = textsplit.getCharWidths  # reportlab's, for comparison in tests


def char_widths(word: str, fontName: str, fontSize: float) -> list[float]:  # noqa: N803
    """``textsplit.getCharWidths`` from a table: each character's ``stringWidth``, measured
    once per font and size."""
    key = (pdfmetrics.getFont(fontName), fontSize)  # the font object: re-registering resets
    table = _widths.get(key)
    if table is None:
        table = _widths[key] = {}
    widths = list(map(table.get, word))
    if None in widths:
        for i, char in enumerate(word):
            if widths[i] is None:
                widths[i] = table[char] = pdfmetrics.stringWidth(char, fontName, fontSize)
    return widths  # type: ignore[return-value]  # no None left


_formatted: dict[type, dict[float, bytes]] = {int: {}, float: {}}
_FORMATTED_MAX = 4096  # numbers kept per type; coordinates beyond are formatted each time
_original_array_format = pdfdoc.PDFArray.format  # reportlab's, for comparison in tests


def _number(value: float) -> bytes:
    table = _formatted[type(value)]
    text = table.get(value)
    if text is None:
        text = pdfdoc.fp_str(value).encode("ascii")
        if len(table) < _FORMATTED_MAX:
            table[value] = text
    return text


def array_format(self: pdfdoc.PDFArray, document: object, IND: bytes = b"\n ") -> bytes:  # noqa: N803
    """``PDFArray.format`` with numbers formatted from `_formatted` (same bytes)."""
    items = [
        _number(e) if type(e) in (float, int) else pdfdoc.format(e, document)
        for e in self.sequence
    ]
    if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
        joined = IND.join(items)
    else:
        for i in reversed(range(10, len(items), 10)):  # break up every 10 elements anyway
            items.insert(i, b"\n ")
        joined = b" ".join(items)
    return b"[ " + joined + b" ]"


def apply() -> None:
    """Apply the settings above (idempotent)."""
    global _applied
    if _applied:
        return
    rl_config.useA85 = 0
    pdfdoc.PDFStreamFilterZCompress.encode = _flate
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
    textsplit.getCharWidths = char_widths
    pdfdoc.PDFArray.format = array_format
    # Both copies of the list are read: textsplit's for one-run paragraphs, paragraph's for
    # paragraphs with several runs (a fallback face, say).
    for module in (textsplit, paragraph):
        extra = "".join(c for c in CHINESE_CANNOT_START if c not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START = module.ALL_CANNOT_START + extra
    _applied = True
