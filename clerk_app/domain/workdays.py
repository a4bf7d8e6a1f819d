"""Working-day calendar and due dates (工作日历与办理时限).

Counting rules (行政许可法 第四十二条、第四十五条、第八十二条; 民法典 第二百零一条、第二百零三条):

- Limits are in working days unless the matter says natural days. Counting starts on the day
  after acceptance: ``n`` working days end on the n-th working day after ``accepted_on``.
  A limit of 0 days (即办件) is due the day of acceptance.
- A natural-day limit ends ``n`` days after acceptance; if that day is not a working day
  (a weekend or a holiday), the due date is the next working day (民法典 第二百零三条).
- Clock stops (暂停计时): a 补正 pause runs from the correction notice (``start``) to the day
  the complete materials arrive (``end``); a 特别程序 pause (听证、检验、检测、检疫、鉴定、专家评审
  …, 第四十五条) from the day it is ordered to the day its result is in. **The days after
  ``start`` up to and including ``end`` do not count**: the day the clock stops was already
  worked on and counts; the day it restarts counts like a day of acceptance, so counting goes on
  from the day after (第三十二条: an application corrected in full is accepted on the day the
  materials arrive, and by 民法典 第二百零一条 that day itself is not counted). A pause that
  starts on or after the day the limit has run out changes nothing; overlapping pauses count
  once. While a pause is open (``end`` is None) the due date is unknown (暂停中).
- An approved extension (延期, 第四十二条: "可以延长十日", with the approver and the reason)
  adds its days, in the limit's own unit, to the limit.
- A year whose schedule (国务院办公厅节假日安排) is not loaded uses the fallback of
  :mod:`clerk_app.domain.holiday_rules`; any due date whose count touches such a year is
  provisional (以国务院公布的节假日安排为准). Due dates are never stored as final: recomputing
  them with the calendar that :meth:`WorkCalendar.with_schedule` returns when the year's
  schedule arrives gives the definitive dates, no longer provisional.

A calendar precomputes, over 2000–2099, a working flag per day, a running count of working days
and the sorted list of working days, so a due date is two array look-ups.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import accumulate, compress
from pathlib import Path

from clerk_app.domain.calendar_import import YearSchedule, load_calendar_file
from clerk_app.domain.holiday_rules import (
    FIRST_YEAR,
    LAST_YEAR,
    fallback_working_days,
    statutory_holidays,
    weekday_flags,
)
from clerk_app.i18n import _

__all__ = [
    "BUNDLED_CALENDAR_DIR",
    "ClockPause",
    "DueDate",
    "DueStatus",
    "Extension",
    "PauseKind",
    "WorkCalendar",
    "YearSchedule",
    "provisional_note",
]

BUNDLED_CALENDAR_DIR = Path(__file__).resolve().parents[2] / "resources" / "calendar"
_EPOCH = dt.date(FIRST_YEAR, 1, 1).toordinal()
_LAST = dt.date(LAST_YEAR, 12, 31).toordinal()


def provisional_note() -> str:
    """The words shown next to a provisional due date, on screen and on notices."""
    return _("以国务院公布的节假日安排为准")


class PauseKind(StrEnum):
    """Why the clock stopped."""

    CORRECTION = "correction"  # 补正
    SPECIAL_PROCEDURE = "special_procedure"  # 特别程序

    @property
    def label(self) -> str:
        """The kind as shown to people."""
        return _("补正") if self is PauseKind.CORRECTION else _("特别程序")


@dataclass(frozen=True)
class ClockPause:
    """A stop of the clock (暂停计时) from ``start`` to ``end`` (None while still stopped).

    A 特别程序 needs its reason (e.g. "专家评审") and the expected end the applicant was told in
    writing (第四十五条).
    """

    kind: PauseKind
    start: dt.date
    end: dt.date | None = None
    reason: str = ""
    expected_end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(_("暂停计时的结束日期不能早于开始日期"))
        if self.expected_end is not None and self.expected_end < self.start:
            raise ValueError(_("预计结束日期不能早于开始日期"))
        if self.kind is PauseKind.SPECIAL_PROCEDURE:
            if not self.reason.strip():
                raise ValueError(_("特别程序须写明事由（如听证、检验、鉴定、专家评审）"))
            if self.expected_end is None:
                raise ValueError(_("特别程序须写明预计结束日期（应书面告知申请人所需时间）"))


@dataclass(frozen=True)
class Extension:
    """An approved extension of the limit (延期), in the limit's unit (working or natural days)."""

    days: int
    approved_on: dt.date
    approver: str
    reason: str

    def __post_init__(self) -> None:
        if self.days <= 0:
            raise ValueError(_("延期天数必须大于 0"))
        if not self.approver.strip() or not self.reason.strip():
            raise ValueError(_("延期须写明批准人和理由"))


