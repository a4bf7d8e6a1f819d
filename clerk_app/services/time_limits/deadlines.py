"""Warnings on due dates (超期预警): 黄灯, 红灯 and 暂停中 for the open applications of the station.

黄灯 when at most ``CentreSettings.yellow_days`` working days remain after today (the due day
itself is always yellow), 红灯 from the day after the due date, 暂停中 while a clock stop runs
(the due date is then unknown; the expected one is shown). The classification is the domain's
(:meth:`WorkCalendar.due_status`); the stored due dates are kept current by ``clock`` and
``due_dates``. Reads use a fixed number of queries whatever the number of applications:
the list takes three (applications, open clock stops, 容缺 materials), the counts one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    false,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.workdays import DueDate, DueStatus, PauseKind, WorkCalendar
from clerk_app.i18n import _
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import ServiceContext
from clerk_app.services.station.settings import load_settings
from clerk_app.services.time_limits.calendar import CalendarService
from clerk_app.services.time_limits.due import PAUSE_KINDS, compute_due
from clerk_app.services.time_limits.due_dates import OPEN_STATUSES, open_clock_events
from clerk_app.store.models import Applicant, Application, ApplicationMaterial, User

SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")
_RANK = {DueStatus.RED: 0, DueStatus.YELLOW: 1, DueStatus.NORMAL: 2, DueStatus.PAUSED: 3}


def light_label(status: DueStatus) -> str:
    """The warning's words as the window shows them (never colour alone)."""
    return {DueStatus.NORMAL: _("正常"), DueStatus.YELLOW: _("黄灯"),
            DueStatus.RED: _("红灯"), DueStatus.PAUSED: _("暂停中")}[status]


@dataclass(frozen=True)
class DeferredMaterial:
    """A 容缺 material still owed, with the date the applicant promised it."""

    name: str
    promised_date: date | None
    overdue: bool


@dataclass(frozen=True)
class PauseInfo:
    """The clock stop that is running."""

    kind: PauseKind
    since: date
    reason: str
    expected_end: date | None


class DeadlineRow(NamedTuple):
    """One open application and where it stands against its due date, as of ``as_of``.

    A NamedTuple rather than a frozen dataclass: as immutable, and four times cheaper to build
    when a centre's whole list (tens of thousands) is read.
    """

    number: str
    matter_name: str
    applicant_name: str
    window: str
    clerk: str
    status: str
    accepted_on: date
    due_date: date | None
    provisional: bool
    due_status: DueStatus
    remaining: int | None  # working days after as_of up to the due date; < 0 once overdue
    as_of: date
    yellow_days: int
    pause: PauseInfo | None = None
    expected_due: date | None = None  # while paused: the due date if it ends when expected
    deferred: tuple[DeferredMaterial, ...] = ()
    organisation: bool = False  # the applicant is an organisation: its name is public data

    @property
    def light(self) -> str:
        return light_label(self.due_status)

    @property
    def deferred_overdue(self) -> bool:
        return any(m.overdue for m in self.deferred)

    @property
    def urgency(self) -> tuple[int, int]:
        """Sort key, most urgent first: 红灯 (most overdue first), 黄灯, 正常, then 暂停中."""
        if self.due_status is DueStatus.PAUSED:
            return _RANK[DueStatus.PAUSED], self.expected_due.toordinal() if self.expected_due \
                else date.max.toordinal()
        return _RANK[self.due_status], self.remaining if self.remaining is not None else 0


@dataclass(frozen=True)
class DeadlineFigures:
    """Counts of open applications by warning, for a window and clerk (supervisor's figures)."""

    window: str
    clerk: str
    open: int
    normal: int
    yellow: int
    red: int
    paused: int


