"""Working-day calendar and due dates, checked against the published 2025 and 2026 schedules.

Expected dates in the tables were worked out by hand from the State Council notices:
2025 — 春节 1月28日–2月4日 off, 1月26日(日) and 2月8日(六) worked; 劳动节 5月1–5日 off, 4月27日(日)
worked; 国庆/中秋 10月1–8日 off, 9月28日(日) and 10月11日(六) worked.
2026 — 春节 2月15–23日 off, 2月14日(六) and 2月28日(六) worked; 中秋 9月25–27日 off; 国庆
10月1–7日 off, 9月20日(日) and 10月10日(六) worked.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk_app.domain.calendar_import import parse_calendar_document
from clerk_app.domain.workdays import (
    ClockPause,
    DueStatus,
    Extension,
    PauseKind,
    WorkCalendar,
    provisional_note,
)

D = dt.date
CAL = WorkCalendar.bundled()
CORRECTION = PauseKind.CORRECTION
SPECIAL = PauseKind.SPECIAL_PROCEDURE


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _schedule_2027_made_up() -> WorkCalendar:
    """The bundled calendar plus a made-up 2027 (the real notice is not published yet):
    holidays as the 办法 fixes them, and Saturday 9 January 2027 worked."""
    off = [D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 8), D(2027, 4, 5)]
    off += [D(2027, 6, 9), D(2027, 9, 15), D(2027, 10, 1)]
    schedule = parse_calendar_document(
        {
            "format": "clerk-calendar/1",
            "year": 2027,
            "source": "测试数据",
            "published_at": None,
            "holidays": [{"date": d.isoformat(), "name": "节日"} for d in off],
            "workdays": [{"date": "2027-01-09", "name": "元旦"}],
        }
    )
    return CAL.with_schedule(schedule)


def _naive_due(accepted: dt.date, days: int) -> dt.date:
    """Reference: step one day at a time using chinesecalendar's own is_workday."""
    day, counted = accepted, 0
    while counted < days:
        day += dt.timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


# --- one day at a time against the published schedules ---------------------------------------


def test_every_day_of_2025_and_2026_matches_chinesecalendar() -> None:
    for day in _days(D(2025, 1, 1), D(2026, 12, 31)):
        assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day
        assert not CAL.is_provisional(day)


def test_due_dates_of_2025_and_2026_match_a_day_by_day_count() -> None:
    for accepted in _days(D(2025, 1, 1), D(2026, 10, 31)):
        for days in (1, 2, 3, 5, 7, 10, 15, 20):
            assert CAL.due_date(accepted, days) == _naive_due(accepted, days), (accepted, days)


SPRING_2026_ONE_DAY = {
    D(2026, 2, 10): D(2026, 2, 11),
    D(2026, 2, 12): D(2026, 2, 13),
    D(2026, 2, 13): D(2026, 2, 14),  # Saturday worked
    D(2026, 2, 14): D(2026, 2, 24),
    **{d: D(2026, 2, 24) for d in _days(D(2026, 2, 15), D(2026, 2, 23))},
    D(2026, 2, 24): D(2026, 2, 25),
    D(2026, 2, 27): D(2026, 2, 28),  # Saturday worked
    D(2026, 2, 28): D(2026, 3, 2),
    D(2026, 3, 1): D(2026, 3, 2),
}
NATIONAL_2026_ONE_DAY = {
    D(2026, 9, 18): D(2026, 9, 20),  # Sunday worked
    D(2026, 9, 19): D(2026, 9, 20),
    D(2026, 9, 20): D(2026, 9, 21),
    D(2026, 9, 24): D(2026, 9, 28),  # 中秋 25–27
    D(2026, 9, 26): D(2026, 9, 28),
    D(2026, 9, 29): D(2026, 9, 30),
    D(2026, 9, 30): D(2026, 10, 8),
    **{d: D(2026, 10, 8) for d in _days(D(2026, 10, 1), D(2026, 10, 7))},
    D(2026, 10, 9): D(2026, 10, 10),  # Saturday worked
    D(2026, 10, 10): D(2026, 10, 12),
    D(2026, 10, 11): D(2026, 10, 12),
}


