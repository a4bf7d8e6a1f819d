"""Due dates of applications (限时办结) from the working-day calendar and the clock's events.

Clock events (``clock_events`` rows) are of three kinds: ``correction`` (补正 after acceptance,
from the correction request to the day the materials arrive), ``special_procedure`` (特别程序,
第四十五条) and ``extension`` (延期, 第四十二条). The counting rules are the domain's
(:mod:`clerk_app.domain.workdays`); this module only turns stored rows into its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from clerk_app.domain.catalogue import TimeLimit
from clerk_app.domain.workdays import ClockPause, DueDate, PauseKind, WorkCalendar

PAUSE_KINDS = frozenset(k.value for k in PauseKind)
EXTENSION = "extension"


class ClockEventLike(Protocol):
    """What a due date needs of a clock event: an ORM ``ClockEvent`` or a Core row of it."""

    @property
    def kind(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date | None: ...
    @property
    def expected_end(self) -> date | None: ...
    @property
    def extension_days(self) -> int: ...
    @property
    def reason(self) -> str: ...


def pauses_of(events: Iterable[ClockEventLike], accepted_on: date) -> list[ClockPause]:
    """The clock stops recorded after acceptance (补正 before acceptance is not a pause)."""
    return [ClockPause(kind=PauseKind(e.kind), start=e.start, end=e.end, reason=e.reason or "-",
                       expected_end=e.expected_end or e.end or e.start)
            for e in events if e.kind in PAUSE_KINDS and e.start >= accepted_on]


def extension_days_of(events: Iterable[ClockEventLike]) -> int:
    """Days of every approved extension (延期), in the limit's unit."""
    return sum(e.extension_days or 0 for e in events if e.kind == EXTENSION)


def compute_due(
    calendar: WorkCalendar,
    accepted_on: date,
    limit: TimeLimit,
    events: Iterable[ClockEventLike],
    today: date,
) -> DueDate:
    """The due date given the promised limit, pauses and approved extensions.

    A limit of 0 days (即办件) is due the day of acceptance whatever the events say.
    """
    events = list(events)
    if limit.days == 0:
        return DueDate(accepted_on, provisional=False)
    return calendar.due_date_with_pauses(
        accepted_on, limit.days, pauses_of(events, accepted_on), extension_days_of(events),
        natural=limit.natural, today=today)
