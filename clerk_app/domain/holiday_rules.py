"""Statutory holidays fixed by date in 全国年节及纪念日放假办法 (the fallback calendar).

When the State Council has not yet published a year's holiday schedule (部分节假日安排的通知),
Clerk falls back to weekends plus the days the 办法 itself fixes. Nothing else is guessed: no
调休 working weekends, no 补假 for a holiday that falls on a weekend (第六条 says a weekday is
given but not which one), no bridging days. Due dates computed this way are provisional.

The 办法 has changed over time; each version applies from its first full year:

- 1999 version (used here up to 2007): 元旦 1 day, 春节 正月初一–初三, 劳动节 5月1–3日, 国庆节 10月1–3日.
- 2007 revision (2008–2013): adds 清明节, 端午节, 中秋节 (1 day each); 春节 becomes 除夕–初二;
  劳动节 1 day.
- 2013 revision (2014–2024): 春节 正月初一–初三.
- 2024 revision (国务院令第795号, in force 2025-01-01): 春节 4 days, 除夕–正月初三; 劳动节 2 days,
  5月1日–2日; 元旦, 清明节, 端午节, 中秋节 1 day each; 国庆节 10月1日–3日.

Lunar dates come from ``lunardate`` (pure Python, table-driven for lunar years 1900–2099, a
release in 2026, no dependencies): chosen over ``zhdate`` (no release since 2023) and
``lunarcalendar`` (no release since 2018). 除夕 is the day before 正月初一, whether the twelfth
month has 29 or 30 days. The 清明 solar term comes from ``chinesecalendar`` (already the source of
the published schedules), which applies the 寿星通式 [Y×D+C]−L with its table of corrections for
1900–2100; the tests check it against every published 清明节 from 2008 to 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import chinese_calendar
from lunardate import LunarDate

from clerk_app.i18n import _

FIRST_YEAR = 2000
"""First year the fallback (and so the working-day calendar) supports."""
LAST_YEAR = 2099
"""Last year: lunardate's tables end with lunar year 2099."""


class RulesVersion(StrEnum):
    """Version of 全国年节及纪念日放假办法 in force for a year."""

    V1999 = "1999"
    V2007 = "2007"
    V2013 = "2013"
    V2024 = "2024"

    @property
    def label(self) -> str:
        """The version's name as shown to people."""
        if self is RulesVersion.V1999:
            return _("全国年节及纪念日放假办法（1999年）")
        return _("全国年节及纪念日放假办法（{year}年修订）").format(year=self.value)


@dataclass(frozen=True, order=True)
class StatutoryHoliday:
    """One day off fixed by the 办法 (法定节假日), with the festival it belongs to."""

    date: dt.date
    name: str


def rules_in_force(year: int) -> RulesVersion:
    """The version of the 办法 that fixes the holidays of ``year``."""
    _check_year(year)
    if year >= 2025:
        return RulesVersion.V2024
    if year >= 2014:
        return RulesVersion.V2013
    if year >= 2008:
        return RulesVersion.V2007
    return RulesVersion.V1999


def lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    """Gregorian date of a day of the (non-leap) lunar month in lunar ``year``."""
    solar: dt.date = LunarDate(year, month, day).to_solar_date()
    return solar


def lunar_new_years_eve(year: int) -> dt.date:
    """除夕: the day before 正月初一 of lunar ``year`` (always in January or February of ``year``)."""
    return lunar_to_solar(year, 1, 1) - dt.timedelta(days=1)


def qingming(year: int) -> dt.date:
    """Date of the 清明 solar term in ``year`` (4 or 5 April in this range)."""
    _check_year(year)
    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
    for day, name in terms:
        if name == "清明":
            found: dt.date = day
            return found
    raise LookupError(f"no 清明 in April {year}")  # pragma: no cover - the formula always has one


@cache
def statutory_holidays(year: int) -> tuple[StatutoryHoliday, ...]:
    """Every 法定节假日 of ``year`` under the version in force, sorted by date.

    Festivals that meet (中秋节 on 1–3 October) give one entry per day, named after the first.
    """
    version = rules_in_force(year)
    spring = lunar_to_solar(year, 1, 1)
    days: list[tuple[dt.date, str]] = [(dt.date(year, 1, 1), _("元旦"))]
    if version in (RulesVersion.V2007, RulesVersion.V2024):
        days.append((spring - dt.timedelta(days=1), _("春节")))
    spring_days = 2 if version is RulesVersion.V2007 else 3
    days += [(spring + dt.timedelta(days=i), _("春节")) for i in range(spring_days)]
    if version is not RulesVersion.V1999:
        days.append((qingming(year), _("清明节")))
        days.append((lunar_to_solar(year, 5, 5), _("端午节")))
        days.append((lunar_to_solar(year, 8, 15), _("中秋节")))
    labour_days = {RulesVersion.V1999: 3, RulesVersion.V2024: 2}.get(version, 1)
    days += [(dt.date(year, 5, 1 + i), _("劳动节")) for i in range(labour_days)]
    days += [(dt.date(year, 10, 1 + i), _("国庆节")) for i in range(3)]
    seen: dict[dt.date, str] = {}
    for day, name in sorted(days, key=lambda item: item[0]):
        seen.setdefault(day, name)
    return tuple(StatutoryHoliday(day, name) for day, name in seen.items())


def is_statutory_holiday(day: dt.date) -> bool:
    """Whether ``day`` is a 法定节假日 fixed by the 办法 in force that year."""
    return any(h.date == day for h in statutory_holidays(day.year))


@cache
def weekday_flags(year: int) -> bytes:
    """One byte per day of ``year``: 1 for Monday to Friday, 0 for Saturday and Sunday."""
    _check_year(year)
    first = dt.date(year, 1, 1)
    length = (dt.date(year + 1, 1, 1) - first).days
    return bytes(1 if (first.weekday() + i) % 7 < 5 else 0 for i in range(length))


def fallback_working_days(year: int) -> bytes:
    """One byte per day of ``year`` (1 = working): weekdays that are not statutory holidays."""
    flags = bytearray(weekday_flags(year))
    first = dt.date(year, 1, 1)
    for holiday in statutory_holidays(year):
        flags[(holiday.date - first).days] = 0
    return bytes(flags)


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("年份 {year} 超出日历支持范围（{first}–{last}年）").format(
                year=year, first=FIRST_YEAR, last=LAST_YEAR
            )
        )