class DeadlineService:
    """Read-only: due-date warnings of the open applications, their counts and figures."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 calendar: CalendarService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.calendar = calendar

    def rows(self, window: str | None = None, clerk_id: int | None = None,
             statuses: Sequence[DueStatus] | None = None,
             limit: int | None = None) -> list[DeadlineRow]:
        """Open applications of the station (or of a window or a clerk), most urgent first;
        with `limit`, only that many from the top (a county's list is read a page at a time).

        Most urgent first is due-date order (红灯 most overdue first, then 黄灯, then 正常),
        paused ones last by their expected date, so the database sorts and cuts the page and
        the warning filter is a due-date range.
        """
        cal = self.calendar.calendar()
        today = self.ctx.today()
        yellow_days = load_settings(self.ctx).yellow_days
        query = _scoped(select(
            Application.id, Application.number, Application.matter_name, Application.window,
            Application.status, type_coerce(Application.accepted_on, String),
            type_coerce(Application.due_date, String), Application.due_provisional,
            Application.matter_code, Application.matter_version, User.display_name,
            Applicant.name, Applicant.kind)
            .join(User, User.id == Application.clerk_id)
            .join(Applicant, Applicant.id == Application.applicant_id), window, clerk_id,
            by_due=True)
        if statuses is not None:
            query = query.where(self._due_filter(statuses, today))
        due = Application.due_date
        dated = query.where(due.is_not(None)).order_by(due, Application.number)
        paused = query.where(due.is_(None)).order_by(Application.number)
        with self.ctx.db.reading() as session:
            connection = session.connection()
            apps: list[Any] = list(connection.execute(
                dated if limit is None else dated.limit(limit)).all())
            if limit is None or len(apps) < limit:
                # paused ones come last, ordered by their expected date (from their clocks)
                apps.extend(connection.execute(paused).all())
            paused_ids = [a[0] for a in apps if a[6] is None]
            events = open_clock_events(session, paused_ids) if paused_ids else {}
            deferred = _deferred(session, window, clerk_id, today,
                                 None if limit is None else [a[0] for a in apps])
        dates: dict[str | None, date | None] = {None: None}
        by_due: dict[str | None, tuple[DueStatus, int | None]] = {}  # a few hundred dates
        rows = []
        for (app_id, number, matter_name, app_window, status, accepted_text, due_text,
             provisional, code, version, clerk, applicant, applicant_kind) in apps:
            accepted_on = _day(dates, accepted_text)
            if accepted_on is None:  # excluded by the query; says so to the type checker
                continue
            due_date = _day(dates, due_text)
            known = by_due.get(due_text)
            if known is None:
                known = by_due[due_text] = (
                    cal.due_status(due_date, today, yellow_days),
                    None if due_date is None else cal.remaining_working_days(today, due_date))
            due_status, remaining = known
            if statuses is not None and due_status not in statuses:
                continue
            pause, expected = None, None
            if due_date is None:
                pause, expected_due = self._paused(cal, accepted_on, code, version,
                                                   events.get(app_id, []), today)
                expected, provisional = expected_due.expected_date, expected_due.provisional
            rows.append(DeadlineRow(
                number=number, matter_name=matter_name, applicant_name=applicant,
                window=app_window, clerk=clerk, status=status, accepted_on=accepted_on,
                due_date=due_date, provisional=bool(provisional), due_status=due_status,
                remaining=remaining, as_of=today, yellow_days=yellow_days, pause=pause,
                expected_due=expected, deferred=tuple(deferred.get(app_id, ())),
                organisation=applicant_kind == "legal_person"))
        rows.sort(key=lambda r: r.urgency)  # paused ones by their expected date
        return rows if limit is None else rows[:limit]

    def _due_filter(self, statuses: Sequence[DueStatus], today: date) -> ColumnElement[bool]:
        """The due-date range of each wanted warning, as one condition."""
        due = Application.due_date
        yellow_end = self._yellow_end(today)
        ranges = {DueStatus.RED: due < today,
                  DueStatus.YELLOW: and_(due >= today, due < yellow_end),
                  DueStatus.NORMAL: due >= yellow_end,
                  DueStatus.PAUSED: due.is_(None)}
        return or_(false(), *(ranges[status] for status in statuses))

    def counts(self, window: str | None = None, clerk_id: int | None = None) -> tuple[int, int]:
        """(黄灯, 红灯) for the status bar: one query on the (status, due_date) index, reading
        only the applications due before the end of the yellow band."""
        today = self.ctx.today()
        yellow_end = self._yellow_end(today)
        due = Application.due_date
        query = _scoped(select(func.sum(case((due >= today, 1), else_=0)),
                               func.sum(case((due < today, 1), else_=0)))
                        .where(due < yellow_end), window, clerk_id)
        with self.ctx.db.reading() as session:
            yellow, red = session.execute(query).one()
        return int(yellow or 0), int(red or 0)

    def _yellow_end(self, today: date) -> date:
        """黄灯 <=> today <= due < the (yellow_days + 1)-th working day after today."""
        yellow_days = load_settings(self.ctx).yellow_days
        return self.calendar.calendar().add_working_days(today, yellow_days + 1)

    def figures(self, window: str | None = None,
                clerk_id: int | None = None) -> list[DeadlineFigures]:
        """Open / 正常 / 黄灯 / 红灯 / 暂停中 per window and clerk (supervisor's figures); one query."""
        today = self.ctx.today()
        yellow_end = self._yellow_end(today)
        due = Application.due_date
        query = _scoped(select(
            Application.window, User.display_name, func.count(),
            func.sum(case((due >= yellow_end, 1), else_=0)),
            func.sum(case((and_(due >= today, due < yellow_end), 1), else_=0)),
            func.sum(case((due < today, 1), else_=0)),
            func.sum(case((due.is_(None), 1), else_=0)),
        ).join(User, User.id == Application.clerk_id), window, clerk_id)
        query = query.group_by(Application.window, User.id, User.display_name)
        with self.ctx.db.reading() as session:
            result = session.execute(query.order_by(Application.window, User.display_name))
            return [DeadlineFigures(w, c, n, int(ok or 0), int(y or 0), int(r or 0),
                                    int(p or 0)) for w, c, n, ok, y, r, p in result]

    def _paused(self, cal: WorkCalendar, accepted_on: date, code: str, version: int,
                events: Sequence[Any], today: date) -> tuple[PauseInfo | None, DueDate]:
        """The running clock stop of a paused application and its expected due date."""
        running = [e for e in events if e.kind in PAUSE_KINDS and e.end is None]
        pause = None
        if running:
            first = min(running, key=lambda e: e.start)
            pause = PauseInfo(PauseKind(first.kind), first.start, first.reason,
                              first.expected_end)
        limit = self.catalogue.matter(code, version).promised_limit
        return pause, compute_due(cal, accepted_on, limit, events, today)


def _scoped(query: SelectT, window: str | None, clerk_id: int | None,
            by_due: bool = False) -> SelectT:
    """Open applications (of a window, of a clerk). `by_due`: the status test is written so
    that SQLite walks the due-date index in order instead (a page stops after its rows)."""
    status = Application.status.concat("") if by_due else Application.status
    query = query.where(status.in_(OPEN_STATUSES), Application.accepted_on.is_not(None))
    if window:
        query = query.where(Application.window == window)
    if clerk_id is not None:
        query = query.where(Application.clerk_id == clerk_id)
    return query


def _day(cache: dict[str | None, date | None], text: str | None) -> date | None:
    """A stored ISO date, parsed once per distinct value."""
    if text not in cache:
        cache[text] = date.fromisoformat(text) if text else None
    return cache[text]


def _deferred(session: Session, window: str | None, clerk_id: int | None,
              today: date, app_ids: Sequence[int] | None = None
              ) -> dict[int, list[DeferredMaterial]]:
    """容缺 materials still owed by open applications (or by `app_ids`), by id; one query."""
    owed_rows = select(ApplicationMaterial.application_id, ApplicationMaterial.name,
                       ApplicationMaterial.promised_date).where(
        ApplicationMaterial.state == MaterialState.DEFERRED.value,
        ApplicationMaterial.applicable.is_(True))
    if app_ids is None:
        query = _scoped(owed_rows.join(
            Application, Application.id == ApplicationMaterial.application_id), window, clerk_id)
    else:
        query = owed_rows.where(ApplicationMaterial.application_id.in_(app_ids))
    owed: dict[int, list[DeferredMaterial]] = defaultdict(list)
    for app_id, name, promised in session.execute(
            query.order_by(ApplicationMaterial.application_id, ApplicationMaterial.position)):
        owed[app_id].append(DeferredMaterial(name, promised,
                                             promised is not None and promised < today))
    return owed
