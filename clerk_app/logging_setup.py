"""Logging to a rotating file in the data directory, with personal data scrubbed."""

from __future__ import annotations

import logging
import re
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


def setup_logging(log_dir: Path, level: str = "INFO") -> None:
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(log_dir / "clerk.log", maxBytes=5_000_000, backupCount=40,
                                  encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubPersonalData())
    root = logging.getLogger()
    root.setLevel(level)
    for existing in list(root.handlers):
        if isinstance(existing, RotatingFileHandler):
            root.removeHandler(existing)
    root.addHandler(handler)
