"""Stopping and extending the clock of an accepted application (暂停计时、补正、延期).

- 特别程序 (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审; 行政许可法 第四十五条): the time
  they need is not counted; the applicant is told in writing how long, so a reason and an
  expected end are required. :meth:`ClockService.pause` / :meth:`ClockService.resume`.
- 补正 after acceptance: the back office asks for corrections; the clock stops from the request
  to the day the materials arrive. :meth:`request_correction` / :meth:`correction_received`.
- 延期 (第四十二条): "二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日，并应当将延长
  期限的理由告知申请人" — at most ten days in all, approved before the limit has run out, with
  the approver and the reason. (The fifteen days of 第四十二条第二款 for 统一办理/联合办理 are
  a decision of the 本级人民政府, not of a township counter, and are not offered.)

Each operation is one transaction: the ``clock_events`` row, the application's recomputed due
date, an audit entry (due date before and after) and an outbox event (``clock.paused``,
``clock.resumed``, ``clock.extended``) whose payload carries the new ``due_date``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.catalogue import Handling
from clerk_app.domain.numbering import parse_number
from clerk_app.domain.workdays import ClockPause, DueDate, Extension, PauseKind
from clerk_app.i18n import _
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.time_limits.calendar import CalendarService
from clerk_app.services.time_limits.due import EXTENSION, compute_due, extension_days_of
from clerk_app.store.models import Application, ClockEvent

log = logging.getLogger(__name__)

MAX_EXTENSION_DAYS = 10
"""行政许可法 第四十二条: 经本行政机关负责人批准，可以延长十日."""

SPECIAL_PROCEDURES = ("听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审")
"""The procedures of 第四十五条 whose time is not counted (offered as choices in the UI)."""


class ClockError(ValueError):
    """The clock operation is not possible as asked; the message is for the clerk, in Chinese."""


@dataclass(frozen=True)
class OpenPause:
    """A clock stop still running."""

    kind: PauseKind
    start: date
    reason: str
    expected_end: date | None


@dataclass(frozen=True)
class ClockState:
    """An application's clock: the due date now, what stops it, and what extension is left."""

    number: str
    accepted_on: date
    due: DueDate
    open_pauses: tuple[OpenPause, ...]
    extension_days: int
    natural: bool

    @property
    def extension_left(self) -> int:
        return max(0, MAX_EXTENSION_DAYS - self.extension_days)

    def open_pause(self, kind: PauseKind) -> OpenPause | None:
        return next((p for p in self.open_pauses if p.kind is kind), None)


