"""Process-wide reportlab settings the notices rely on, applied once and in the open.

- Streams are written binary (Flate only), not ASCII85 as well: a quarter smaller and, without
  reportlab's C accelerator, about 6 ms less per notice.
- Flate at level 1 instead of zlib's default 6: the embedded CJK font subsets are most of a
  notice's bytes, and compressing them was a third of its CPU time (15.3 -> 10.9 ms of CPU per
  notice measured, files 10 % larger: 80 KB instead of 73 KB).
- Chinese line-breaking (禁则): reportlab's list of characters that may not start a line is
  Japanese-centred and lacks the full-width comma, semicolon, colon, question and exclamation
  marks and closing quotes/book-title marks; they are added so a line never starts with "，".
- ToUnicode maps: reportlab writes a character beyond the BMP (CJK Ext. B-F, e.g. 𠈌) as five
  hex digits, which readers take for two wrong characters; the PDF format wants its UTF-16
  surrogate pair. Without the fix, copying or searching a rare name in the PDF gives "†".
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from reportlab import rl_config
from reportlab.lib import textsplit
from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.platypus import paragraph

FLATE_LEVEL = 1
CHINESE_CANNOT_START = "，；：！？”’》〉」』】〗）、。·…"

_applied = False


def _utf16_hex(code: int) -> str:
    """A code point as the hex of its UTF-16BE encoding (a surrogate pair beyond the BMP)."""
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ``makeToUnicodeCMap`` with correct entries for supplementary characters."""
    original: str = _original_cmap(fontname, subset)
    head, _, rest = original.partition("beginbfchar\n")
    _, _, tail = rest.partition("\nendbfchar")
    entries = "\n".join(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset))
    return f"{head}beginbfchar\n{entries}\nendbfchar{tail}"


_original_cmap = ttfonts.makeToUnicodeCMap


def _flate(_filter: object, text: str | bytes) -> bytes:
    """reportlab's Flate stream filter, at FLATE_LEVEL."""
    return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, FLATE_LEVEL)


def apply() -> None:
    """Apply the settings above (idempotent)."""
    global _applied
    if _applied:
        return
    rl_config.useA85 = 0
    pdfdoc.PDFStreamFilterZCompress.encode = _flate
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
    # Both copies of the list are read: textsplit's for one-run paragraphs, paragraph's for
    # paragraphs with several runs (a fallback face, say).
    for module in (textsplit, paragraph):
        extra = "".join(c for c in CHINESE_CANNOT_START if c not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START = module.ALL_CANNOT_START + extra
    _applied = True
