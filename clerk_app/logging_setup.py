"""Logging to a rotating file in the data directory, with personal data scrubbed."""

from __future__ import annotations

import logging
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

# ID numbers (15/18 chars), USCC, mobile phones: never written to a log, whatever the caller did.
_SENSITIVE = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[0-9Xx]|\d{15}|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
    r"|1[3-9]\d{9})(?![0-9A-Za-z])"
)


class ScrubPersonalData(logging.Filter):
    """Replace anything shaped like an ID number, USCC or mobile phone with a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = _SENSITIVE.sub("[redacted]", message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


class QuietFileHandler(RotatingFileHandler):
    """A rotating log file that drops a record it cannot write (disk full, USB stick pulled)
    instead of printing logging's own traceback: the clerk is told in words elsewhere."""

    dropped = 0

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if isinstance(sys.exc_info()[1], OSError):
            type(self).dropped += 1
            return
        super().handleError(record)


def setup_logging(log_dir: Path, level: str = "INFO") -> None:
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = QuietFileHandler(
            log_dir / "clerk.log", maxBytes=5_000_000, backupCount=40, encoding="utf-8")
    except OSError:  # a full, read-only or vanished data folder: said in words elsewhere
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubPersonalData())
    root = logging.getLogger()
    root.setLevel(level)
    for existing in list(root.handlers):
        if isinstance(existing, RotatingFileHandler):
            root.removeHandler(existing)
    root.addHandler(handler)
