"""Calendar documents (clerk-calendar/1): the bundled files, and all-or-nothing validation."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import chinese_calendar
import jsonschema
import pytest

from clerk_app.domain.calendar_import import (
    CalendarImportError,
    load_calendar_file,
    parse_calendar_document,
    parse_calendar_payload,
    schedule_to_document,
)
from clerk_app.domain.workdays import BUNDLED_CALENDAR_DIR

D = dt.date
BUNDLED = sorted(BUNDLED_CALENDAR_DIR.glob("cn-*.json"))


def _span(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


def _document_2027() -> dict[str, Any]:
    """A made-up but valid 2027 document (not the real notice, which is not yet published)."""
    holidays = [D(2027, 1, 1), *sorted(_span(D(2027, 2, 5), D(2027, 2, 11)))]
    holidays += [D(2027, 4, 5), D(2027, 5, 1), D(2027, 5, 2), D(2027, 6, 9), D(2027, 9, 15)]
    holidays += sorted(_span(D(2027, 10, 1), D(2027, 10, 7)))
    return {
        "format": "clerk-calendar/1",
        "year": 2027,
        "source": "测试数据",
        "published_at": None,
        "holidays": [{"date": d.isoformat(), "name": "节日"} for d in holidays],
        "workdays": [{"date": "2027-02-20", "name": "春节"}],
    }


def _problems(document: object) -> list[str]:
    with pytest.raises(CalendarImportError) as info:
        parse_calendar_document(document)
    return list(info.value.problems)


def test_bundled_years_are_2004_to_2026_one_file_each() -> None:
    years = [int(path.stem.removeprefix("cn-")) for path in BUNDLED]
    assert years == list(range(2004, 2027))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_file_is_valid_and_matches_chinesecalendar(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads((BUNDLED_CALENDAR_DIR / "calendar.schema.json").read_text("utf-8"))
    jsonschema.validate(raw, schema)
    [schedule] = load_calendar_file(path)
    assert path.name == f"cn-{schedule.year}.json"
    assert schedule_to_document(schedule) == raw
    day = D(schedule.year, 1, 1)
    while day.year == schedule.year:
        working = (day.weekday() < 5 and day not in schedule.holidays) or day in schedule.workdays
        assert working == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_2026_is_the_published_notice() -> None:
    [schedule] = load_calendar_file(BUNDLED_CALENDAR_DIR / "cn-2026.json")
    expected_off = set().union(
        _span(D(2026, 1, 1), D(2026, 1, 3)),
        _span(D(2026, 2, 15), D(2026, 2, 23)),
        _span(D(2026, 4, 4), D(2026, 4, 6)),
        _span(D(2026, 5, 1), D(2026, 5, 5)),
        _span(D(2026, 6, 19), D(2026, 6, 21)),
        _span(D(2026, 9, 25), D(2026, 9, 27)),
        _span(D(2026, 10, 1), D(2026, 10, 7)),
    )
    assert set(schedule.holidays) == expected_off
    assert set(schedule.workdays) == {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    }
    assert schedule.holidays[D(2026, 2, 17)] == "春节"
    assert schedule.published_at == D(2025, 11, 4)


def test_valid_document_round_trips() -> None:
    document = _document_2027()
    schedule = parse_calendar_document(document)
    assert schedule.year == 2027
    assert schedule.workdays == {D(2027, 2, 20): "春节"}
    assert schedule_to_document(schedule) == document
    with pytest.raises(TypeError):
        schedule.holidays[D(2027, 3, 1)] = "x"  # type: ignore[index]


def test_invalid_date_is_named_with_year_and_field() -> None:
    document = _document_2027()
    document["holidays"][3]["date"] = "2027-02-30"
    assert _problems(document) == ["2027年日历：holidays[3].date「2027-02-30」不是有效日期"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format="clerk-calendar/2"), "不支持的格式「clerk-calendar/2」"),
        (lambda d: d.update(extra=1), "未知字段「extra」"),
        (lambda d: d.pop("source"), "source 必须是非空文字"),
        (lambda d: d.update(published_at="4 Nov"), "published_at「4 Nov」不是 YYYY-MM-DD"),
        (
            lambda d: d["holidays"][0].update(date="2026-12-31"),
            "holidays[0].date「2026-12-31」不在2027年内",
        ),
        (
            lambda d: d["holidays"].append({"date": "2027-02-05", "name": "春节"}),
            "holidays[20].date「2027-02-05」重复",
        ),
        (
            lambda d: d["workdays"].append({"date": "2027-02-06", "name": "春节"}),
            "2027-02-06 同时列为放假日和调休上班日",
        ),
        (
            lambda d: d["workdays"].append({"date": "2027-03-03", "name": "x"}),
            "workdays[1].date「2027-03-03」不是周末",
        ),
        (lambda d: d["workdays"].append({"date": "2027-03-06"}), "workdays[1].name 必须是非空文字"),
        (lambda d: d["workdays"].append("2027-03-06"), "workdays[1] 必须是含 date 和 name 的对象"),
        (lambda d: d["holidays"][0].update(note="x"), "holidays[0] 有未知字段「note」"),
        (lambda d: d.update(workdays={}), "workdays 必须是列表"),
        (lambda d: d["holidays"].pop(0), "法定节假日 2027-01-01（元旦）未列为放假日"),
        (lambda d: d.update(holidays=[]), "holidays 为空"),
    ],
)
def test_each_problem_is_reported(change: Any, expected: str) -> None:
    document = _document_2027()
    change(document)
    problems = _problems(document)
    assert any(p.startswith("2027年日历：") and expected in p for p in problems), problems


def test_year_must_be_an_integer_in_range() -> None:
    assert "不是整数年份" in _problems({**_document_2027(), "year": "2027"})[0]
    assert "超出支持范围" in _problems({**_document_2027(), "year": 2100})[0]
    assert _problems([]) == ["日历文档必须是 JSON 对象"]


def test_all_problems_are_reported_at_once() -> None:
    document = _document_2027()
    document["format"] = "x"
    document["holidays"][1]["date"] = "2027-13-01"
    document["workdays"][0]["date"] = "2027-02-22"
    assert len(_problems(document)) >= 3


def test_payload_is_all_or_nothing() -> None:
    good = _document_2027()
    bad = copy.deepcopy(good)
    bad["year"] = 2028
    assert len(parse_calendar_payload([good])) == 1
    with pytest.raises(CalendarImportError) as info:
        parse_calendar_payload([good, bad])
    assert all(p.startswith("2028年日历：") for p in info.value.problems)
    with pytest.raises(CalendarImportError, match="同一年份出现了两次"):
        parse_calendar_payload([good, copy.deepcopy(good)])
    with pytest.raises(CalendarImportError, match="没有任何年份"):
        parse_calendar_payload([])


def test_load_file_reports_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(CalendarImportError, match="无法读取日历文件「missing.json」"):
        load_calendar_file(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(CalendarImportError, match="不是有效的 JSON（第 1 行"):
        load_calendar_file(broken)
    several = tmp_path / "several.json"
    documents = [_document_2027(), json.loads((BUNDLED_CALENDAR_DIR / "cn-2026.json").read_text())]
    several.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    assert [s.year for s in load_calendar_file(several)] == [2026, 2027]
