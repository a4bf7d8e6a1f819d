"""Time helpers of the reference platform: China Standard Time out, any offset in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

CHINA = timezone(timedelta(hours=8), "CST")
"""UTC+08:00, the platform's time zone (no daylight saving)."""


def now() -> datetime:
    """The current time, aware, in China Standard Time."""
    return datetime.now(CHINA)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in China Standard Time, to the second (None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(CHINA).isoformat(timespec="seconds")


def parse_aware(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 string with an offset, else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