class ClockService:
    """Pauses, resumptions, corrections after acceptance, and extensions of open applications."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 calendar: CalendarService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.calendar = calendar

    # -- reading ----------------------------------------------------------------------------

    def state(self, number: str) -> ClockState:
        """The clock of an open application (for the dialogs: pause start, extension left)."""
        with self.ctx.db.reading() as session:
            app = self._open_application(session, number)
            events = self._events(session, app)
            return self._state(app, events, self._due(app, events))

    # -- 特别程序 ----------------------------------------------------------------------------

    def pause(self, actor: Actor, number: str, kind: PauseKind, reason: str,
              expected_end: date | None) -> ClockState:
        """Stop the clock from today (特别程序: reason and expected end are required)."""
        require(self.ctx, actor, Permission.PAUSE_CLOCK)
        return self._start_pause(actor, number, kind, reason, expected_end)

    def resume(self, actor: Actor, number: str, on: date | None = None) -> ClockState:
        """Restart the clock after a 特别程序: its result came in on ``on`` (default today)."""
        require(self.ctx, actor, Permission.PAUSE_CLOCK)
        return self._end_pause(actor, number, PauseKind.SPECIAL_PROCEDURE, on)

    # -- 补正 after acceptance -------------------------------------------------------------

    def request_correction(self, actor: Actor, number: str, reason: str,
                           expected_end: date | None = None) -> ClockState:
        """The back office asks for corrections (补正): the clock stops from today."""
        require(self.ctx, actor, Permission.INTAKE)
        return self._start_pause(actor, number, PauseKind.CORRECTION, reason, expected_end)

    def correction_received(self, actor: Actor, number: str,
                            on: date | None = None) -> ClockState:
        """The corrected materials arrived on ``on`` (default today): the clock restarts."""
        require(self.ctx, actor, Permission.INTAKE)
        return self._end_pause(actor, number, PauseKind.CORRECTION, on)

    # -- 延期 --------------------------------------------------------------------------------

    def extend(self, actor: Actor, number: str, days: int, approver: str,
               reason: str) -> ClockState:
        """Add an approved extension (延期) of ``days`` to the limit."""
        require(self.ctx, actor, Permission.PAUSE_CLOCK)
        today = self.ctx.today()
        try:
            extension = Extension(days, today, approver.strip(), reason.strip())
        except ValueError as exc:
            raise ClockError(str(exc)) from exc

        def change(session: Session, app: Application, events: list[ClockEvent],
                   before: DueDate) -> dict[str, Any]:
            used = extension_days_of(events)
            if used + days > MAX_EXTENSION_DAYS:
                raise ClockError(_(
                    "依据《行政许可法》第四十二条，经批准最多延长十日；本办件已延期{used}日，"
                    "最多还可延长{left}日").format(used=used, left=MAX_EXTENSION_DAYS - used))
            if before.date is not None and today > before.date:
                raise ClockError(_(
                    "办结期限已于{due}届满，不能再延期：延期须在期限届满前经负责人批准").format(
                    due=before.date.isoformat()))
            event = ClockEvent(application_id=app.id, kind=EXTENSION, start=today,
                               extension_days=extension.days, reason=extension.reason,
                               approver=extension.approver, created_at=self.ctx.now())
            session.add(event)
            events.append(event)
            return {"kind": EXTENSION, "days": extension.days, "approver": extension.approver,
                    "reason": extension.reason, "approved_on": today.isoformat()}

        return self._write(actor, number, "clock_extended", "clock.extended", change)

    # -- the shared write path ------------------------------------------------------------

    def _start_pause(self, actor: Actor, number: str, kind: PauseKind, reason: str,
                     expected_end: date | None) -> ClockState:
        today = self.ctx.today()
        reason = reason.strip()
        if kind is PauseKind.CORRECTION and not reason:
            raise ClockError(_("请写明需要补正的内容"))
        if expected_end is not None and expected_end < today:
            raise ClockError(_("预计结束日期不能早于今天（{today}）").format(today=today.isoformat()))
        try:  # the domain's checks: a 特别程序 needs its reason and its expected end
            ClockPause(kind, today, None, reason, expected_end)
        except ValueError as exc:
            raise ClockError(str(exc)) from exc

        def change(session: Session, app: Application, events: list[ClockEvent],
                   before: DueDate) -> dict[str, Any]:
            running = next((e for e in events if e.kind == kind.value and e.end is None), None)
            if running is not None:
                raise ClockError(_("该办件已因{kind}暂停计时（自{start}起：{reason}），"
                                   "请先恢复计时").format(kind=kind.label,
                                                          start=running.start.isoformat(),
                                                          reason=running.reason))
            if app.accepted_on is not None and today < app.accepted_on:
                raise ClockError(_("暂停计时不能早于受理日期"))
            event = ClockEvent(application_id=app.id, kind=kind.value, start=today, end=None,
                               expected_end=expected_end, reason=reason,
                               created_at=self.ctx.now())
            session.add(event)
            events.append(event)
            return {"kind": kind.value, "start": today.isoformat(), "reason": reason,
                    "expected_end": expected_end.isoformat() if expected_end else None}

        action = "correction_requested" if kind is PauseKind.CORRECTION else "clock_paused"
        return self._write(actor, number, action, "clock.paused", change)

    def _end_pause(self, actor: Actor, number: str, kind: PauseKind,
                   on: date | None) -> ClockState:
        today = self.ctx.today()
        end = on or today
        if end > today:
            raise ClockError(_("恢复计时日期不能晚于今天（{today}）").format(
                today=today.isoformat()))

        def change(session: Session, app: Application, events: list[ClockEvent],
                   before: DueDate) -> dict[str, Any]:
            running = next((e for e in events if e.kind == kind.value and e.end is None), None)
            if running is None:
                raise ClockError(_("该办件没有进行中的{kind}暂停").format(kind=kind.label))
            if end < running.start:
                raise ClockError(_("恢复计时日期不能早于暂停开始日期（{start}）").format(
                    start=running.start.isoformat()))
            running.end = end
            return {"kind": kind.value, "start": running.start.isoformat(),
                    "end": end.isoformat(), "reason": running.reason}

        action = "correction_received" if kind is PauseKind.CORRECTION else "clock_resumed"
        return self._write(actor, number, action, "clock.resumed", change)

    def _write(self, actor: Actor, number: str, action: str, event_type: str,
               change: Callable[[Session, Application, list[ClockEvent], DueDate],
                                dict[str, Any]]) -> ClockState:
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            app = self._open_application(session, number)
            events = self._events(session, app)
            before = self._due(app, events)
            detail = change(session, app, events, before)
            session.flush()
            after = self._due(app, events)
            app.due_date, app.due_provisional = after.date, after.provisional
            app.updated_at = now
            audit(session, actor, action, "application", app.number, now,
                  {"clock": None, **_due_json(before)}, {"clock": detail, **_due_json(after)})
            emit(session, event_type, app.number,
                 {**detail, **_due_json(after), "accepted_on": _iso(app.accepted_on)}, now)
            state = self._state(app, events, after)
        log.info("clock %s: %s", action, event_type)
        return state

    # -- helpers ----------------------------------------------------------------------------

    def _open_application(self, session: Session, number: str) -> Application:
        parsed = parse_number(number.strip())
        if parsed is None:
            raise ClockError(_("办件编号「{n}」格式或校验位不对，请核对").format(n=number))
        app = session.scalars(select(Application).where(
            Application.number == str(parsed))).first()
        if app is None:
            raise ClockError(_("本站没有办件编号为 {n} 的办件").format(n=str(parsed)))
        status = ApplicationStatus(app.status)
        if not status.is_open or app.accepted_on is None:
            raise ClockError(_("该办件当前为「{s}」，只有已受理、审批中的办件才能暂停计时或延期")
                             .format(s=status.label))
        matter = self.catalogue.matter(app.matter_code, app.matter_version)
        if matter.handling is Handling.IMMEDIATE:
            raise ClockError(_("即办件当场办结，没有办理时限可暂停或延期"))
        return app

    @staticmethod
    def _events(session: Session, app: Application) -> list[ClockEvent]:
        return list(session.scalars(select(ClockEvent).where(
            ClockEvent.application_id == app.id).order_by(ClockEvent.id)))

    def _due(self, app: Application, events: list[ClockEvent]) -> DueDate:
        assert app.accepted_on is not None  # checked by _open_application
        matter = self.catalogue.matter(app.matter_code, app.matter_version)
        return compute_due(self.calendar.calendar(), app.accepted_on, matter.promised_limit,
                           events, self.ctx.today())

    def _state(self, app: Application, events: list[ClockEvent], due: DueDate) -> ClockState:
        assert app.accepted_on is not None
        matter = self.catalogue.matter(app.matter_code, app.matter_version)
        pauses = tuple(OpenPause(PauseKind(e.kind), e.start, e.reason, e.expected_end)
                       for e in events if e.kind != EXTENSION and e.end is None)
        return ClockState(app.number, app.accepted_on, due, pauses, extension_days_of(events),
                          matter.promised_limit.natural)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _due_json(due: DueDate) -> dict[str, Any]:
    return {"due_date": _iso(due.date), "due_provisional": due.provisional,
            "paused": due.paused, "expected_due_date": _iso(due.expected_date)}
