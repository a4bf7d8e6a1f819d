"""Figures for a supervisor (统计): counts and rates over a date range, checkable against the log.

Every count is taken from the same rows as the daily log of the same range and scope
(`ReportService.rows`: the applications *received* in the range), so a supervisor can check
each number by hand against the printed log:

- 按时办结率 = finished on or before the due date / finished with a due date. "Finished" and
  the finishing day (办结日) are defined in `clerk_app.services.supervision.reports`; a finished
  application without a due date (its clock was stopped) is counted apart (`finished_no_due`)
  and in neither term.
- 最多跑一次率 = finished with at most one trip to the counter / finished (跑动次数 ≤ 1,
  collecting the result included: 浙江省保障"最多跑一次"改革规定 第二条).
- 容缺 and 告知承诺: applications whose final outcome is 容缺受理 / 告知承诺受理; deferred
  materials still owed: 容缺 materials not yet handed in, of applications in the range that are
  not refused (and how many of them are past the promised date).
- Overdue (红灯) and due-soon (黄灯) lists are *current*: every open application of the scope,
  whatever the day it was received, most urgent first.
- Trend by day: per day of the range, applications received, accepted (受理/容缺/告知承诺/即办),
  corrections (补正), refusals (不予受理), and applications of the range finished that day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select

from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.decision import Outcome
from clerk_app.domain.workdays import DueStatus
from clerk_app.i18n import _
from clerk_app.services.bundles.log import BundleFigure, bundle_figure
from clerk_app.services.results.owed import _FINISHED as OWED_CLOSED  # the owed list's definition
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.services.station.settings import load_settings
from clerk_app.services.supervision.reports import (
    HANDLING_LABELS,
    LogRow,
    LogScope,
    ReportService,
    ScopeKind,
    application_filter,
)
from clerk_app.store.models import Application, ApplicationMaterial, User

ACCEPTING = frozenset({Outcome.ACCEPTED.value, Outcome.ACCEPTED_DEFERRED.value,
                       Outcome.ACCEPTED_ON_COMMITMENT.value, Outcome.DONE_ON_SPOT.value})

Counts = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DayFigures:
    """One day of the trend."""

    day: date
    received: int
    accepted: int
    corrections: int
    refused: int
    finished: int


@dataclass(frozen=True)
class Rate:
    """A rate with its two terms, so the number can be checked."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def text(self) -> str:
        if not self.denominator:
            return _("—（无可计算的办件）")
        return f"{100 * self.numerator / self.denominator:.1f}%（{self.numerator}/{self.denominator}）"


@dataclass(frozen=True)
class Figures:
    """What the supervisor's screen shows for a range and a scope."""

    first: date
    last: date
    scope_label: str
    total: int
    by_matter: Counts
    by_window: Counts
    by_clerk: Counts
    by_outcome: Counts
    finished: int
    finished_no_due: int
    estimated_finish: int
    on_time: Rate
    one_visit: Rate
    deferred: int
    on_commitment: int
    owed_materials: int
    owed_applications: int
    owed_overdue: int
    overdue: tuple[LogRow, ...]
    due_soon: tuple[LogRow, ...]
    trend: tuple[DayFigures, ...]
    bundles: BundleFigure | None = None  # 一件事: finished with at most one trip


@dataclass(frozen=True)
class ScopeChoice:
    """A scope the actor may choose on the supervisor's screen, with its label."""

    scope: LogScope
    label: str


def _counted(values: Iterable[str]) -> Counts:
    return tuple(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))


def trend_of(rows: list[LogRow], first: date, last: date) -> tuple[DayFigures, ...]:
    received = Counter(r.received_at.date() for r in rows)
    accepted = Counter(r.received_at.date() for r in rows if r.outcome in ACCEPTING)
    corrections = Counter(r.received_at.date() for r in rows
                          if r.outcome == Outcome.CORRECTION.value)
    refused = Counter(r.received_at.date() for r in rows if r.outcome == Outcome.REFUSED.value)
    finished = Counter(r.finished_on for r in rows if r.finished_on is not None)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return tuple(DayFigures(d, received[d], accepted[d], corrections[d], refused[d],
                            finished[d]) for d in days)


