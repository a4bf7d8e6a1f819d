"""When a case is finished (办结时间): recorded as it happens, by every writer.

Whatever moves an application into a finished status (a 即办 decision, the back office's
result arriving by sync, 出件, 邮寄送达, a village or bundle step), the moment is kept in
`applications.finished_at` at the next flush: the time the writer gave the change
(`updated_at`, which every writer sets with the status), unless it already set
`finished_at` itself (sync sets the back office's own time). Never overwritten afterwards,
so figures and the daily log count the day the case was really finished.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus
from clerk_app.store.models import Application

FINISHED = frozenset(s.value for s in (
    ApplicationStatus.COMPLETED, ApplicationStatus.DENIED, ApplicationStatus.RETURNED,
    ApplicationStatus.HANDED_OVER, ApplicationStatus.DELIVERED))


@event.listens_for(Session, "before_flush")
def _record_finishing(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Application) and obj.finished_at is None and (
                obj.status in FINISHED) and _stamped_now(obj):
            obj.finished_at = obj.updated_at


def _stamped_now(app: Application) -> bool:
    """The writer gave this change its time (a new row, or `updated_at` set in this flush);
    a status set without it has no time of its own and is left to the audit trail."""
    state = inspect(app)
    return app.updated_at is not None and (
        state.pending or state.attrs.updated_at.history.has_changes())


def local_time(moment: datetime) -> datetime:
    """A time from elsewhere (the platform's, with its zone) as the station's local time, the
    way every other time is stored."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
