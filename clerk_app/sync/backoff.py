"""Retry delays: exponential backoff with full jitter and a cap, honouring Retry-After.

Pure functions: no clock, no sleeping; the caller passes the random generator and "now".
Full jitter (a uniform draw between 0 and the exponential ceiling) spreads the retries of
many village stations that lost the same link at the same moment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class Backoff:
    """Backoff policy.

    Attributes:
        base: ceiling of the first retry delay, in seconds.
        factor: growth of the ceiling per failed attempt.
        cap: largest ceiling, in seconds.
        retry_after_limit: largest server-requested delay honoured, in seconds (guards
            against an absurd Retry-After keeping a station silent for days).
    """

    base: float = 2.0
    factor: float = 2.0
    cap: float = 300.0
    retry_after_limit: float = 3600.0

    def __post_init__(self) -> None:
        if self.base <= 0 or self.factor < 1 or self.cap < self.base:
            raise ValueError("need base > 0, factor >= 1 and cap >= base")

    def ceiling(self, attempt: int) -> float:
        """Largest delay before retry number `attempt` (0 for the first retry)."""
        if attempt < 0:
            raise ValueError("attempt must be >= 0")
        # Avoid float overflow for very large attempt numbers.
        exponent = min(attempt, 1024)
        try:
            return min(self.cap, self.base * self.factor**exponent)
        except OverflowError:
            return self.cap

    def delay(
        self, attempt: int, rng: random.Random, retry_after: float | None = None
    ) -> float:
        """Seconds to wait before retry number `attempt`.

        A uniform draw in [0, ceiling]; when the server sent Retry-After, never less than
        that (up to `retry_after_limit`).
        """
        drawn = rng.uniform(0.0, self.ceiling(attempt))
        if retry_after is None:
            return drawn
        return max(drawn, min(max(retry_after, 0.0), self.retry_after_limit))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date.

    Returns None when the header is missing or unreadable; 0 for a date in the past.
    `now` must be timezone-aware.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
