"""Due dates of open applications, recomputed when the calendar or a clock event changes.

Recomputing is what makes a provisional due date (暂定, a year without a published holiday
schedule) definitive: it subscribes to :class:`CalendarService`, so every calendar import —
from a file or from the platform — recomputes the due dates of all open applications in the
import's own transaction. It reads with a fixed number of Core queries (no ORM objects, no
query per application) and writes only the rows whose date or provisional flag changed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.catalogue import Handling, Matter, TimeLimit
from clerk_app.domain.workdays import DueDate, WorkCalendar
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.time_limits.calendar import CalendarService
from clerk_app.services.time_limits.due import ClockEventLike, compute_due
from clerk_app.store.models import Application, ClockEvent

log = logging.getLogger(__name__)

OPEN_STATUSES = (ApplicationStatus.ACCEPTED.value, ApplicationStatus.IN_REVIEW.value)
_IMMEDIATE = TimeLimit(0)
_CHUNK = 900


@dataclass(frozen=True)
class CalendarUpdate:
    """What a calendar import did: the years stored and how many due dates moved."""

    years: list[int]
    changed: int


class DueDateService:
    """Keeps every open application's due date true to the calendar in use."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 calendar: CalendarService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.calendar = calendar
        self.last_changed = 0
        calendar.subscribe(self._on_calendar_import)

    def recompute_all(self) -> int:
        """Recompute in one transaction; returns how many due dates changed."""
        with self.ctx.db.transaction() as session:
            return self.recompute_in(session, self.calendar.calendar())

    def import_file(self, actor: Actor, path: Path) -> CalendarUpdate:
        """Import a calendar file and recompute, all in one transaction (CLI, supervisor menu)."""
        years = self.calendar.import_file(actor, path)
        return CalendarUpdate(years, self.last_changed)

    def import_payload(self, actor: Actor, payload: Any, *, source: str) -> CalendarUpdate:
        """Store schedules received from the platform and recompute, in one transaction."""
        years = self.calendar.import_payload(actor, payload, source=source)
        return CalendarUpdate(years, self.last_changed)

    def _on_calendar_import(self, session: Session, calendar: WorkCalendar,
                            years: Sequence[int]) -> None:
        self.last_changed = self.recompute_in(session, calendar, years)

    def recompute_in(self, session: Session, calendar: WorkCalendar,
                     years: Sequence[int] | None = None) -> int:
        """Recompute open applications' due dates inside the caller's transaction.

        With ``years`` (the years whose schedule just changed) only the applications whose
        count can reach those years are read: a due date before 1 January of the first of
        them was counted over earlier days only, and an application accepted after the last
        of them never counts its days — the others cannot change. Paused ones are always read.
        """
        today = self.ctx.today()
        scope: list[ColumnElement[bool]] = [Application.accepted_on.is_not(None)]
        if years:
            scope += [or_(Application.due_date.is_(None),
                          Application.due_date >= date(min(years), 1, 1)),
                      Application.accepted_on <= date(max(years), 12, 31)]
        rows = session.connection().execute(select(
            Application.id, Application.matter_code, Application.matter_version,
            Application.accepted_on, Application.due_date, Application.due_provisional
        ).where(Application.status.in_(OPEN_STATUSES), *scope)).all()
        events = open_clock_events(session, scope=scope)
        limits: dict[tuple[str, int], TimeLimit | None] = {}
        plain: dict[tuple[date, TimeLimit], DueDate] = {}
        changed: list[dict[str, Any]] = []
        for app_id, code, version, accepted_on, old_due, old_provisional in rows:
            if accepted_on is None:
                continue
            key = (code, version)
            if key not in limits:
                limits[key] = self._limit(code, version)
            limit = limits[key]
            if limit is None:
                continue
            own = events.get(app_id)
            if own:
                due = compute_due(calendar, accepted_on, limit, own, today)
            else:  # most applications: no clock events; the same inputs give the same date
                cached = plain.get((accepted_on, limit))
                if cached is None:
                    cached = compute_due(calendar, accepted_on, limit, (), today)
                    plain[(accepted_on, limit)] = cached
                due = cached
            if due.date != old_due or due.provisional != old_provisional:
                changed.append({"app_id": app_id, "new_due": due.date,
                                "new_provisional": due.provisional})
        if changed:
            table = cast(Table, Application.__table__)
            session.connection().execute(
                update(table).where(table.c.id == bindparam("app_id")).values(
                    due_date=bindparam("new_due"), due_provisional=bindparam("new_provisional")),
                changed)
        audit(session, SYSTEM_ACTOR, "due_dates_recomputed", "calendar", "recompute",
              self.ctx.now(), after={"read": len(rows), "changed": len(changed),
                                     "years": list(years) if years else "all"})
        log.info("due dates recomputed: %d changed of %d read", len(changed), len(rows))
        return len(changed)

    def _limit(self, code: str, version: int) -> TimeLimit | None:
        """The promised limit of a matter version (0 for 即办件); None if it is unknown."""
        try:
            matter: Matter = self.catalogue.matter(code, version)
        except KeyError:
            log.warning("matter %s v%d unknown: due date left as it is", code, version)
            return None
        return _IMMEDIATE if matter.handling is Handling.IMMEDIATE else matter.promised_limit


def open_clock_events(
    session: Session, app_ids: Sequence[int] | None = None,
    scope: Sequence[ColumnElement[bool]] = (),
) -> dict[int, list[ClockEventLike]]:
    """Clock events of open applications (those within ``scope``, or the given ones), by
    application id; one query (one per 900 ids)."""
    query = select(ClockEvent.application_id, ClockEvent.kind, ClockEvent.start, ClockEvent.end,
                   ClockEvent.expected_end, ClockEvent.extension_days, ClockEvent.reason)
    events: dict[int, list[ClockEventLike]] = defaultdict(list)
    if app_ids is None:
        queries = [query.join(Application, Application.id == ClockEvent.application_id)
                   .where(Application.status.in_(OPEN_STATUSES), *scope)]
    else:  # in chunks: SQLite limits the number of bound parameters
        ids = list(app_ids)
        queries = [query.where(ClockEvent.application_id.in_(ids[i:i + _CHUNK]))
                   for i in range(0, len(ids), _CHUNK)]
    for chunk_query in queries:
        for row in session.connection().execute(chunk_query.order_by(ClockEvent.application_id,
                                                        ClockEvent.id)):
            events[row.application_id].append(row)
    return events