@pytest.mark.parametrize(
    ("accepted", "due"), sorted({**SPRING_2026_ONE_DAY, **NATIONAL_2026_ONE_DAY}.items())
)
def test_one_working_day_around_2026_holidays(accepted: dt.date, due: dt.date) -> None:
    assert CAL.due_date(accepted, 1) == due


@pytest.mark.parametrize(
    ("accepted", "days", "due"),
    [
        (D(2026, 2, 13), 3, D(2026, 2, 25)),  # 14 (Sat, worked), 24, 25
        (D(2026, 9, 30), 5, D(2026, 10, 13)),  # 8, 9, 10 (Sat, worked), 12, 13
        (D(2026, 2, 9), 20, D(2026, 3, 13)),  # legal 20-day limit across 春节
        (D(2025, 1, 24), 3, D(2025, 2, 5)),  # 26 (Sun, worked), 27, then 2月5日
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 2, 7), 1, D(2025, 2, 8)),  # Saturday worked
        (D(2025, 4, 25), 2, D(2025, 4, 28)),  # 27 (Sun, worked), 28
        (D(2025, 4, 30), 1, D(2025, 5, 6)),
        (D(2025, 9, 26), 5, D(2025, 10, 10)),  # 28 (Sun), 29, 30, then 9, 10
        (D(2025, 9, 26), 6, D(2025, 10, 11)),  # Saturday worked
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
    ],
)
def test_working_day_limits_across_holidays(accepted: dt.date, days: int, due: dt.date) -> None:
    assert CAL.due_date(accepted, days) == due
    assert CAL.remaining_working_days(accepted, due) == days


@pytest.mark.parametrize(
    ("accepted", "days", "due"),
    [
        (D(2026, 9, 20), 5, D(2026, 9, 28)),  # ends on 中秋 (25th) -> next working day
        (D(2026, 2, 8), 10, D(2026, 2, 24)),  # ends on 春节 (18th)
        (D(2026, 2, 4), 10, D(2026, 2, 14)),  # ends on a worked Saturday: stays
        (D(2026, 2, 27), 2, D(2026, 3, 2)),  # ends on a Sunday
        (D(2026, 3, 2), 10, D(2026, 3, 12)),  # ends on a Thursday
    ],
)
def test_natural_day_limits(accepted: dt.date, days: int, due: dt.date) -> None:
    assert CAL.due_date(accepted, days, natural=True) == due


@pytest.mark.parametrize("natural", [False, True])
def test_immediate_matters_are_due_the_same_day(natural: bool) -> None:
    assert CAL.due_date(D(2026, 3, 3), 0, natural=natural) == D(2026, 3, 3)
    assert CAL.due_date_with_pauses(D(2026, 3, 3), 0, natural=natural).date == D(2026, 3, 3)


def test_negative_limits_and_dates_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError):
        CAL.due_date(D(2026, 3, 3), -1)
    with pytest.raises(ValueError, match="超出"):
        CAL.is_working_day(D(1999, 12, 31))
    with pytest.raises(ValueError, match="超出"):
        CAL.add_working_days(D(2099, 12, 20), 30)


def test_holiday_names_and_kinds_of_day() -> None:
    assert CAL.holiday_name(D(2026, 2, 17)) == "春节"
    assert CAL.is_holiday(D(2026, 10, 3))
    assert CAL.is_working_day(D(2026, 2, 14)) and not CAL.is_holiday(D(2026, 2, 14))
    assert not CAL.is_working_day(D(2026, 3, 7)) and not CAL.is_holiday(D(2026, 3, 7))
    assert CAL.holiday_name(D(2027, 2, 5)) == "春节"  # fallback: 除夕
    assert CAL.is_working_day(D(2027, 10, 4))  # fallback fixes only 1–3 October
    assert CAL.loaded_years == tuple(range(2004, 2027))


