"""What the centre decided on a village case, as it arrives at the village point by sync."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.time_limits.due import compute_due
from clerk_app.store.models import Application, ClockEvent, HandoverBatchItem
from clerk_app.sync.api import StatusChange

VILLAGE_STATUS = {
    "centre_received": ApplicationStatus.CENTRE_RECEIVED,
    "accepted": ApplicationStatus.ACCEPTED,
    "awaiting_correction": ApplicationStatus.AWAITING_CORRECTION,
    "refused": ApplicationStatus.REFUSED,
}
"""Platform statuses only a centre's act on a village case produces."""


def after_move(session: Session, app: Application, moved: ApplicationStatus,
               change: StatusChange, calendar: WorkCalendar, catalogue: CatalogueService) -> None:
    """Record the centre's check-in on the slip and, on 受理, the centre's date and due date
    (the clock starts at the centre's 受理, never at the village; the centre's own dates when
    the platform passes them on, else worked out here)."""
    if moved is ApplicationStatus.CENTRE_RECEIVED:
        for item in session.scalars(select(HandoverBatchItem).where(
                HandoverBatchItem.application_id == app.id, HandoverBatchItem.received_at.is_(
                    None))):
            item.received_at = change.changed_at.astimezone().replace(tzinfo=None)
        return
    if moved not in (ApplicationStatus.ACCEPTED, ApplicationStatus.COMPLETED) \
            or app.accepted_on is not None:
        return
    # the centre's own date of 受理 (it may have synced days later); else when it reached us
    accepted = change.accepted_on or change.changed_at.astimezone().date()
    app.accepted_on = accepted
    if change.due_date is not None:
        app.due_date = change.due_date
        app.due_provisional = calendar.is_provisional(change.due_date)
        return
    try:
        matter = catalogue.matter(app.matter_code, app.matter_version)
    except KeyError:
        return
    if moved is ApplicationStatus.COMPLETED or matter.promised_limit.days == 0:
        app.due_date, app.due_provisional = accepted, False
        return
    pauses = session.scalars(select(ClockEvent).where(ClockEvent.application_id == app.id)).all()
    due = compute_due(calendar, accepted, matter.promised_limit, list(pauses), accepted)
    app.due_date, app.due_provisional = due.date, due.provisional
