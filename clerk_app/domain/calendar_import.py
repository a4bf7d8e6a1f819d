"""Holiday schedule documents (节假日安排, format ``clerk-calendar/1``): parse, validate, write.

One document holds one year as the State Council published it: the days off (``holidays``) and
the weekend days moved to working days (``workdays``, 调休上班). The format is described in
resources/calendar/README.md and resources/calendar/calendar.schema.json. The central platform
sends it; a supervisor may import it from a file. Validation is all or nothing: every problem
is reported, in Chinese, naming the year and the field, and nothing is taken unless none is found.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clerk_app.domain.holiday_rules import FIRST_YEAR, LAST_YEAR, statutory_holidays
from clerk_app.i18n import _

CALENDAR_FORMAT = "clerk-calendar/1"
_KEYS = frozenset({"format", "year", "source", "published_at", "holidays", "workdays"})
_DAY_KEYS = frozenset({"date", "name"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class YearSchedule:
    """One year's published holiday schedule (国务院办公厅关于某年部分节假日安排的通知).

    ``holidays`` maps each day off to its festival; ``workdays`` maps each weekend day that is
    worked (调休上班) to the festival it makes up for. Build it with :func:`parse_calendar_document`
    so that it is validated.
    """

    year: int
    holidays: Mapping[dt.date, str]
    workdays: Mapping[dt.date, str]
    source: str
    published_at: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", MappingProxyType(dict(sorted(self.holidays.items()))))
        object.__setattr__(self, "workdays", MappingProxyType(dict(sorted(self.workdays.items()))))


class CalendarImportError(ValueError):
    """A calendar document was rejected; ``problems`` lists every reason in Chinese."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def parse_calendar_document(document: object) -> YearSchedule:
    """Validate one ``clerk-calendar/1`` document (parsed JSON) into a :class:`YearSchedule`."""
    problems: list[str] = []
    schedule = _parse(document, problems)
    if problems or schedule is None:
        raise CalendarImportError(problems)
    return schedule


def parse_calendar_payload(payload: object) -> list[YearSchedule]:
    """Validate one document or a list of them (as the platform sends); all or nothing."""
    documents = payload if isinstance(payload, list) else [payload]
    if not documents:
        raise CalendarImportError([_("日历文件中没有任何年份")])
    problems: list[str] = []
    schedules: list[YearSchedule] = []
    seen: set[int] = set()
    for document in documents:
        schedule = _parse(document, problems)
        if schedule is None:
            continue
        if schedule.year in seen:
            problems.append(_("{year}年日历：同一年份出现了两次").format(year=schedule.year))
        seen.add(schedule.year)
        schedules.append(schedule)
    if problems:
        raise CalendarImportError(problems)
    return sorted(schedules, key=lambda s: s.year)


