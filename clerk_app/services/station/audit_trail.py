"""The audit trail's hash chain in the database: linking each new entry, the head, and verify."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.audit_chain import (
    GENESIS,
    ChainBreak,
    ChainFields,
    ChainHead,
    first_break,
    link,
)
from clerk_app.services.station.context import ServiceContext
from clerk_app.store.models import AuditEntry, SyncState

_PAGE = 2000


def _fields(entry: AuditEntry) -> ChainFields:
    return ChainFields(id=entry.id, at=entry.at, user_id=entry.user_id,
                       username=entry.username, action=entry.action, entity=entry.entity,
                       entity_id=entry.entity_id, before=entry.before, after=entry.after)


_TAIL = "clerk.audit_tail"  # session.info: (transaction, id, hash) of the entry appended last


def append_linked(session: Session, entry: AuditEntry) -> None:
    """Add `entry` to the session and chain it to the newest entry, in the caller's transaction.

    The first entry of a transaction is flushed at once: its INSERT takes SQLite's write lock
    (one writer, also across processes), so the entry read as "the one before" cannot change
    until this commits. Later entries of the same transaction follow the one before directly.
    """
    entry.username = str(entry.username or "")
    entry.entity_id = str(entry.entity_id or "")
    transaction = session.get_transaction()
    tail = session.info.get(_TAIL)
    if tail is not None and tail[0] is transaction and not session.in_nested_transaction():
        entry.id, entry.prev_hash = tail[1] + 1, tail[2]
        entry.hash = link(_fields(entry), entry.prev_hash)
        session.add(entry)
    else:
        session.add(entry)
        session.flush()
        prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.id < entry.id)
                              .order_by(AuditEntry.id.desc()).limit(1))
        entry.prev_hash = prev if prev is not None else GENESIS
        entry.hash = link(_fields(entry), entry.prev_hash)
    session.info[_TAIL] = (transaction, entry.id, entry.hash)


def chain_head(session: Session) -> ChainHead | None:
    """The newest entry's id and hash (None for an empty trail)."""
    row = session.execute(select(AuditEntry.id, AuditEntry.hash)
                          .order_by(AuditEntry.id.desc()).limit(1)).first()
    return ChainHead(row.id, row.hash) if row is not None else None


def hash_at(session: Session, seq: int) -> str | None:
    """The stored hash of entry `seq` (None when there is no such entry)."""
    return session.scalar(select(AuditEntry.hash).where(AuditEntry.id == seq))


_COLUMNS = (AuditEntry.id, AuditEntry.at, AuditEntry.user_id, AuditEntry.username,
            AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.before,
            AuditEntry.after, AuditEntry.prev_hash, AuditEntry.hash)


def _walk(session: Session) -> Iterator[tuple[ChainFields, str, str]]:
    last = 0
    while True:
        page = session.execute(select(*_COLUMNS).where(AuditEntry.id > last)
                               .order_by(AuditEntry.id).limit(_PAGE)).all()
        if not page:
            return
        for row in page:
            yield ChainFields(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                              row[7], row[8]), row[9], row[10]
        last = page[-1][0]


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: how many entries fit, the first that does not, the head."""

    checked: int
    broken: ChainBreak | None
    head: ChainHead | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_session(session: Session) -> ChainReport:
    """Walk the whole chain in `session` (also used on a backup before it is restored)."""
    checked, broken = first_break(_walk(session))
    return ChainReport(checked, broken, chain_head(session))


class AuditTrailService:
    """`audit verify` and the chain head for sync and backups."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def verify(self) -> ChainReport:
        with self.ctx.db.reading() as session:
            return verify_session(session)

    def head(self) -> ChainHead | None:
        with self.ctx.db.reading() as session:
            return chain_head(session)


STATE_AUDIT_ANCHOR = "audit_anchor_seq"
"""sync_state name: the audit head seq the platform last acknowledged (sent with new events)."""


def audit_head_envelope(session: Session) -> dict[str, Any] | None:
    """The `audit_head` sent with outbox events: the chain head, and the hash *now* stored at
    the head the platform acknowledged last (the anchor), so a rewritten history shows."""
    head = chain_head(session)
    if head is None:
        return None
    envelope: dict[str, Any] = head.as_json()
    anchor = session.get(SyncState, STATE_AUDIT_ANCHOR)
    if anchor is not None and anchor.value.isdigit():
        envelope["anchor_seq"] = int(anchor.value)
        envelope["anchor_hash"] = hash_at(session, int(anchor.value))
    return envelope
