"""Applying outbox events: validation, exactly-once insert, and the application projection.

Idempotency is the database's: the events table's primary key on the event id. The insert
is ``INSERT ... ON CONFLICT (id) DO NOTHING`` (SQLite, PostgreSQL; a savepoint and the
IntegrityError elsewhere): when the database inserts no row the id is already there, and the
answer is `duplicate` (same content) or `rejected`/`id_reused` (different content).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.platform import village
from tests.platform.models import Application, Event, Station
from tests.platform.timefmt import CHINA, parse_aware

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TYPE_RE = re.compile(r"^[a-z_]+\.[a-z_]+$")
APPLICATION_NO_RE = re.compile(r"^[0-9A-Z]{10,64}$")
EVENTS: Table = Event.__table__  # type: ignore[assignment]  # Core: the database key decides
_INSERT_OR_IGNORE: dict[str, Any] = {
    "sqlite": sqlite.insert(EVENTS).on_conflict_do_nothing(index_elements=["id"]),
    "postgresql": postgresql.insert(EVENTS).on_conflict_do_nothing(index_elements=["id"]),
}
SNAPSHOT_TYPES = frozenset({"application.confirmed", "application.decided",
                            "application.collected"})
UNDECIDED_TYPES = frozenset({"application.collected"})  # 代收: no outcome until the centre acts

REASONS: dict[str, str] = {
    "malformed": "记录格式不正确，不是一个事件对象。",
    "bad_id": "记录编号不是规范的 UUID（小写、36 位）。",
    "wrong_station": "记录所属站点与当前登录站点不一致。",
    "bad_seq": "记录序号应为正整数。",
    "bad_type": "记录类型不正确。",
    "bad_application_no": "办件编号格式不正确。",
    "foreign_application_no": "办件编号不属于本站点。",
    "bad_time": "记录时间不是带时区的标准时间。",
    "bad_payload": "记录内容应为 JSON 对象。",
    "incomplete_snapshot": "办件快照不完整：缺少事项编码、事项版本或受理结果。",
    "id_reused": "同一记录编号已用于内容不同的另一条记录。",
}


@dataclass(frozen=True)
class Rejection(Exception):
    """An event the platform will not apply, with a machine code."""

    code: str


def event_digest(event: dict[str, Any]) -> str:
    """SHA-256 of the event's canonical JSON: the same event resent has the same digest.

    ``audit_head`` is left out: it describes the station's audit chain at the time of
    sending (checked in trail.py), not the event, and grows between two sends of one event.
    """
    content = {key: value for key, value in event.items() if key != "audit_head"}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _validated(raw: Any, station: Station, foreign_ok: bool = False
               ) -> tuple[str, int, datetime]:
    """Check one event; returns (id, seq, occurred_at) or raises Rejection."""
    if not isinstance(raw, dict):
        raise Rejection("malformed")
    event_id = raw.get("id")
    if not isinstance(event_id, str) or not UUID_RE.match(event_id):
        raise Rejection("bad_id")
    if raw.get("station") != station.code:
        raise Rejection("wrong_station")
    seq = raw.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise Rejection("bad_seq")
    event_type = raw.get("type")
    if not isinstance(event_type, str) or len(event_type) > 64 or not TYPE_RE.match(event_type):
        raise Rejection("bad_type")
    number = raw.get("application_no")
    if not isinstance(number, str) or not APPLICATION_NO_RE.match(number):
        raise Rejection("bad_application_no")
    if not number.startswith(station.code) and not foreign_ok:
        raise Rejection("foreign_application_no")
    occurred_at = parse_aware(raw.get("occurred_at"))
    if occurred_at is None:
        raise Rejection("bad_time")
    payload = raw.get("payload")
    if not isinstance(payload, dict):
        raise Rejection("bad_payload")
    if event_type in SNAPSHOT_TYPES:
        matter = payload.get("matter")
        if (
            not isinstance(matter, dict)
            or not isinstance(matter.get("code"), str)
            or not isinstance(matter.get("version"), int)
            or not isinstance(payload.get("outcome"), str)
            or (not payload["outcome"] and event_type not in UNDECIDED_TYPES)
        ):
            raise Rejection("incomplete_snapshot")
    return event_id, seq, occurred_at


def apply_event(session: Session, station: Station, raw: Any, now: datetime) -> dict[str, Any]:
    """Apply one event inside the caller's transaction; returns its result item."""
    echoed_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    foreign = (isinstance(raw, dict) and isinstance(raw.get("application_no"), str)
               and not raw["application_no"].startswith(station.code)
               and village.may_act_on(session, station, raw))
    try:
        event_id, seq, occurred_at = _validated(raw, station, foreign)
    except Rejection as rejection:
        return _rejected(echoed_id, rejection.code)
    digest = event_digest(raw)
    values = {
        "id": event_id, "station": station.code, "seq": seq, "type": raw["type"],
        "application_no": raw["application_no"], "occurred_at": occurred_at,
        "received_at": now, "digest": digest, "payload": raw["payload"],
    }
    if not _insert_once(session, values):
        stored = session.scalar(select(Event.digest).where(Event.id == event_id))
        if stored != digest:
            return _rejected(event_id, "id_reused")
        return {"id": event_id, "status": "duplicate"}
    if foreign:  # a centre's act on its village point's case
        village.project_centre_event(session, station, raw, now)
    else:
        _project(session, station, raw, seq, occurred_at, now)
    if raw["type"] == "attachments.changed":
        from tests.platform.pages import project_attachments  # pages imports the store
        project_attachments(session, raw, seq)
    return {"id": event_id, "status": "applied"}


def _insert_once(session: Session, values: dict[str, Any]) -> bool:
    """Insert an event row unless its id exists; True when a row was inserted."""
    connection = session.connection()
    statement = _INSERT_OR_IGNORE.get(connection.dialect.name)
    if statement is not None:
        return bool(connection.execute(statement, values).rowcount)
    try:
        with session.begin_nested():
            connection.execute(insert(EVENTS), values)
    except IntegrityError:
        if session.scalar(select(Event.id).where(Event.id == values["id"])) is None:
            raise  # an integrity problem other than the event id
        return False
    return True


def _rejected(event_id: str | None, code: str) -> dict[str, Any]:
    return {"id": event_id, "status": "rejected", "reason": code, "message": REASONS[code]}


def _project(
    session: Session, station: Station, raw: dict[str, Any], seq: int,
    occurred_at: datetime, now: datetime,
) -> None:
    """Update the application projection from one new event."""
    payload: dict[str, Any] = raw["payload"]
    application = session.get(Application, raw["application_no"])
    due_date = payload.get("due_date") if isinstance(payload.get("due_date"), str) else None
    if raw["type"] in SNAPSHOT_TYPES:
        if application is None:
            application = Application(
                application_no=raw["application_no"], station=station.code,
                centre=station.centre, status="received", snapshot_seq=0,
                confirmed_at=occurred_at,
                confirmed_day=occurred_at.astimezone(CHINA).date().isoformat(),
            )
            session.add(application)
        if seq >= (application.snapshot_seq or 0):
            application.snapshot_seq = seq
            application.snapshot = payload
            application.matter_code = payload["matter"]["code"]
            application.matter_version = payload["matter"]["version"]
            application.outcome = payload["outcome"]
            application.due_date = due_date
            if raw["type"] in UNDECIDED_TYPES:  # 代收 (again): on its way to the centre
                application.status = "received"
    elif application is None:
        return  # kept in the events table; the projection starts with the snapshot
    elif due_date is not None:
        application.due_date = due_date
    application.last_event_type = raw["type"]
    application.updated_at = now