# --- clock stops and extensions -----------------------------------------------------------------


def test_correction_pause_across_spring_festival() -> None:
    # Accepted Mon 9 Feb 2026, 5 working days: 10, 11 count; notice on the 11th; materials on
    # the 25th; then 26, 27, 28 (Saturday worked).
    pause = ClockPause(CORRECTION, D(2026, 2, 11), D(2026, 2, 25))
    assert CAL.due_date(D(2026, 2, 9), 5) == D(2026, 2, 14)
    due = CAL.due_date_with_pauses(D(2026, 2, 9), 5, [pause])
    assert due.date == D(2026, 2, 28) and not due.provisional and not due.paused


def test_special_procedure_across_national_day() -> None:
    # Accepted Thu 24 Sep 2026, 10 days: the 28th counts (1); expert review 28 Sep – 9 Oct;
    # then 10 (Sat, worked), 12, 13, 14, 15, 16, 19, 20, 21 October.
    review = ClockPause(SPECIAL, D(2026, 9, 28), D(2026, 10, 9), "专家评审", D(2026, 10, 9))
    assert CAL.due_date_with_pauses(D(2026, 9, 24), 10, [review]).date == D(2026, 10, 21)


def test_pauses_that_change_nothing() -> None:
    accepted, plain = D(2026, 3, 2), D(2026, 3, 9)
    assert CAL.due_date(accepted, 5) == plain
    same_day = ClockPause(CORRECTION, D(2026, 3, 4), D(2026, 3, 4))
    on_due_day = ClockPause(CORRECTION, plain, D(2026, 3, 20))
    late = ClockPause(CORRECTION, D(2026, 3, 12), D(2026, 3, 20))
    for pause in (same_day, on_due_day, late):
        assert CAL.due_date_with_pauses(accepted, 5, [pause]).date == plain


def test_overlapping_pauses_count_once() -> None:
    first = ClockPause(CORRECTION, D(2026, 2, 11), D(2026, 2, 25))
    second = ClockPause(SPECIAL, D(2026, 2, 20), D(2026, 2, 26), "检测", D(2026, 2, 26))
    due = CAL.due_date_with_pauses(D(2026, 2, 9), 5, [second, first])
    assert due.date == D(2026, 3, 2)  # 10, 11, then 27, 28 (Sat, worked), 2 March


def test_open_pause_leaves_the_due_date_unknown() -> None:
    accepted = D(2026, 2, 9)
    open_correction = ClockPause(CORRECTION, D(2026, 2, 11))
    due = CAL.due_date_with_pauses(accepted, 5, [open_correction])
    assert due.date is None and due.paused and due.remaining_at_pause == 3
    assert due.expected_date is None
    assert CAL.due_status(due.date, D(2026, 3, 1)) is DueStatus.PAUSED
    # If the materials came today (25 Feb), the due date would be 28 Feb.
    if_today = CAL.due_date_with_pauses(accepted, 5, [open_correction], today=D(2026, 2, 25))
    assert if_today.date is None and if_today.expected_date == D(2026, 2, 28)
    review = ClockPause(SPECIAL, D(2026, 2, 11), None, "鉴定", D(2026, 2, 25))
    assert CAL.due_date_with_pauses(accepted, 5, [review]).expected_date == D(2026, 2, 28)
    overrun = CAL.due_date_with_pauses(accepted, 5, [review], today=D(2026, 3, 2))
    assert overrun.expected_date == D(2026, 3, 5)  # 3, 4, 5 March