@dataclass(frozen=True)
class DueDate:
    """A computed due date.

    ``date`` is None while an open pause stops the clock; then ``remaining_at_pause`` is what
    was left of the limit and ``expected_date`` the due date if the pause ends when expected.
    ``provisional`` is True when the count touches a year without a published schedule.
    """

    date: dt.date | None
    provisional: bool
    paused: bool = False
    remaining_at_pause: int | None = None
    expected_date: dt.date | None = None


class DueStatus(StrEnum):
    """Warning level of an open application (超期预警); always shown with its label."""

    NORMAL = "normal"
    YELLOW = "yellow"
    RED = "red"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        """Words for the level, so colour is never the only sign."""
        return {
            DueStatus.NORMAL: _("正常"),
            DueStatus.YELLOW: _("临近到期"),
            DueStatus.RED: _("已超期"),
            DueStatus.PAUSED: _("暂停计时"),
        }[self]


@cache
def _fallback_flags(year: int) -> bytes:
    return fallback_working_days(year)


def _schedule_flags(schedule: YearSchedule) -> bytes:
    """Working flags of a published year: weekdays, less holidays, plus 调休 workdays."""
    first = dt.date(schedule.year, 1, 1).toordinal()
    flags = bytearray(weekday_flags(schedule.year))
    for day in schedule.holidays:
        flags[day.toordinal() - first] = 0
    for day in schedule.workdays:
        flags[day.toordinal() - first] = 1
    return bytes(flags)


class WorkCalendar:
    """Working days of 2000–2099 from the loaded yearly schedules, with the fallback elsewhere.

    Immutable: :meth:`with_schedule` returns a new calendar.
    """

    __slots__ = ("_schedules", "_flags", "_count", "_working")

    def __init__(self, schedules: Iterable[YearSchedule] = ()) -> None:
        self._schedules: dict[int, YearSchedule] = {s.year: s for s in schedules}
        year_flags = []
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            schedule = self._schedules.get(year)
            year_flags.append(_schedule_flags(schedule) if schedule else _fallback_flags(year))
        self._flags = b"".join(year_flags)
        # _count[i]: working days strictly before day index i; _working: indices of working days.
        self._count = array("i", [0])
        self._count.extend(accumulate(self._flags))
        self._working = array("i", compress(range(len(self._flags)), self._flags))

    @classmethod
    def bundled(cls) -> WorkCalendar:
        """The calendar with the schedules shipped in resources/calendar (loaded once)."""
        return _bundled_calendar()

    def with_schedule(self, schedule: YearSchedule) -> WorkCalendar:
        """A new calendar in which ``schedule`` replaces whatever that year had."""
        return self.with_schedules([schedule])

    def with_schedules(self, schedules: Iterable[YearSchedule]) -> WorkCalendar:
        """A new calendar with several years replaced at once."""
        merged = dict(self._schedules)
        merged.update((s.year, s) for s in schedules)
        return WorkCalendar(merged.values())

    @property
    def loaded_years(self) -> tuple[int, ...]:
        """Years with a published schedule, ascending."""
        return tuple(sorted(self._schedules))

    @property
    def schedules(self) -> Mapping[int, YearSchedule]:
        """The loaded schedules by year."""
        return dict(self._schedules)

    def is_working_day(self, day: dt.date) -> bool:
        """Whether the centre works on ``day`` (weekday not on holiday, or a 调休 workday)."""
        return bool(self._flags[self._index(day)])

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` is a holiday day off (not merely a weekend)."""
        return self.holiday_name(day) is not None

    def holiday_name(self, day: dt.date) -> str | None:
        """The festival ``day`` belongs to when it is a holiday day off, else None."""
        self._index(day)
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            return schedule.holidays.get(day)
        return next((h.name for h in statutory_holidays(day.year) if h.date == day), None)

    def is_provisional(self, day: dt.date) -> bool:
        """True when ``day``'s year has no loaded schedule (answers come from the fallback)."""
        self._index(day)
        return day.year not in self._schedules

    def spans_provisional(self, first: dt.date, last: dt.date) -> bool:
        """True when any year from ``first`` to ``last`` has no loaded schedule."""
        if first.year == last.year:
            return first.year not in self._schedules
        return any(y not in self._schedules for y in range(first.year, last.year + 1))

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        return self._date(self._working_at(self._count[self._index(day)]))

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` itself when n is 0)."""
        if n < 0:
            raise ValueError(_("工作日数不能为负数"))
        i = self._index(start)
        return start if n == 0 else self._date(self._working_at(self._count[i + 1] + n - 1))

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when ``b`` is before)."""
        return self._count[self._index(b) + 1] - self._count[self._index(a) + 1]

    def remaining_working_days(self, today: dt.date, due: dt.date) -> int:
        """Working days left after today up to the due date: 0 on the due day, < 0 once overdue.

        ``remaining_working_days(accepted_on, due_date(accepted_on, n)) == n``.
        """
        return self.working_days_between(today, due)

    def due_status(self, due: dt.date | None, today: dt.date, yellow_days: int = 2) -> DueStatus:
        """正常, or 临近到期 (黄灯) when at most ``yellow_days`` working days remain after today
        (so the due day itself is always yellow), or 已超期 (红灯) from the day after the due date;
        暂停计时 when the due date is unknown because the clock is stopped."""
        if due is None:
            return DueStatus.PAUSED
        if today > due:
            return DueStatus.RED
        if self.remaining_working_days(today, due) <= yellow_days:
            return DueStatus.YELLOW
        return DueStatus.NORMAL

    def due_date(self, accepted_on: dt.date, days: int, natural: bool = False) -> dt.date:
        """Due date of a limit of ``days`` working (or natural) days from ``accepted_on``."""
        if days < 0:
            raise ValueError(_("时限天数不能为负数"))
        if days == 0:
            return accepted_on
        if natural:
            return self.next_working_day(accepted_on + dt.timedelta(days=days))
        return self.add_working_days(accepted_on, days)

    def due_date_with_pauses(
        self,
        accepted_on: dt.date,
        days: int,
        pauses: Sequence[ClockPause] = (),
        extensions_days: int = 0,
        natural: bool = False,
        today: dt.date | None = None,
    ) -> DueDate:
        """Due date with clock stops and approved extensions (see the module's rules).

        While a pause is open, ``expected_date`` assumes it ends on its ``expected_end``, or on
        ``today`` when that is later or there is none.
        """
        if days < 0 or extensions_days < 0:
            raise ValueError(_("时限天数不能为负数"))
        if pauses and any(p.start < accepted_on for p in pauses):
            raise ValueError(_("暂停计时不能早于受理日期"))
        limit = days + extensions_days
        if limit == 0:
            return DueDate(accepted_on, provisional=False)
        cursor, remaining = accepted_on, limit
        for start, end in _merged(pauses) if pauses else ():
            used = (start - cursor).days if natural else self.working_days_between(cursor, start)
            if used >= remaining:
                break
            remaining -= used
            if end is None:
                resume = _resume_day(pauses, today)
                expected = self._finish(resume, remaining, natural) if resume else None
                return DueDate(
                    None,
                    provisional=expected is not None and self.spans_provisional(*expected),
                    paused=True,
                    remaining_at_pause=remaining,
                    expected_date=expected[1] if expected else None,
                )
            cursor = end
        first, due = self._finish(cursor, remaining, natural)
        return DueDate(due, provisional=self.spans_provisional(first, due))

    def _finish(self, cursor: dt.date, remaining: int, natural: bool) -> tuple[dt.date, dt.date]:
        """(first day the result depends on, due date) counting ``remaining`` from ``cursor``."""
        if natural:
            end = cursor + dt.timedelta(days=remaining)
            return end, self.next_working_day(end)
        return cursor + dt.timedelta(days=1), self.add_working_days(cursor, remaining)

    def _index(self, day: dt.date) -> int:
        ordinal = day.toordinal()
        if not _EPOCH <= ordinal <= _LAST:
            raise ValueError(_out_of_range(day))
        return ordinal - _EPOCH

    def _working_at(self, rank: int) -> int:
        if rank >= len(self._working):
            raise ValueError(_out_of_range(dt.date(LAST_YEAR, 12, 31) + dt.timedelta(days=1)))
        return self._working[rank]

    @staticmethod
    def _date(index: int) -> dt.date:
        return dt.date.fromordinal(index + _EPOCH)