class FiguresService:
    """Read-only figures over this station's applications (the centre's come with the log)."""

    def __init__(self, reports: ReportService) -> None:
        self.reports = reports
        self.ctx = reports.ctx

    def scope_choices(self, actor: Actor) -> list[ScopeChoice]:
        """What the actor may print or count: oneself and one's window (OWN_LOG), or the
        station, the centre, every window and every clerk (CENTRE_LOG). Nothing is refused
        here (the choice is refused, and audited, when used)."""
        if allowed(actor, Permission.CENTRE_LOG):
            with self.ctx.db.reading() as session:
                used = set(session.scalars(select(Application.window).distinct()))
                users = session.execute(select(User.username, User.display_name, User.role,
                                               User.window).order_by(User.window,
                                                                     User.username)).all()
            windows = list(dict.fromkeys([*load_settings(self.ctx).window_names,
                                          *sorted(w for w in used | {u[3] for u in users} if w)]))
            return [ScopeChoice(LogScope.station(), _("本站全部窗口")),
                    ScopeChoice(LogScope.centre(), _("全中心（各站点）")),
                    *(ScopeChoice(LogScope.window(w), _("{w}窗口").format(w=w)) for w in windows),
                    *(ScopeChoice(LogScope.clerk(u), _("经办人 {name}（{u}）").format(name=n, u=u))
                      for u, n, role, _w in users
                      if allowed(Actor(0, u, n, role), Permission.INTAKE))]
        if not allowed(actor, Permission.OWN_LOG):
            return []
        mine = [ScopeChoice(LogScope.clerk(actor.username),
                            _("本人（{name}）").format(name=actor.display_name))]
        if actor.window:
            mine.insert(0, ScopeChoice(LogScope.window(actor.window),
                                       _("{w}窗口").format(w=actor.window)))
        return mine

    def figures(self, actor: Actor, first: date, last: date, scope: LogScope) -> Figures:
        """Figures of the applications received from `first` to `last` in `scope`.

        A centre scope counts this station (the other stations' rows lack visits and
        finishing days); the label says so.
        """
        if scope.kind is ScopeKind.CENTRE:
            scope = LogScope.station()
        self.reports.check_range(first, last)
        resolved = self.reports.resolve(actor, scope)
        rows = self.reports.local_rows(resolved, first, last)
        open_rows = self.reports.local_rows(resolved, None, None, open_only=True)
        finished = [r for r in rows if r.finished]
        with_due = [r for r in finished if r.due_date is not None]
        owed_materials, owed_apps, owed_overdue = self._owed(first, last, resolved.window,
                                                             resolved.clerk_id)
        outcomes = Counter(r.outcome for r in rows)
        return Figures(
            first=first, last=last, scope_label=resolved.label, total=len(rows),
            by_matter=_counted(r.matter_name for r in rows),
            by_window=_counted(r.window or _("（未指定窗口）") for r in rows),
            by_clerk=_counted(r.clerk for r in rows),
            by_outcome=tuple((label, outcomes.get(code, 0))
                             for code, label in HANDLING_LABELS.items()),
            finished=len(finished), finished_no_due=len(finished) - len(with_due),
            estimated_finish=sum(r.finished_estimated for r in finished),
            on_time=Rate(sum(bool(r.on_time) for r in with_due), len(with_due)),
            one_visit=Rate(sum((r.visits or 0) <= 1 for r in finished), len(finished)),
            deferred=outcomes.get(Outcome.ACCEPTED_DEFERRED.value, 0),
            on_commitment=outcomes.get(Outcome.ACCEPTED_ON_COMMITMENT.value, 0),
            owed_materials=owed_materials, owed_applications=owed_apps,
            owed_overdue=owed_overdue,
            overdue=tuple(_urgent(open_rows, DueStatus.RED)),
            due_soon=tuple(_urgent(open_rows, DueStatus.YELLOW)),
            trend=trend_of(rows, first, last),
            bundles=bundle_figure(self.reports.ctx, rows))

    def _owed(self, first: date, last: date, window: str | None,
              clerk_id: int | None) -> tuple[int, int, int]:
        terms = application_filter(first, last, window, clerk_id)
        today = self.ctx.today()
        # the same materials the 容缺待补 list shows (services/results/owed.py): still owed on a case
        # not closed, overdue only after the promised day (an item due today is not late)
        overdue = func.sum(case((ApplicationMaterial.promised_date < today, 1), else_=0))
        query = (select(func.count(ApplicationMaterial.id),
                        func.count(func.distinct(ApplicationMaterial.application_id)), overdue)
                 .join(Application, Application.id == ApplicationMaterial.application_id)
                 .where(*terms, ApplicationMaterial.state == MaterialState.DEFERRED.value,
                        ApplicationMaterial.applicable.is_(True),
                        Application.status.not_in(OWED_CLOSED),
                        Application.outcome != Outcome.REFUSED.value))
        with self.ctx.db.reading() as session:
            materials, apps, late = session.execute(query).one()
        return int(materials or 0), int(apps or 0), int(late or 0)


def _urgent(rows: list[LogRow], light: DueStatus) -> list[LogRow]:
    chosen = [r for r in rows if r.light is light]
    return sorted(chosen, key=lambda r: (r.due_date or date.max, r.number))
