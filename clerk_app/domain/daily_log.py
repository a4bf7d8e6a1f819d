"""The daily log (每日办件台账) as data: whose applications, which days, each row and the
totals; the services fill it, the PDF and the workbook print it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.centre_coverage import CentreCoverage
from clerk_app.domain.workdays import DueStatus
from clerk_app.i18n import _

FINISHED_STATUSES = tuple(s.value for s in (
    ApplicationStatus.COMPLETED, ApplicationStatus.DENIED, ApplicationStatus.RETURNED,
    ApplicationStatus.HANDED_OVER, ApplicationStatus.DELIVERED))
LIGHT_LABELS = {DueStatus.YELLOW: _("黄灯"), DueStatus.RED: _("红灯"),
                DueStatus.PAUSED: _("暂停"), DueStatus.NORMAL: ""}

class ScopeKind(StrEnum):
    WINDOW = "window"  # one window (窗口)
    CLERK = "clerk"  # one clerk (经办人), by username
    STATION = "station"  # this station (本站)
    CENTRE = "centre"  # every station of the centre (全中心), through the platform


@dataclass(frozen=True)
class LogScope:
    """Whose applications a log lists."""

    kind: ScopeKind
    value: str = ""

    @classmethod
    def window(cls, name: str) -> LogScope:
        return cls(ScopeKind.WINDOW, name)

    @classmethod
    def clerk(cls, username: str) -> LogScope:
        return cls(ScopeKind.CLERK, username)

    @classmethod
    def station(cls) -> LogScope:
        return cls(ScopeKind.STATION)

    @classmethod
    def centre(cls) -> LogScope:
        return cls(ScopeKind.CENTRE)


@dataclass(frozen=True)
class LogQuery:
    """A day (first == last) or a range of days, and a scope."""

    first: date
    last: date
    scope: LogScope

    @classmethod
    def day(cls, day: date, scope: LogScope) -> LogQuery:
        return cls(day, day, scope)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class LogRow:
    """One application of the log; the applicant is masked (others see the printout)."""

    number: str
    station: str
    received_at: datetime
    matter_code: str
    matter_name: str
    applicant: str
    handling: str
    outcome: str
    status: str
    status_label: str
    due_date: date | None
    due_provisional: bool
    light: DueStatus | None  # None: not running against a due date
    finished_on: date | None
    finished_estimated: bool
    visits: int | None  # None: not known here (another station's application)
    window: str
    clerk: str
    bundle: str = ""  # the 一件事 number when the application is a bundle's member

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light] if self.light is not None else ""

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def on_time(self) -> bool | None:
        """Finished on or before the due date; None when unfinished or without a due date."""
        if self.finished_on is None or self.due_date is None:
            return None
        return self.finished_on <= self.due_date


@dataclass(frozen=True)
class LogTotals:
    """Counts a supervisor can check against the rows (合计)."""

    count: int
    by_outcome: tuple[tuple[str, int], ...]
    by_matter: tuple[tuple[str, int], ...]
    red: int
    yellow: int
    finished: int
    visits: int


@dataclass(frozen=True)
class DailyLog:
    """Everything the PDF and the workbook print."""

    query: LogQuery
    centre_name: str
    station_id: str
    scope_label: str
    rows: tuple[LogRow, ...]
    totals: LogTotals
    printed_at: datetime
    printed_by: str
    coverage: CentreCoverage | None = None
    bundles: tuple[Any, ...] = ()  # services/bundles/log.BundleLogLine, one per 一件事

    @property
    def multi_station(self) -> bool:
        return self.query.scope.kind is ScopeKind.CENTRE
