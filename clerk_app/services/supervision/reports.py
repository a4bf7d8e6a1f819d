"""The daily log (每日办件台账): rows and totals for a day or a range, by window, clerk or centre.

A log lists the applications *received* (收件) in the range, in the order they were taken in,
with how each was handled, where it stands now, its due date and light (as of printing), when
it was finished and how many trips it cost the applicant. One query per table (applications
with applicant and clerk, decisions, visits, audit), never one per row.

Definitions (the figures of `clerk_app.services.supervision.figures` use the same rows):

- 办理方式: the outcomes of the application's window decisions in order (补正→受理).
- 办结 (finished): status 已办结, 不予许可, 退件, 已出件 or 已送达. 不予受理 at the window is not
  "finished": it never started running against a due date.
- 办结日 (finished_on): the day recorded when the case was finished (``finished_at``, see
  store/finished.py); for older rows without it, 即办 — the day of the decision (accepted_on),
  otherwise the earliest audit entry on the application whose ``after`` carries a finished
  status. When neither says, the day is unknown: ``finished_on`` is None and the row is marked
  ``finished_estimated`` (办结日不详). It is never guessed (the last update is not a finishing
  day), so no trend spike and no 超期 comes from a guess.
- 跑动次数: every recorded trip to the counter (intake, each resubmission, collecting the
  result), as 浙江省保障"最多跑一次"改革规定 第二条 counts them: from applying to receiving the
  result.
- Permissions: a clerk's own log or own window's log needs OWN_LOG; any other window or clerk,
  the whole station or the centre needs CENTRE_LOG.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus, status_after
from clerk_app.domain.centre_coverage import CentreCoverage
from clerk_app.domain.daily_log import (
    FINISHED_STATUSES,
    DailyLog,
    LogQuery,
    LogRow,
    LogScope,
    LogTotals,
    ScopeKind,
)
from clerk_app.domain.decision import Outcome
from clerk_app.domain.masking import mask_name
from clerk_app.domain.workdays import DueStatus, WorkCalendar
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.station.settings import load_settings
from clerk_app.services.supervision.centre_log import CentreLine, CentreLog
from clerk_app.store.models import Applicant, Application, AuditEntry, Decision, User, Visit

log = logging.getLogger(__name__)

MAX_RANGE_DAYS = 366
OPEN_STATUSES = (ApplicationStatus.ACCEPTED.value, ApplicationStatus.IN_REVIEW.value)
HANDLING_LABELS = {
    Outcome.ACCEPTED.value: _("受理"), Outcome.ACCEPTED_DEFERRED.value: _("容缺"),
    Outcome.ACCEPTED_ON_COMMITMENT.value: _("告知承诺"), Outcome.CORRECTION.value: _("补正"),
    Outcome.REFUSED.value: _("不予受理"), Outcome.DONE_ON_SPOT.value: _("即办"),
}
_CHUNK = 500


class ReportError(ValueError):
    """A log that cannot be made as asked (bad range, unknown clerk); message in Chinese."""


class LogFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"


def outcome_sequence(outcomes: Sequence[str]) -> str:
    """补正→受理: the decisions in order, repeats of the same outcome shown once."""
    labels: list[str] = []
    for outcome in outcomes:
        label = HANDLING_LABELS.get(outcome, outcome)
        if not labels or labels[-1] != label:
            labels.append(label)
    return "→".join(labels)


def masked_applicant(name: str, kind: str) -> str:
    """Personal names masked (张*丰); an organisation's registered name is public and kept."""
    return name if kind == "legal_person" else mask_name(name)


def totals_of(rows: Iterable[LogRow]) -> LogTotals:
    rows = list(rows)
    outcomes = Counter(r.outcome for r in rows)
    matters = Counter(r.matter_name for r in rows)
    by_outcome = [(label, outcomes.get(code, 0)) for code, label in HANDLING_LABELS.items()]
    unknown = sum(n for code, n in outcomes.items() if code not in HANDLING_LABELS)
    if unknown:
        by_outcome.append((_("其他"), unknown))
    return LogTotals(
        count=len(rows), by_outcome=tuple(by_outcome),
        by_matter=tuple(sorted(matters.items(), key=lambda item: (-item[1], item[0]))),
        red=sum(r.light is DueStatus.RED for r in rows),
        yellow=sum(r.light is DueStatus.YELLOW for r in rows),
        finished=sum(r.finished for r in rows),
        visits=sum(r.visits or 0 for r in rows))


def application_filter(first: date | None, last: date | None, window: str | None,
                       clerk_id: int | None) -> list[ColumnElement[bool]]:
    """WHERE terms on Application for a range (None: any day), a window and a clerk."""
    terms: list[ColumnElement[bool]] = []
    if first is not None:
        terms.append(Application.received_on >= first)
    if last is not None:
        terms.append(Application.received_on <= last)
    if window is not None:
        terms.append(Application.window == window)
    if clerk_id is not None:
        terms.append(Application.clerk_id == clerk_id)
    return terms


@dataclass(frozen=True)
class ResolvedScope:
    """A scope checked against the actor, with the clerk's id looked up."""

    scope: LogScope
    window: str | None
    clerk_id: int | None
    label: str


