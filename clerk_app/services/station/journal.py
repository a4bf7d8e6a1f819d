"""The two things every write appends in its own transaction: an audit entry and outbox events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from clerk_app.domain.audit_chain import as_stored
from clerk_app.services.station.audit_trail import append_linked
from clerk_app.services.station.context import Actor
from clerk_app.store.models import AuditEntry, OutboxEvent


def audit(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append an audit entry (审计记录): who, when, what, before and after, chained by hash."""
    entry = AuditEntry(
        at=at, user_id=actor.user_id or None, username=actor.username, action=action,
        entity=entity, entity_id=entity_id, before=as_stored(before), after=as_stored(after))
    append_linked(session, entry)


def emit(
    session: Session,
    event_type: str,
    application_no: str,
    payload: dict[str, Any],
    at: datetime,
) -> str:
    """Append an outbox event with a new globally unique id; returns the id."""
    event_id = str(uuid.uuid4())
    session.add(OutboxEvent(
        event_id=event_id, type=event_type, application_no=application_no, payload=payload,
        occurred_at=at))
    return event_id
