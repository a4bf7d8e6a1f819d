"""Outbox batches for a slow link: bounded by event count and by gzip-compressed size.

`encode_batch` makes the exact request body of ``POST /v1/events`` (gzip of
``{"events":[...]}``); `batch_events` cuts a list of events into batches whose encoded body
is at most `max_bytes`, measuring with the same compressor feeding, so the bound is exact.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

_PREFIX = b'{"events":['
_SEPARATOR = b","
_SUFFIX = b"]}"
_GZIP_WBITS = 31  # zlib container: gzip, header mtime 0, so output is deterministic
_LEVEL = 9

EventT = TypeVar("EventT", bound=Mapping[str, Any])


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON (Chinese kept as is: 3 bytes instead of 6 of a \\u escape)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _compressor() -> Any:
    return zlib.compressobj(_LEVEL, zlib.DEFLATED, _GZIP_WBITS)


def encode_batch(events: Sequence[Mapping[str, Any]]) -> bytes:
    """The gzip-compressed body of ``POST /v1/events`` for these events."""
    compressor = _compressor()
    out = [compressor.compress(_PREFIX)]
    for index, event in enumerate(events):
        if index:
            out.append(compressor.compress(_SEPARATOR))
        out.append(compressor.compress(encode_json(event)))
    out.append(compressor.compress(_SUFFIX))
    out.append(compressor.flush())
    return b"".join(out)


def batch_events(
    events: Sequence[EventT], max_count: int, max_bytes: int
) -> list[list[EventT]]:
    """Cut `events` (kept in order) into batches of at most `max_count` events whose
    `encode_batch` body is at most `max_bytes`.

    An event too big to fit under `max_bytes` on its own travels alone in its batch, so it
    never holds back the others (the platform may still refuse it; it is then parked).
    """
    if max_count < 1 or max_bytes < 1:
        raise ValueError("max_count and max_bytes must be positive")
    batches: list[list[EventT]] = []
    current: list[EventT] = []
    compressor = _compressor()
    emitted = len(compressor.compress(_PREFIX))
    for event in events:
        encoded = encode_json(event)
        separator = _SEPARATOR if current else b""
        if current and len(current) < max_count:
            trial = compressor.copy()
            size = emitted + len(trial.compress(separator))
            size += len(trial.compress(encoded))
            size += len(trial.compress(_SUFFIX)) + len(trial.flush())
            fits = size <= max_bytes
        else:
            fits = not current
        if not fits:
            batches.append(current)
            current = []
            compressor = _compressor()
            emitted = len(compressor.compress(_PREFIX))
            separator = b""
        if separator:
            emitted += len(compressor.compress(separator))
        emitted += len(compressor.compress(encoded))
        current.append(event)
    if current:
        batches.append(current)
    return batches
