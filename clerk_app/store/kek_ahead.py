"""One key-wrapping key derived ahead of its use: the login dialog derives it while the clerk
types (argon2id takes 0.1–0.2 s), and the sign-in that follows takes it instead of deriving.

Holds at most one key, for one (secret, salt, cost); a sign-in with anything else derives as
usual. A sign-in that asks for the key being derived right now waits for it rather than
starting again. The key is handed out once and forgotten; `forget` drops it unused.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import astuple
from typing import Any

_Derive = Callable[[bytes, bytes, Any], bytes]

_changed = threading.Condition()
_pending: bytes | None = None  # the tag of the key being derived ahead
_ready: tuple[bytes, bytes] | None = None  # (tag, key) derived ahead, not yet used


def _tag(secret: bytes, salt: bytes, cost: Any) -> bytes:
    """What a key is derived from, as a digest (the secret itself is not kept here)."""
    return hashlib.sha256(repr(astuple(cost)).encode() + b"\0" + salt + b"\0" + secret).digest()


def derive_ahead(derive: _Derive, secret: bytes, salt: bytes, cost: Any) -> None:
    """Derive and keep the key for a later `take` (a worker thread's call)."""
    global _pending, _ready
    tag = _tag(secret, salt, cost)
    with _changed:
        if _ready is not None and hmac.compare_digest(_ready[0], tag):
            return
        _pending = tag
    key: bytes | None = None
    try:
        key = derive(secret, salt, cost)
    finally:
        with _changed:
            if _pending is not None and hmac.compare_digest(_pending, tag):
                _pending = None
                if key is not None:
                    _ready = (tag, key)
            _changed.notify_all()


def take(secret: bytes, salt: bytes, cost: Any) -> bytes | None:
    """The key derived ahead for exactly these inputs (waiting if it is being derived), once;
    None otherwise."""
    global _ready
    tag = _tag(secret, salt, cost)
    with _changed:
        while _pending is not None and hmac.compare_digest(_pending, tag):
            _changed.wait()
        if _ready is None or not hmac.compare_digest(_ready[0], tag):
            return None
        key, _ready = _ready[1], None
        return key


def forget() -> None:
    """Drop what was derived ahead (the dialog closed, or the sign-in is over)."""
    global _pending, _ready
    with _changed:
        _pending, _ready = None, None
        _changed.notify_all()