def _merged(pauses: Sequence[ClockPause]) -> list[tuple[dt.date, dt.date | None]]:
    """Pauses as sorted, non-overlapping (start, end) pairs; an open end absorbs what follows."""
    merged: list[tuple[dt.date, dt.date | None]] = []
    for pause in sorted(pauses, key=lambda p: p.start):
        if merged and (merged[-1][1] is None or pause.start <= merged[-1][1]):
            last_start, last_end = merged[-1]
            if last_end is not None and pause.end is not None:
                merged[-1] = (last_start, max(last_end, pause.end))
            else:
                merged[-1] = (last_start, None)
        else:
            merged.append((pause.start, pause.end))
    return merged


def _resume_day(pauses: Sequence[ClockPause], today: dt.date | None) -> dt.date | None:
    """When the open pause is expected to end: its expected end, or today if later or unknown."""
    candidates = [p.expected_end for p in pauses if p.end is None and p.expected_end is not None]
    if today is not None:
        candidates.append(today)
    return max(candidates) if candidates else None


def _out_of_range(day: dt.date) -> str:
    return _("日期 {day} 超出工作日历支持范围（{first}–{last}年）").format(
        day=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR
    )


@cache
def _bundled_calendar() -> WorkCalendar:
    schedules = []
    for path in sorted(BUNDLED_CALENDAR_DIR.glob("cn-*.json")):
        schedules.extend(load_calendar_file(path))
    return WorkCalendar(schedules)
