"""The audit trail's hash chain (痕迹链): one canonical encoding and the SHA-256 link of an entry.

Every audit entry stores the hash of the entry before it (`prev_hash`) and its own `hash`,
SHA-256 over the canonical encoding of its fields plus `prev_hash`. Changing, inserting or
deleting any entry breaks the link of that entry or of the one after it; rewriting the whole
tail consistently changes the head, which the platform has seen (it travels with sync events).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""

TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
"""Times as the database keeps them: wall-clock, microseconds, no offset."""


@dataclass(frozen=True)
class ChainFields:
    """The fields of one audit entry that the chain covers."""

    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ChainHead:
    """The newest entry of a chain: its id (`seq`) and its hash."""

    seq: int
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


@dataclass(frozen=True)
class ChainBreak:
    """The first entry that does not fit the chain, and why (English, for the log)."""

    id: int
    at: datetime
    action: str
    reason: str


def as_stored(value: Any) -> Any:
    """A JSON value as it reads back from the database (tuples become lists, keys strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False))


def canonical(fields: ChainFields, prev_hash: str) -> bytes:
    """Sorted-key compact UTF-8 JSON of the entry's fields and the previous hash."""
    document = {
        "id": fields.id,
        "at": fields.at.strftime(TIME_FORMAT),
        "user_id": fields.user_id,
        "username": fields.username,
        "action": fields.action,
        "entity": fields.entity,
        "entity_id": fields.entity_id,
        "before": fields.before,
        "after": fields.after,
        "prev": prev_hash,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def link(fields: ChainFields, prev_hash: str) -> str:
    """The hash of an entry that follows an entry with hash `prev_hash`."""
    return hashlib.sha256(canonical(fields, prev_hash)).hexdigest()


def first_break(entries: Iterable[tuple[ChainFields, str, str]]) -> tuple[int, ChainBreak | None]:
    """Walk (fields, stored prev_hash, stored hash) in id order.

    Returns how many entries fit and the first that does not (None when all fit).
    """
    expected_prev = GENESIS
    count = 0
    for fields, prev_hash, stored_hash in entries:
        if prev_hash != expected_prev:
            return count, ChainBreak(fields.id, fields.at, fields.action,
                                     "previous hash does not match the entry before")
        if link(fields, prev_hash) != stored_hash:
            return count, ChainBreak(fields.id, fields.at, fields.action,
                                     "content does not match its hash")
        expected_prev = stored_hash
        count += 1
    return count, None


def head_from_json(value: Mapping[str, Any] | None) -> ChainHead | None:
    """A head from its JSON form (None when absent or malformed)."""
    if not isinstance(value, Mapping):
        return None
    seq, digest = value.get("seq"), value.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(digest, str):
        return None
    return ChainHead(seq, digest)
