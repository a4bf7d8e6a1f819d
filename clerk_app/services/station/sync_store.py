"""The station side of sync (`clerk_app.sync.ports.SyncStore`) over the station's database.

The outbox is read in `seq` order and marked sent only for what the platform acknowledged;
pulled pages are applied with their cursor in one transaction, so a kill at any moment
resumes where it stopped and a page applied twice changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus, apply_platform_status
from clerk_app.domain.catalogue import CatalogueError, Matter, parse_matter
from clerk_app.i18n import _
from clerk_app.services.bundles.clocks import restart_waiting_clocks
from clerk_app.services.intake.matter_search import MatterSearchService
from clerk_app.services.station.audit_trail import STATE_AUDIT_ANCHOR, audit_head_envelope
from clerk_app.services.station.catalogue import CatalogueService, apply_matters
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.settings import load_settings
from clerk_app.services.time_limits.calendar import CalendarService
from clerk_app.services.time_limits.due_dates import DueDateService
from clerk_app.services.village.flowback import VILLAGE_STATUS
from clerk_app.services.village.flowback import after_move as village_after_move
from clerk_app.store.finished import FINISHED, local_time
from clerk_app.store.models import Application, MatterRecord, OutboxEvent, SyncState
from clerk_app.sync.api import CatalogueDelta, JsonObject, StatusChange
from clerk_app.sync.ports import (
    CURSOR_CALENDAR,
    CURSOR_CATALOGUE,
    CURSOR_CATALOGUE_ETAG,
    CURSOR_STATUS_CHANGES,
)

log = logging.getLogger(__name__)

PLATFORM_ACTOR = Actor(user_id=0, username="platform", display_name="一体化政务服务平台",
                       role="admin")
# The platform's back-office statuses that move an application forward at the station.
PLATFORM_STATUS = {
    "in_review": ApplicationStatus.IN_REVIEW,
    "completed": ApplicationStatus.COMPLETED,
    "denied": ApplicationStatus.DENIED,
    "returned": ApplicationStatus.RETURNED,
}


def _cursor(session: Session, name: str) -> str | None:
    row = session.get(SyncState, name)
    return row.value if row is not None else None


def _set_cursor(session: Session, name: str, value: str) -> None:
    row = session.get(SyncState, name)
    if row is None:
        session.add(SyncState(name=name, value=value))
    else:
        row.value = value


class StationSyncStore:
    """Implements `SyncStore` for the pump; also answers the sync indicator's questions."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 matters: MatterSearchService, calendar: CalendarService,
                 due_dates: DueDateService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.matters = matters
        self.calendar = calendar
        self.due_dates = due_dates
        self._head_in_flight: dict[str, int] = {}  # event id -> audit head seq it was sent with

    # -- outbox ---------------------------------------------------------------------------

    def pending_events(self, limit: int, after_seq: int = 0) -> list[dict[str, Any]]:
        """Up to `limit` unacknowledged, unparked events with `seq` above `after_seq`."""
        station = load_settings(self.ctx).station_id
        with self.ctx.db.reading() as session:
            rows = session.scalars(select(OutboxEvent).where(
                OutboxEvent.sent_at.is_(None), OutboxEvent.parked.is_(False),
                OutboxEvent.seq > after_seq)
                .order_by(OutboxEvent.seq).limit(limit)).all()
            head = audit_head_envelope(session) if rows else None
            if head is not None:
                self._head_in_flight.update({row.event_id: int(head["seq"]) for row in rows})
            return [{"id": row.event_id, "station": station, "seq": row.seq, "type": row.type,
                     "application_no": row.application_no,
                     "occurred_at": row.occurred_at.astimezone().isoformat(),
                     "payload": row.payload,
                     **({"audit_head": head} if head is not None else {})} for row in rows]

    def mark_acknowledged(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        heads = [self._head_in_flight.pop(i) for i in ids if i in self._head_in_flight]
        with self.ctx.db.transaction() as session:
            if heads:
                _set_cursor(session, STATE_AUDIT_ANCHOR, str(max(heads)))
            session.execute(update(OutboxEvent).where(
                OutboxEvent.event_id.in_(ids), OutboxEvent.sent_at.is_(None)).values(
                sent_at=self.ctx.now(), last_error=""))

    def mark_held(self, ids: Iterable[str]) -> None:
        """Mark events the platform received another way (a relayed sync file) as sent.

        The audit anchor stays: it moves only with heads the platform was shown in a push."""
        ids = list(ids)
        for event_id in ids:
            self._head_in_flight.pop(event_id, None)
        if not ids:
            return
        with self.ctx.db.transaction() as session:
            session.execute(update(OutboxEvent).where(
                OutboxEvent.event_id.in_(ids), OutboxEvent.sent_at.is_(None)).values(
                sent_at=self.ctx.now(), last_error=""))

    def park(self, event_id: str, reason: str) -> None:
        self._head_in_flight.pop(event_id, None)
        with self.ctx.db.transaction() as session:
            session.execute(update(OutboxEvent).where(OutboxEvent.event_id == event_id).values(
                parked=True, last_error=reason[:2000], attempts=OutboxEvent.attempts + 1))
            audit(session, PLATFORM_ACTOR, "sync_event_parked", "outbox", event_id,
                  self.ctx.now(), after={"reason": reason[:500]})

    def note_attempt(self, ids: Iterable[str], error: str) -> None:
        """Count a failed attempt on events still waiting (shown to the clerk)."""
        ids = list(ids)
        if not ids:
            return
        with self.ctx.db.transaction() as session:
            session.execute(update(OutboxEvent).where(
                OutboxEvent.event_id.in_(ids), OutboxEvent.sent_at.is_(None))
                .values(attempts=OutboxEvent.attempts + 1, last_error=error[:2000]))

    def parked_events(self, limit: int = 50) -> list[tuple[str, str, str]]:
        """(application number, event type, reason) of parked events, oldest first."""
        with self.ctx.db.reading() as session:
            rows = session.execute(select(
                OutboxEvent.application_no, OutboxEvent.type, OutboxEvent.last_error).where(
                OutboxEvent.parked.is_(True), OutboxEvent.sent_at.is_(None))
                .order_by(OutboxEvent.seq).limit(limit)).all()
            return [(row[0], row[1], row[2]) for row in rows]

    def pages_waiting(self) -> tuple[int, int]:
        """(material pages the platform does not hold whole, their bytes still to send)."""
        from clerk_app.sync.page_upload import StationPages  # sync imports this module

        return StationPages(self.ctx).summary()

    def outbox_summary(self) -> tuple[int, datetime | None, int]:
        """(events waiting, time of the oldest waiting, events parked)."""
        with self.ctx.db.reading() as session:
            waiting, oldest = session.execute(select(
                func.count(OutboxEvent.seq), func.min(OutboxEvent.occurred_at)).where(
                OutboxEvent.sent_at.is_(None), OutboxEvent.parked.is_(False))).one()
            parked = session.scalar(select(func.count(OutboxEvent.seq)).where(
                OutboxEvent.parked.is_(True), OutboxEvent.sent_at.is_(None)))
            return int(waiting), oldest, int(parked or 0)

    # -- cursors --------------------------------------------------------------------------

    def get_cursor(self, name: str) -> str | None:
        with self.ctx.db.reading() as session:
            return _cursor(session, name)

    def set_cursor(self, name: str, value: str) -> None:
        with self.ctx.db.transaction() as session:
            _set_cursor(session, name, value)

    def get_values(self, names: Iterable[str]) -> dict[str, str]:
        """Several sync_state values in one read (names never set are left out)."""
        with self.ctx.db.reading() as session:
            rows = session.scalars(select(SyncState).where(SyncState.name.in_(list(names))))
            return {row.name: row.value for row in rows}

    def set_values(self, values: Mapping[str, str]) -> None:
        """Store several sync_state values in one transaction."""
        if not values:
            return
        with self.ctx.db.transaction() as session:
            for name, value in values.items():
                _set_cursor(session, name, value)

    def station_id(self) -> str:
        """This station's code at the platform (region + station), "" before setup."""
        settings = load_settings(self.ctx)
        return settings.station_id if settings.configured else ""

    def stale_hours(self) -> int:
        """Waiting events older than this many hours are a warning (中心设置)."""
        return load_settings(self.ctx).reconcile_stale_hours

    # -- pulled data ----------------------------------------------------------------------

    def apply_catalogue_changes(self, delta: CatalogueDelta) -> None:
        """Apply a catalogue delta atomically: never a half-updated catalogue."""
        problems: list[str] = []
        matters: list[Matter] = [parse_matter(raw, problems, i)
                                 for i, raw in enumerate(delta.matters)]
        if problems:
            raise CatalogueError(problems)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            result = apply_matters(session, matters, now)
            withdrawn = [(w.code, w.reason) for w in delta.withdrawn]
            if delta.full:
                sent = {m.code for m in matters}
                for record in session.scalars(select(MatterRecord).where(
                        MatterRecord.current.is_(True), MatterRecord.active.is_(True))):
                    if record.code not in sent:
                        withdrawn.append((record.code, _("平台事项目录中已无此事项")))
            for code, reason in withdrawn:
                for record in session.scalars(select(MatterRecord).where(
                        MatterRecord.code == code, MatterRecord.current.is_(True))):
                    record.active = False
                    record.document = {**record.document, "status": "withdrawn",
                                       "withdrawn_reason": reason}
            _set_cursor(session, CURSOR_CATALOGUE, delta.cursor)
            if delta.etag:
                _set_cursor(session, CURSOR_CATALOGUE_ETAG, delta.etag)
            audit(session, PLATFORM_ACTOR, "catalogue_synced", "catalogue", delta.cursor[:40],
                  now, after={"added": result.added, "updated": result.updated,
                              "withdrawn": len(withdrawn)})
        self.catalogue.forget_cached()
        self.matters.refresh()
        log.info("catalogue delta applied: %d matters, %d withdrawn", len(matters),
                 len(delta.withdrawn))

    def apply_status_changes(self, changes: Sequence[StatusChange], cursor: str) -> int:
        """Move applications forward; late or repeated updates never move one backwards.

        Returns how many applications moved."""
        now = self.ctx.now()
        moved_count = 0
        with self.ctx.db.transaction() as session:
            for change in changes:
                target = PLATFORM_STATUS.get(change.status) or VILLAGE_STATUS.get(change.status)
                app = session.scalars(select(Application).where(
                    Application.number == change.application_no)).first()
                if target is None or app is None:
                    log.info("status change seq=%s not applied (status=%s, known=%s)",
                             change.seq, change.status, app is not None)
                    continue
                current = ApplicationStatus(app.status)
                moved = apply_platform_status(current, target)
                if moved is current:
                    continue
                app.status = moved.value
                app.updated_at = now
                if app.finished_at is None and moved.value in FINISHED:
                    app.finished_at = local_time(change.changed_at)  # the back office's time
                moved_count += 1
                if current.before_acceptance:  # a village case: what the centre did
                    village_after_move(session, app, moved, change, self.calendar.calendar(),
                                       self.catalogue)
                audit(session, PLATFORM_ACTOR, "status_from_platform", "application",
                      app.number, now, before={"status": current.value},
                      after={"status": moved.value, "platform_seq": change.seq,
                             "changed_at": change.changed_at.isoformat(),
                             "note": change.note[:500]})
            # 一件事: members waiting for one finished now start their clocks (in this txn)
            restart_waiting_clocks(session, [c.application_no for c in changes],
                                   self.calendar.calendar(), self.catalogue, PLATFORM_ACTOR, now)
            _set_cursor(session, CURSOR_STATUS_CHANGES, cursor)
        return moved_count

    def apply_calendar(self, years: Sequence[JsonObject], cursor: str) -> None:
        """Store the years' schedules (due dates are recomputed in the same transaction), then
        advance the cursor. Applying the same years again is harmless, so the cursor follows
        in its own step."""
        if years:
            self.due_dates.import_payload(PLATFORM_ACTOR, list(years), source="platform")
        self.set_cursor(CURSOR_CALENDAR, cursor)
