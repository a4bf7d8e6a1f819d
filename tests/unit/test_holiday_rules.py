"""Fallback statutory holidays (全国年节及纪念日放假办法) against published schedules and known dates."""

from __future__ import annotations

import datetime as dt
import math

import chinese_calendar
import pytest

from clerk_app.domain.holiday_rules import (
    RulesVersion,
    fallback_working_days,
    is_statutory_holiday,
    lunar_new_years_eve,
    qingming,
    rules_in_force,
    statutory_holidays,
    weekday_flags,
)

D = dt.date


def _days(year: int) -> dict[dt.date, str]:
    return {h.date: h.name for h in statutory_holidays(year)}


def test_2027_follows_the_2024_revision() -> None:
    # 2027: 正月初一 is 6 February, 端午 9 June, 中秋 15 September, 清明 5 April.
    assert _days(2027) == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # 除夕
        D(2027, 2, 6): "春节",
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",  # 初三
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }


def test_2025_statutory_days_are_those_the_2025_notice_builds_on() -> None:
    days = _days(2025)
    assert sorted(d for d, n in days.items() if n == "春节") == [
        D(2025, 1, 28),
        D(2025, 1, 29),
        D(2025, 1, 30),
        D(2025, 1, 31),
    ]
    assert [d for d, n in days.items() if n == "劳动节"] == [D(2025, 5, 1), D(2025, 5, 2)]
    assert days[D(2025, 4, 4)] == "清明节"
    assert days[D(2025, 5, 31)] == "端午节"
    assert days[D(2025, 10, 6)] == "中秋节"
    assert len(days) == 13  # 13 statutory days since 2025


@pytest.mark.parametrize(
    ("year", "version"),
    [
        (2000, RulesVersion.V1999),
        (2007, RulesVersion.V1999),
        (2008, RulesVersion.V2007),
        (2013, RulesVersion.V2007),
        (2014, RulesVersion.V2013),
        (2024, RulesVersion.V2013),
        (2025, RulesVersion.V2024),
        (2099, RulesVersion.V2024),
    ],
)
def test_rules_in_force(year: int, version: RulesVersion) -> None:
    assert rules_in_force(year) is version
    assert version.label


@pytest.mark.parametrize("year", range(2004, 2027))
def test_every_statutory_day_is_a_day_off_in_the_published_schedule(year: int) -> None:
    for day, name in _days(year).items():
        assert chinese_calendar.is_holiday(day), (day, name)


def test_version_boundaries_show_in_the_published_schedules() -> None:
    # 2014: 除夕 (30 January) was worked, as the 2013 revision no longer made it a holiday.
    assert not is_statutory_holiday(D(2014, 1, 30))
    assert chinese_calendar.is_workday(D(2014, 1, 30))
    # 2025: 除夕 (28 January) is statutory again.
    assert is_statutory_holiday(D(2025, 1, 28))
    # 2024: 2 May was a holiday by 调休 only; from 2025 it is statutory.
    assert not is_statutory_holiday(D(2024, 5, 2))
    assert is_statutory_holiday(D(2026, 5, 2))


@pytest.mark.parametrize(
    ("year", "eve"),
    [
        (2025, D(2025, 1, 28)),
        (2026, D(2026, 2, 16)),  # 腊月廿九: the twelfth month of 乙巳 has 29 days
        (2027, D(2027, 2, 5)),
        (2028, D(2028, 1, 25)),
    ],
)
def test_lunar_new_years_eve(year: int, eve: dt.date) -> None:
    assert lunar_new_years_eve(year) == eve


def _shouxing_qingming(year: int) -> dt.date:
    """寿星通式 for 清明 in the 21st century: [Y×0.2422+4.81] − [Y/4], no known exceptions."""
    y = year % 100
    return D(year, 4, math.floor(y * 0.2422 + 4.81) - y // 4)


@pytest.mark.parametrize("year", range(2000, 2100))
def test_qingming_matches_the_shouxing_formula(year: int) -> None:
    assert qingming(year) == _shouxing_qingming(year)


@pytest.mark.parametrize(
    "day", [D(2008, 4, 4), D(2019, 4, 5), D(2023, 4, 5), D(2025, 4, 4), D(2026, 4, 5)]
)
def test_qingming_known_dates(day: dt.date) -> None:
    assert qingming(day.year) == day


def test_fallback_working_days_2027() -> None:
    flags = fallback_working_days(2027)
    assert len(flags) == 365
    assert len(weekday_flags(2028)) == 366

    def working(day: dt.date) -> bool:
        return bool(flags[(day - D(2027, 1, 1)).days])

    assert not working(D(2027, 1, 1))  # 元旦, Friday
    assert not working(D(2027, 1, 2))  # Saturday
    assert working(D(2027, 1, 4))
    assert not working(D(2027, 2, 5))  # 除夕, Friday
    assert not working(D(2027, 2, 8))  # 初三, Monday
    assert working(D(2027, 2, 9))
    assert not working(D(2027, 6, 9))  # 端午, Wednesday
    assert working(D(2027, 10, 4))  # only 1–3 October are fixed; no 调休 guessed
    assert sum(flags) == 261 - 7  # weekdays of 2027 less the 7 statutory days on weekdays


@pytest.mark.parametrize("year", [1999, 2100])
def test_years_outside_the_range_are_refused(year: int) -> None:
    with pytest.raises(ValueError, match="超出"):
        statutory_holidays(year)
