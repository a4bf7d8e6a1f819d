"""When a bundle member is finished by the back office, the members waiting for it start their
clocks that day: their due dates are counted again (inside the status change's transaction)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.bundles import due_dates, merge, parse_bundle
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor
from clerk_app.services.station.journal import audit
from clerk_app.store.models import Application, BundleCase, BundleDefinition

log = logging.getLogger(__name__)

FINISHED = frozenset({ApplicationStatus.COMPLETED.value, ApplicationStatus.DENIED.value,
                      ApplicationStatus.RETURNED.value, ApplicationStatus.HANDED_OVER.value,
                      ApplicationStatus.DELIVERED.value})


def _done_on(app: Application, today: date) -> date:
    finished = app.finished_at
    return finished.date() if isinstance(finished, datetime) else today


def restart_waiting_clocks(session: Session, numbers: Sequence[str], calendar: WorkCalendar,
                           catalogue: CatalogueService, actor: Actor, now: datetime) -> int:
    """Recount the due dates of open members waiting for any finished member among
    `numbers`; returns how many due dates changed (each audited)."""
    finished = session.scalars(select(Application).where(
        Application.number.in_(list(numbers)), Application.bundle_id.is_not(None),
        Application.status.in_(FINISHED))).all()
    changed = 0
    for case_id in {a.bundle_id for a in finished}:
        case = session.get(BundleCase, case_id)
        definition = session.scalars(select(BundleDefinition).where(
            BundleDefinition.code == case.bundle_code,
            BundleDefinition.version == case.bundle_version)).first() if case else None
        if case is None or definition is None:
            continue
        bundle = parse_bundle(definition.document, [])
        try:
            matters = {a.matter_code: catalogue.matter(a.matter_code, a.matter_version)
                       for a in case.members}
            for member in bundle.members:
                matters.setdefault(member.matter_code, catalogue.matter(member.matter_code))
        except KeyError:
            continue
        checklist = merge(bundle, matters, set(case.chosen or ()))
        apps = {a.matter_code: a for a in case.members}
        accepted = {c: a.accepted_on for c, a in apps.items() if a.accepted_on is not None}
        done = {c: _done_on(a, now.date()) for c, a in apps.items() if a.status in FINISHED}
        limits = {m.code: m.promised_limit for m in checklist.members}
        dues = due_dates(checklist, limits, accepted, done, calendar)
        for code, app in apps.items():
            waits = set(bundle.member(code).waits_for) & set(done)
            due = dues.get(code)
            if not waits or due is None or not ApplicationStatus(app.status).is_open:
                continue
            if (app.due_date, app.due_provisional) == (due.due, due.provisional):
                continue
            before = {"due_date": app.due_date.isoformat() if app.due_date else None}
            app.due_date, app.due_provisional = due.due, due.provisional
            audit(session, actor, "due_date_restarted", "application", app.number, now,
                  before, {"due_date": due.due.isoformat(), "clock_start": due.start.isoformat(),
                           "bundle": case.number})
            changed += 1
    if changed:
        log.info("bundle clocks restarted: %d due dates", changed)
    return changed
