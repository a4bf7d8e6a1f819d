"""Translation function for user-facing text (gettext, explicitly imported, never in builtins)."""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

_LOCALE_DIR = Path(__file__).resolve().parent.parent / "resources" / "locale"
_translation = _gettext.translation("clerk", localedir=_LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    """Translate a user-facing message; the source language is Simplified Chinese."""
    return _translation.gettext(message)
