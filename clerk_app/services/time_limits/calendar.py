"""The working-day calendar in use: bundled schedules plus those received or imported later.

Whoever depends on the calendar (the due dates of open applications) subscribes a hook; an
import runs every hook inside its own transaction with the new calendar, so the schedule and
everything recomputed from it are stored together or not at all, whether the schedule came
from a file (CLI, supervisor's menu) or from the platform.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.calendar_import import (
    YearSchedule,
    load_calendar_file,
    parse_calendar_payload,
    schedule_to_document,
)
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.store.models import CalendarYear

log = logging.getLogger(__name__)

CalendarHook = Callable[[Session, WorkCalendar, list[int]], None]
"""Runs inside the import's transaction with the calendar the import produces and its years."""


class CalendarService:
    """Builds the WorkCalendar once and rebuilds it when a year's schedule arrives."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._calendar: WorkCalendar | None = None
        self._hooks: list[CalendarHook] = []

    def subscribe(self, hook: CalendarHook) -> None:
        """Run ``hook(session, new_calendar, years)`` in the transaction of every later import."""
        self._hooks.append(hook)

    def calendar(self) -> WorkCalendar:
        with self._lock:
            if self._calendar is None:
                self._calendar = self._build()
            return self._calendar

    def _build(self) -> WorkCalendar:
        calendar = WorkCalendar.bundled()
        with self.ctx.db.reading() as session:
            documents = [row.document for row in session.scalars(
                select(CalendarYear).order_by(CalendarYear.year))]
        schedules: list[YearSchedule] = []
        for document in documents:
            schedules.extend(parse_calendar_payload(document))
        return calendar.with_schedules(schedules) if schedules else calendar

    def import_payload(self, actor: Actor, payload: Any, *, source: str) -> list[int]:
        """Store one or more year schedules, all or nothing; returns the years."""
        if actor is not SYSTEM_ACTOR:
            require(self.ctx, actor, Permission.IMPORT_CALENDAR)
        schedules = parse_calendar_payload(payload)
        now = self.ctx.now()
        updated = self.calendar().with_schedules(schedules)
        with self.ctx.db.transaction() as session:
            for schedule in schedules:
                document = schedule_to_document(schedule)
                row = session.get(CalendarYear, schedule.year)
                if row is None:
                    session.add(CalendarYear(year=schedule.year, document=document,
                                             source=source[:40], imported_at=now))
                else:
                    row.document, row.source, row.imported_at = document, source[:40], now
            audit(session, actor, "calendar_imported", "calendar",
                  ",".join(str(s.year) for s in schedules), now,
                  after={"years": [s.year for s in schedules], "source": source[:40]})
            for hook in self._hooks:
                hook(session, updated, [s.year for s in schedules])
        with self._lock:
            self._calendar = updated  # what _build() would now make from the stored rows
        log.info("calendar imported for %d year(s)", len(schedules))
        return [s.year for s in schedules]

    def import_file(self, actor: Actor, path: Path) -> list[int]:
        """Import a calendar file (one year's document or a list of them), all or nothing."""
        schedules = load_calendar_file(path)
        return self.import_payload(actor, [schedule_to_document(s) for s in schedules],
                                   source=path.name)
