"""Process-wide reportlab settings the notices rely on, applied once and in the open.

- Streams are written binary (Flate only), not ASCII85 as well: a quarter smaller and, without
  reportlab's C accelerator, about 6 ms less per notice.
- Chinese line-breaking (禁则): reportlab's list of characters that may not start a line is
  Japanese-centred and lacks the full-width comma, semicolon, colon, question and exclamation
  marks and closing quotes/book-title marks; they are added so a line never starts with "，".
"""

from __future__ import annotations

from reportlab import rl_config
from reportlab.platypus import paragraph

CHINESE_CANNOT_START = "，；：！？”’》〉」』】〗）、。·…"

_applied = False


def apply() -> None:
    """Apply the settings above (idempotent)."""
    global _applied
    if _applied:
        return
    rl_config.useA85 = 0
    extra = "".join(c for c in CHINESE_CANNOT_START if c not in paragraph.ALL_CANNOT_START)
    paragraph.ALL_CANNOT_START = paragraph.ALL_CANNOT_START + extra
    _applied = True
