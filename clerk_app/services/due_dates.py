"""Due dates of open applications, recomputed when the calendar or a clock event changes."""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import select, update

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.catalogue import Handling
from clerk_app.services.calendar import CalendarService
from clerk_app.services.catalogue import CatalogueService
from clerk_app.services.context import ServiceContext
from clerk_app.services.due import compute_due
from clerk_app.store.models import Application, ClockEvent

log = logging.getLogger(__name__)

OPEN_STATUSES = (ApplicationStatus.ACCEPTED.value, ApplicationStatus.IN_REVIEW.value)


class DueDateService:
    """Keeps every open application's due date true to the calendar in use."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 calendar: CalendarService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.calendar = calendar

    def recompute_all(self) -> int:
        """Recompute in one transaction; returns how many due dates changed."""
        cal = self.calendar.calendar()
        today = self.ctx.today()
        changed = []
        with self.ctx.db.transaction() as session:
            rows = session.execute(select(
                Application.id, Application.matter_code, Application.matter_version,
                Application.accepted_on, Application.due_date, Application.due_provisional)
                .where(Application.status.in_(OPEN_STATUSES),
                       Application.accepted_on.is_not(None))).all()
            events = defaultdict(list)
            for event in session.scalars(select(ClockEvent)):
                events[event.application_id].append(event)
            for app_id, code, version, accepted_on, old_due, old_prov in rows:
                matter = self.catalogue.matter(code, version)
                if matter.handling is Handling.IMMEDIATE or accepted_on is None:
                    continue
                due = compute_due(cal, accepted_on, matter.promised_limit, events[app_id], today)
                if due.date != old_due or due.provisional != old_prov:
                    changed.append({"id": app_id, "due_date": due.date,
                                    "due_provisional": due.provisional})
            if changed:
                session.execute(update(Application), changed)
        log.info("due dates recomputed: %d changed of %d open", len(changed), len(rows))
        return len(changed)
