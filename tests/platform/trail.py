"""The platform's check of each station's audit hash chain (the head that travels with events).

Every event may carry ``audit_head`` = ``{seq, hash, anchor_seq, anchor_hash}``: the station's
newest audit entry and the hash it now stores at the head the platform acknowledged last.
The platform keeps every (seq, hash) it has seen per station. A seen seq that now comes with
another hash means the station's history was rewritten after the platform saw it
(``rewritten``, certain). An anchor the platform never saw, or none when it has seen heads,
means the history cannot be checked (``unanchored``: also after a first answer that never
reached the station, so it is a prompt to look, not a proof).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tests.platform.models import Base, UTCDateTime

HASH_LEN = 64


class AuditHeadSeen(Base):
    """One audit chain position a station has shown the platform."""

    __tablename__ = "audit_heads"
    station: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditAlert(Base):
    """A station whose audit history does not extend what the platform has seen."""

    __tablename__ = "audit_alerts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seen_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sent_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())


def _position(seq: Any, digest: Any) -> tuple[int, str] | None:
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return None
    if not isinstance(digest, str) or len(digest) != HASH_LEN:
        return None
    return seq, digest


def _heads(raws: Sequence[Any]) -> list[dict[str, Any]]:
    """The distinct well-formed heads of a batch, in order."""
    found: list[dict[str, Any]] = []
    for raw in raws:
        head = raw.get("audit_head") if isinstance(raw, dict) else None
        if isinstance(head, dict) and _position(head.get("seq"), head.get("hash")) and (
                head not in found):
            found.append(head)
    return found


def check_heads(session: Session, station: str, raws: Sequence[Any], now: datetime) -> None:
    """Compare the heads a batch carries with what the station showed before; record both."""
    for head in _heads(raws):
        _check_one(session, station, head, now)


def _alert(session: Session, station: str, kind: str, seq: int | None,
           seen: str | None, sent: str | None, now: datetime) -> None:
    exists = session.scalar(select(AuditAlert.id).where(
        AuditAlert.station == station, AuditAlert.kind == kind, AuditAlert.seq == seq,
        AuditAlert.sent_hash == sent))
    if exists is None:
        session.add(AuditAlert(station=station, kind=kind, seq=seq, seen_hash=seen,
                               sent_hash=sent, detected_at=now))


def _check_one(session: Session, station: str, head: dict[str, Any], now: datetime) -> None:
    seen_any = session.scalar(select(AuditHeadSeen.seq).where(
        AuditHeadSeen.station == station).limit(1)) is not None
    anchor = _position(head.get("anchor_seq"), head.get("anchor_hash"))
    anchor_seq = head.get("anchor_seq")
    if anchor is not None:
        known = session.get(AuditHeadSeen, (station, anchor[0]))
        if known is None:
            if seen_any:
                _alert(session, station, "unanchored", anchor[0], None, anchor[1], now)
        elif known.hash != anchor[1]:
            _alert(session, station, "rewritten", anchor[0], known.hash, anchor[1], now)
    elif seen_any:
        # no anchor, or an anchor whose entry is gone from the station (hash null)
        seq = anchor_seq if isinstance(anchor_seq, int) and anchor_seq > 0 else None
        seen = session.get(AuditHeadSeen, (station, seq)) if seq is not None else None
        _alert(session, station, "rewritten" if seen else "unanchored", seq,
               seen.hash if seen else None, None, now)
    seq, digest = head["seq"], head["hash"]
    known = session.get(AuditHeadSeen, (station, seq))
    if known is None:
        session.add(AuditHeadSeen(station=station, seq=seq, hash=digest, seen_at=now))
        session.flush()
    elif known.hash != digest:
        _alert(session, station, "rewritten", seq, known.hash, digest, now)


def station_trail(session: Session, station: str) -> dict[str, Any]:
    """What the platform knows of a station's audit chain: the newest head and the alerts."""
    newest = session.scalars(select(AuditHeadSeen).where(AuditHeadSeen.station == station)
                             .order_by(AuditHeadSeen.seq.desc()).limit(1)).first()
    alerts = session.scalars(select(AuditAlert).where(AuditAlert.station == station)
                             .order_by(AuditAlert.id)).all()
    return {
        "station": station,
        "last_head": {"seq": newest.seq, "hash": newest.hash} if newest else None,
        "rewritten": any(a.kind == "rewritten" for a in alerts),
        "alerts": [{"kind": a.kind, "seq": a.seq, "seen_hash": a.seen_hash,
                    "sent_hash": a.sent_hash, "detected_at": a.detected_at.isoformat()}
                   for a in alerts],
    }