def test_extension_adds_working_days() -> None:
    extension = Extension(10, D(2026, 2, 12), "张主任", "需现场核查")
    due = CAL.due_date_with_pauses(D(2026, 2, 9), 5, extensions_days=extension.days)
    assert due.date == D(2026, 3, 6) == CAL.due_date(D(2026, 2, 9), 15)


def test_natural_day_limit_with_a_pause() -> None:
    # 10 natural days from Mon 2 March; correction 4–9 March stops 5 days: 12 -> 17 March.
    pause = ClockPause(CORRECTION, D(2026, 3, 4), D(2026, 3, 9))
    due = CAL.due_date_with_pauses(D(2026, 3, 2), 10, [pause], natural=True)
    assert due.date == D(2026, 3, 17)


def test_invalid_pauses_and_extensions_are_refused() -> None:
    with pytest.raises(ValueError, match="早于"):
        ClockPause(CORRECTION, D(2026, 3, 4), D(2026, 3, 3))
    with pytest.raises(ValueError, match="事由"):
        ClockPause(SPECIAL, D(2026, 3, 4), D(2026, 3, 9), "", D(2026, 3, 9))
    with pytest.raises(ValueError, match="预计结束"):
        ClockPause(SPECIAL, D(2026, 3, 4), None, "听证")
    with pytest.raises(ValueError, match="受理日期"):
        CAL.due_date_with_pauses(D(2026, 3, 4), 5, [ClockPause(CORRECTION, D(2026, 3, 3))])
    with pytest.raises(ValueError, match="批准人"):
        Extension(10, D(2026, 3, 4), "", "理由")
    with pytest.raises(ValueError):
        Extension(0, D(2026, 3, 4), "张主任", "理由")


# --- provisional dates across the year end ------------------------------------------------------


def test_provisional_across_the_year_end_then_recomputed() -> None:
    # 28–31 Dec 2026 (4); 1 Jan 2027 is 元旦 by the fallback; 4–8 Jan (9); 11 Jan (10).
    due = CAL.due_date_with_pauses(D(2026, 12, 25), 10)
    assert due.date == D(2027, 1, 11) and due.provisional
    assert CAL.is_provisional(D(2027, 1, 1)) and not CAL.is_provisional(D(2026, 12, 31))
    assert provisional_note() == "以国务院公布的节假日安排为准"

    updated = _schedule_2027_made_up()
    again = updated.due_date_with_pauses(D(2026, 12, 25), 10)
    assert again.date == D(2027, 1, 9) and not again.provisional  # the made-up Saturday worked
    assert 2027 in updated.loaded_years and 2027 not in CAL.loaded_years
    assert CAL.due_date(D(2026, 12, 25), 10) == D(2027, 1, 11)  # the old calendar is unchanged


def test_provisional_only_when_the_count_reaches_an_unpublished_year() -> None:
    assert not CAL.due_date_with_pauses(D(2026, 12, 20), 5).provisional
    assert not CAL.due_date_with_pauses(D(2026, 12, 1), 30, natural=True).provisional
    natural = CAL.due_date_with_pauses(D(2026, 12, 1), 31, natural=True)
    assert natural.date == D(2027, 1, 4) and natural.provisional
    paused = CAL.due_date_with_pauses(
        D(2026, 12, 1), 5, [ClockPause(CORRECTION, D(2026, 12, 2), D(2027, 1, 6))]
    )
    assert paused.date == D(2027, 1, 12) and paused.provisional  # 2 Dec, then 7, 8, 11, 12 Jan


# --- warning levels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2026, 2, 12), DueStatus.NORMAL),  # 13, 14, 24, 25 remain
        (D(2026, 2, 13), DueStatus.NORMAL),  # 14, 24, 25
        (D(2026, 2, 14), DueStatus.YELLOW),  # 24, 25
        (D(2026, 2, 20), DueStatus.YELLOW),
        (D(2026, 2, 25), DueStatus.YELLOW),  # due today
        (D(2026, 2, 26), DueStatus.RED),
    ],
)
def test_due_status(today: dt.date, status: DueStatus) -> None:
    assert CAL.due_status(D(2026, 2, 25), today) is status