class ReportService:
    """Builds daily logs (and the rows the figures count)."""

    def __init__(self, ctx: ServiceContext, calendar: Callable[[], WorkCalendar],
                 centre: CentreLog | None = None) -> None:
        self.ctx = ctx
        self.calendar = calendar
        self.centre = centre

    # -- scope and permission -------------------------------------------------------------

    def resolve(self, actor: Actor, scope: LogScope) -> ResolvedScope:
        """Check the actor may see this scope (auditing a refusal) and look the clerk up."""
        own = ((scope.kind is ScopeKind.CLERK and scope.value == actor.username)
               or (scope.kind is ScopeKind.WINDOW and bool(actor.window)
                   and scope.value == actor.window))
        require(self.ctx, actor, Permission.OWN_LOG if own else Permission.CENTRE_LOG)
        if scope.kind is ScopeKind.WINDOW:
            if not scope.value.strip():
                raise ReportError(_("请选择窗口"))
            return ResolvedScope(scope, scope.value, None, _("{w}窗口").format(w=scope.value))
        if scope.kind is ScopeKind.CLERK:
            with self.ctx.db.reading() as session:
                user = session.scalars(select(User).where(User.username == scope.value)).first()
            if user is None:
                raise ReportError(_("没有用户名为「{u}」的账号").format(u=scope.value))
            return ResolvedScope(scope, None, user.id,
                                 _("经办人 {name}").format(name=user.display_name))
        if scope.kind is ScopeKind.CENTRE:
            return ResolvedScope(scope, None, None, _("全中心（各站点）"))
        return ResolvedScope(scope, None, None, _("本站全部窗口"))

    @staticmethod
    def check_range(first: date, last: date) -> None:
        if last < first:
            raise ReportError(_("结束日期不能早于开始日期"))
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise ReportError(_("日期范围最长 {n} 天").format(n=MAX_RANGE_DAYS))

    # -- rows -----------------------------------------------------------------------------

    def rows(self, actor: Actor, query: LogQuery) -> list[LogRow]:
        """This station's rows of the query (permission checked, nothing audited)."""
        self.check_range(query.first, query.last)
        resolved = self.resolve(actor, query.scope)
        return self.local_rows(resolved, query.first, query.last)

    def local_rows(self, resolved: ResolvedScope, first: date | None,
                   last: date | None, *, open_only: bool = False) -> list[LogRow]:
        terms = application_filter(first, last, resolved.window, resolved.clerk_id)
        if open_only:
            terms.append(Application.status.in_(OPEN_STATUSES))
        with self.ctx.db.reading() as session:
            return self._rows(session, terms)

    def _rows(self, session: Session, terms: list[ColumnElement[bool]]) -> list[LogRow]:
        ids = select(Application.id).where(*terms)
        query = (select(
            Application.id, Application.number, Application.station_code,
            Application.created_at, Application.matter_code, Application.matter_name,
            Application.outcome, Application.status, Application.due_date,
            Application.due_provisional, Application.accepted_on, Application.finished_at,
            Application.window, User.display_name, Applicant.name, Applicant.kind)
            .join(Applicant, Applicant.id == Application.applicant_id)
            .join(User, User.id == Application.clerk_id)
            .where(*terms).order_by(Application.created_at, Application.number))
        records = session.execute(query).all()
        visits = dict(session.execute(
            select(Visit.application_id, func.count(Visit.id))
            .where(Visit.application_id.in_(ids)).group_by(Visit.application_id)).all())
        decisions: dict[int, list[str]] = defaultdict(list)
        for app_id, outcome in session.execute(
                select(Decision.application_id, Decision.outcome)
                .where(Decision.application_id.in_(ids)).order_by(Decision.id)):
            decisions[app_id].append(outcome)
        done_on_spot = Outcome.DONE_ON_SPOT.value
        audited = _finish_times(session, [
            r.number for r in records if r.status in FINISHED_STATUSES
            and r.finished_at is None and r.outcome != done_on_spot])
        settings = load_settings(self.ctx)
        calendar, today, yellow = self.calendar(), self.ctx.today(), settings.yellow_days
        labels = {s.value: s.label for s in ApplicationStatus}
        handling_cache: dict[tuple[str, ...], str] = {}
        rows = []
        for (app_id, number, station, created_at, matter_code, matter_name, outcome, status,
             due_date, due_provisional, accepted_on, finished_at, window, clerk, name,
             kind) in records:
            finished_on, estimated = None, False
            if status in FINISHED_STATUSES:
                if finished_at is not None:
                    finished_on = finished_at.date()
                elif outcome == done_on_spot and accepted_on is not None:
                    finished_on = accepted_on
                elif number in audited:
                    finished_on = audited[number].date()
                else:  # not known: never guessed
                    estimated = True
            history = tuple(decisions.get(app_id, (outcome,)))
            handling = handling_cache.get(history)
            if handling is None:
                handling = handling_cache[history] = outcome_sequence(history)
            rows.append(LogRow(
                number, station, created_at, matter_code, matter_name,
                masked_applicant(name, kind), handling, outcome, status, labels[status],
                due_date, due_provisional,
                calendar.due_status(due_date, today, yellow) if status in OPEN_STATUSES
                else None,
                finished_on, estimated, visits.get(app_id, 0), window, clerk))
        return rows

    # -- the log --------------------------------------------------------------------------

    def export(self, actor: Actor, query: LogQuery, fmt: LogFormat) -> tuple[DailyLog, bytes]:
        """Build the log and render it (PDF or xlsx): the button and `report daily` use this."""
        log_ = self.daily_log(actor, query)
        if fmt is LogFormat.XLSX:  # openpyxl and reportlab load on first use (fast start)
            from clerk_app.documents.daily_log_xlsx import render_daily_log_xlsx

            return log_, render_daily_log_xlsx(log_)
        from clerk_app.documents.daily_log import render_daily_log

        return log_, render_daily_log(log_)

    def daily_log(self, actor: Actor, query: LogQuery) -> DailyLog:
        """The log of the query; building it is audited (it carries personal data)."""
        self.check_range(query.first, query.last)
        resolved = self.resolve(actor, query.scope)
        settings = load_settings(self.ctx)
        rows = self.local_rows(resolved, query.first, query.last)
        from clerk_app.services.bundles.log import bundle_lines, tag_bundles  # imports reports

        rows = tag_bundles(self.ctx, rows)
        bundles = bundle_lines(self.ctx, rows)
        coverage: CentreCoverage | None = None
        cache: dict[str, Any] | None = None
        if query.scope.kind is ScopeKind.CENTRE:
            centre = self.centre or CentreLog(self.ctx, None)
            lines, coverage, cache = centre.collect(query.days(), settings.station_id)
            rows = sorted(rows + [self.centre_row(line, settings.yellow_days) for line in lines],
                          key=lambda row: (row.received_at, row.number))
        now = self.ctx.now()
        result = DailyLog(
            query=query, centre_name=settings.centre_name, station_id=settings.station_id,
            scope_label=resolved.label, rows=tuple(rows), totals=totals_of(rows),
            printed_at=now, printed_by=actor.display_name, coverage=coverage, bundles=bundles)
        with self.ctx.db.transaction() as session:
            if cache is not None:
                CentreLog.store_cache(session, cache)
            audit(session, actor, "daily_log_built", "report", query.scope.kind.value, now,
                  after={"first": query.first.isoformat(), "last": query.last.isoformat(),
                         "scope": query.scope.value, "rows": len(rows),
                         "complete": coverage.complete if coverage else True})
        log.info("daily log built: scope=%s days=%d rows=%d", query.scope.kind.value,
                 len(query.days()), len(rows))
        return result

    def centre_row(self, line: CentreLine, yellow_days: int) -> LogRow:
        """Another station's application as the platform reports it."""
        status, label = _platform_status(line.status, line.outcome)
        light = (self.calendar().due_status(line.due_date, self.ctx.today(), yellow_days)
                 if status in OPEN_STATUSES else None)
        return LogRow(
            number=line.number, station=line.station, received_at=line.received_at,
            matter_code=line.matter_code, matter_name=line.matter_name,
            applicant=mask_name(line.applicant_name) if line.applicant_name else "",
            handling=outcome_sequence([line.outcome]), outcome=line.outcome, status=status,
            status_label=label, due_date=line.due_date, due_provisional=False, light=light,
            finished_on=None, finished_estimated=False, visits=None, window="",
            clerk=line.clerk)