def load_calendar_file(path: Path) -> list[YearSchedule]:
    """Read a JSON calendar file (one document or a list) and validate it; all or nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarImportError(
            [_("无法读取日历文件「{name}」：{error}").format(name=path.name, error=exc)]
        ) from exc
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarImportError(
            [
                _("日历文件「{name}」不是有效的 JSON（第 {line} 行第 {col} 列）").format(
                    name=path.name, line=exc.lineno, col=exc.colno
                )
            ]
        ) from exc
    return parse_calendar_payload(payload)


def schedule_to_document(schedule: YearSchedule) -> dict[str, Any]:
    """The ``clerk-calendar/1`` document of ``schedule`` (inverse of the parser)."""
    return {
        "format": CALENDAR_FORMAT,
        "year": schedule.year,
        "source": schedule.source,
        "published_at": schedule.published_at.isoformat() if schedule.published_at else None,
        "holidays": [{"date": d.isoformat(), "name": n} for d, n in schedule.holidays.items()],
        "workdays": [{"date": d.isoformat(), "name": n} for d, n in schedule.workdays.items()],
    }


def _parse(document: object, problems: list[str]) -> YearSchedule | None:
    """Parse one document, appending problems; None when it cannot be read at all."""
    if not isinstance(document, Mapping):
        problems.append(_("日历文档必须是 JSON 对象"))
        return None
    year = document.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        problems.append(_("日历文档：year「{value}」不是整数年份").format(value=year))
        return None
    before = len(problems)

    def problem(message: str) -> None:
        problems.append(_("{year}年日历：").format(year=year) + message)

    if not FIRST_YEAR <= year <= LAST_YEAR:
        problem(_("年份超出支持范围（{first}–{last}年）").format(first=FIRST_YEAR, last=LAST_YEAR))
        return None
    fmt = document.get("format")
    if fmt != CALENDAR_FORMAT:
        problem(
            _("不支持的格式「{value}」，应为「{expected}」").format(
                value=fmt, expected=CALENDAR_FORMAT
            )
        )
    for key in sorted(set(document) - _KEYS, key=str):
        problem(_("未知字段「{key}」").format(key=key))
    source = document.get("source")
    if not isinstance(source, str) or not source.strip():
        problem(_("source 必须是非空文字（说明数据来源）"))
        source = ""
    published_at: dt.date | None = None
    raw_published = document.get("published_at")
    if raw_published is not None:
        published_at = _date(raw_published, "published_at", problem)
    holidays = _days(document, "holidays", year, problem)
    workdays = _days(document, "workdays", year, problem)
    for day in sorted(set(holidays) & set(workdays)):
        problem(_("{day} 同时列为放假日和调休上班日").format(day=day.isoformat()))
    if document.get("holidays") == []:
        problem(_("holidays 为空：已公布的安排至少包含元旦等法定节假日"))
    for statutory in statutory_holidays(year):
        day = statutory.date
        if day in workdays or (day not in holidays and day.weekday() < 5):
            problem(
                _("法定节假日 {day}（{name}）未列为放假日").format(
                    day=day.isoformat(), name=statutory.name
                )
            )
    if len(problems) > before:
        return None
    return YearSchedule(year, holidays, workdays, source, published_at)


def _days(
    document: Mapping[str, Any], key: str, year: int, problem: Callable[[str], None]
) -> dict[dt.date, str]:
    """The ``[{date, name}]`` list under ``key`` as a dict, reporting bad entries."""
    raw = document.get(key)
    if not isinstance(raw, list):
        problem(_("{key} 必须是列表").format(key=key))
        return {}
    days: dict[dt.date, str] = {}
    for index, entry in enumerate(raw):
        where = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            problem(_("{where} 必须是含 date 和 name 的对象").format(where=where))
            continue
        for extra in sorted(set(entry) - _DAY_KEYS, key=str):
            problem(_("{where} 有未知字段「{key}」").format(where=where, key=extra))
        day = _date(entry.get("date"), f"{where}.date", problem)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problem(_("{where}.name 必须是非空文字").format(where=where))
        if day is None:
            continue
        if day.year != year:
            problem(
                _("{where}.date「{day}」不在{year}年内").format(
                    where=where, day=day.isoformat(), year=year
                )
            )
        elif day in days:
            problem(_("{where}.date「{day}」重复").format(where=where, day=day.isoformat()))
        elif key == "workdays" and day.weekday() < 5:
            problem(
                _("{where}.date「{day}」不是周末，无需调休上班").format(
                    where=where, day=day.isoformat()
                )
            )
        else:
            days[day] = name.strip() if isinstance(name, str) else ""
    return days


def _date(value: object, where: str, problem: Callable[[str], None]) -> dt.date | None:
    """An ISO ``YYYY-MM-DD`` date, or None after reporting the problem."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        problem(_("{where}「{value}」不是 YYYY-MM-DD 格式的日期").format(where=where, value=value))
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problem(_("{where}「{value}」不是有效日期").format(where=where, value=value))
        return None