def test_due_status_labels_are_words() -> None:
    labels = {status.label for status in DueStatus}
    assert len(labels) == len(DueStatus) and all(labels)
    assert CAL.remaining_working_days(D(2026, 2, 27), D(2026, 2, 25)) == -2


# --- properties ---------------------------------------------------------------------------------

dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31))
limits = st.integers(min_value=0, max_value=250)


@settings(max_examples=300, deadline=None)
@given(start=dates, days=st.integers(min_value=1, max_value=250))
def test_adding_working_days_lands_on_a_working_day(start: dt.date, days: int) -> None:
    due = CAL.add_working_days(start, days)
    assert CAL.is_working_day(due) and due > start
    assert CAL.working_days_between(start, due) == days
    assert CAL.is_working_day(CAL.due_date(start, days, natural=True))


@settings(max_examples=300, deadline=None)
@given(start=dates, a=limits, b=limits, natural=st.booleans())
def test_a_longer_limit_never_gives_an_earlier_date(
    start: dt.date, a: int, b: int, natural: bool
) -> None:
    short, long = sorted((a, b))
    assert CAL.due_date(start, short, natural) <= CAL.due_date(start, long, natural)
    if not natural and short < long:
        assert CAL.due_date(start, short) < CAL.due_date(start, long)


@settings(max_examples=300, deadline=None)
@given(a=dates, b=dates, days=limits, natural=st.booleans())
def test_a_later_acceptance_never_gives_an_earlier_date(
    a: dt.date, b: dt.date, days: int, natural: bool
) -> None:
    early, late = sorted((a, b))
    assert CAL.due_date(early, days, natural) <= CAL.due_date(late, days, natural)


@settings(max_examples=300, deadline=None)
@given(
    start=dates,
    days=st.integers(min_value=1, max_value=60),
    offset=st.integers(min_value=0, max_value=40),
    length=st.integers(min_value=0, max_value=40),
)
def test_a_pause_never_brings_the_due_date_forward(
    start: dt.date, days: int, offset: int, length: int
) -> None:
    pause_start = start + dt.timedelta(days=offset)
    pause = ClockPause(CORRECTION, pause_start, pause_start + dt.timedelta(days=length))
    due = CAL.due_date_with_pauses(start, days, [pause]).date
    assert due is not None and CAL.is_working_day(due)
    assert due >= CAL.due_date(start, days)
    lost = CAL.working_days_between(pause.start, pause.end) if pause.end else 0
    assert due <= CAL.due_date(start, days + lost)


def _naive_with_pauses(
    accepted: dt.date, days: int, stops: list[tuple[dt.date, dt.date]], natural: bool
) -> dt.date:
    """Reference: one day at a time; days after a stop's start up to its end do not count."""
    day, counted = accepted, 0
    while counted < days:
        day += dt.timedelta(days=1)
        stopped = any(start < day <= end for start, end in stops)
        counted += not stopped and (natural or CAL.is_working_day(day))
    while natural and days and not CAL.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@settings(max_examples=300, deadline=None)
@given(
    start=dates,
    days=st.integers(min_value=0, max_value=60),
    stops=st.lists(
        st.tuples(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=30)),
        max_size=4,
    ),
    natural=st.booleans(),
)
def test_pauses_agree_with_a_day_by_day_count(
    start: dt.date, days: int, stops: list[tuple[int, int]], natural: bool
) -> None:
    spans = [(start + dt.timedelta(days=o), start + dt.timedelta(days=o + n)) for o, n in stops]
    pauses = [ClockPause(CORRECTION, s, e) for s, e in spans]
    due = CAL.due_date_with_pauses(start, days, pauses, natural=natural)
    assert due.date == _naive_with_pauses(start, days, spans, natural)