_PLATFORM_LABELS = {"suspended": _("挂起"), "cancelled": _("撤件")}


def _platform_status(word: str, outcome: str) -> tuple[str, str]:
    """The platform's status word as a status code and label ("received": as decided)."""
    if word in ApplicationStatus._value2member_map_:
        status = ApplicationStatus(word)
        return status.value, status.label
    if word == "received" and outcome in Outcome._value2member_map_:
        status = status_after(Outcome(outcome))
        return status.value, status.label
    return word, _PLATFORM_LABELS.get(word, word)


def _finish_times(session: Session, numbers: Sequence[str]) -> dict[str, datetime]:
    """When each application first reached a finished status, by the audit trail.

    The entry's ``after.changed_at`` (the back office's time of the change, when the entry
    records one) wins over the entry's own time (when the station learnt of it).
    """
    found: dict[str, datetime] = {}
    status = func.json_extract(AuditEntry.after, "$.status")
    changed_at = func.json_extract(AuditEntry.after, "$.changed_at")
    for start in range(0, len(numbers), _CHUNK):
        chunk = numbers[start:start + _CHUNK]
        for number, at, changed in session.execute(
                select(AuditEntry.entity_id, AuditEntry.at, changed_at)
                .where(AuditEntry.entity == "application", AuditEntry.entity_id.in_(chunk),
                       status.in_(FINISHED_STATUSES))):
            moment = _local_time(changed) or at
            if number not in found or moment < found[number]:
                found[number] = moment
    return found


def _local_time(value: object) -> datetime | None:
    """An ISO time from the audit trail as local naive time; None if absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
