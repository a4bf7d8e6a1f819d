"""Due dates of applications (限时办结) from the working-day calendar and the clock's events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from clerk_app.domain.catalogue import TimeLimit
from clerk_app.domain.workdays import ClockPause, DueDate, PauseKind, WorkCalendar
from clerk_app.store.models import ClockEvent

PAUSE_KINDS = {k.value for k in PauseKind}
EXTENSION = "extension"


def pauses_of(events: Sequence[ClockEvent], accepted_on: date) -> list[ClockPause]:
    """The clock stops recorded after acceptance (补正 before acceptance is not a pause)."""
    return [ClockPause(kind=PauseKind(e.kind), start=e.start, end=e.end, reason=e.reason or "-",
                       expected_end=e.expected_end or e.end or e.start)
            for e in events if e.kind in PAUSE_KINDS and e.start >= accepted_on]


def compute_due(
    calendar: WorkCalendar,
    accepted_on: date,
    limit: TimeLimit,
    events: Sequence[ClockEvent],
    today: date,
) -> DueDate:
    """The due date given the promised limit, pauses and approved extensions."""
    extension_days = sum(e.extension_days for e in events if e.kind == EXTENSION)
    return calendar.due_date_with_pauses(
        accepted_on, limit.days, pauses_of(events, accepted_on), extension_days,
        natural=limit.natural, today=today)
