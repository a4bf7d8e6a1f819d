"""The daily log workbook, read back with openpyxl: types, text that must stay text, layout."""

from __future__ import annotations

import gc
import io
from datetime import date, datetime

from openpyxl import load_workbook

from clerk_app.documents.daily_log_xlsx import COLUMNS, render_daily_log_xlsx
from clerk_app.domain.centre_coverage import CentreCoverage, StationFreshness
from clerk_app.domain.daily_log import DailyLog, LogQuery, LogRow, LogScope
from clerk_app.domain.workdays import DueStatus
from clerk_app.services.supervision.reports import totals_of

DAY = date(2026, 11, 26)
HEAD = {title: i for i, (title, _w) in enumerate(COLUMNS)}


def _row(number: str, applicant: str, matter: str, **changes: object) -> LogRow:
    values: dict[str, object] = dict(
        number=number, station="510104001", received_at=datetime(2026, 11, 26, 9, 5, 7),
        matter_code="11510104MB0000001A", matter_name=matter, applicant=applicant,
        handling="受理", outcome="accepted", status="accepted", status_label="已受理",
        due_date=date(2026, 12, 10), due_provisional=False, light=DueStatus.YELLOW,
        finished_on=None, finished_estimated=False, visits=1, window="1号窗口", clerk="张丽")
    values.update(changes)
    return LogRow(**values)  # type: ignore[arg-type]


def _log(rows: tuple[LogRow, ...], coverage: CentreCoverage | None = None) -> DailyLog:
    return DailyLog(
        query=LogQuery.day(DAY, LogScope.station()), centre_name="青石镇便民服务中心",
        station_id="510104001", scope_label="本站全部窗口", rows=rows, totals=totals_of(rows),
        printed_at=datetime(2026, 11, 26, 17, 30), printed_by="刘主任", coverage=coverage)


def test_text_that_looks_like_a_formula_a_number_or_a_link_stays_text() -> None:
    rows = (
        _row("51010400120261126000017", "=HYPERLINK(\"http://x\")", "http://example.cn/事项"),
        _row("51010400120261126000025", "0012345", "1e5", finished_on=DAY,
             status="completed", status_label="已办结", light=None),
    )
    sheet = load_workbook(io.BytesIO(render_daily_log_xlsx(_log(rows))))["台账"]
    first, second = list(sheet.iter_rows(min_row=2))
    assert first[HEAD["申请人"]].value == "=HYPERLINK(\"http://x\")"
    assert first[HEAD["申请人"]].data_type == "s"
    assert first[HEAD["事项"]].value == "http://example.cn/事项"
    assert first[HEAD["事项"]].hyperlink is None
    assert second[HEAD["申请人"]].value == "0012345"
    assert second[HEAD["事项"]].value == "1e5" and second[HEAD["事项"]].data_type == "s"
    assert first[HEAD["办件编号"]].value == "51010400120261126000017"
    assert first[HEAD["收件时间"]].value == datetime(2026, 11, 26, 9, 5, 7)
    assert first[HEAD["收件时间"]].number_format == "yyyy-mm-dd h:mm:ss"
    assert first[HEAD["承诺办结日"]].is_date
    assert first[HEAD["承诺办结日"]].number_format == "yyyy-mm-dd"
    assert first[HEAD["预警"]].value == "黄灯" and second[HEAD["预警"]].value is None
    assert second[HEAD["按时办结"]].value == "是" and first[HEAD["按时办结"]].value is None
    assert first[HEAD["跑动次数"]].value == 1 and first[HEAD["跑动次数"]].data_type == "n"


def test_layout_header_widths_freeze_filter_and_print_setup() -> None:
    rows = tuple(_row(f"5101040012026112600{n:04d}", "王*华", "临时救助申请") for n in range(3))
    sheet = load_workbook(io.BytesIO(render_daily_log_xlsx(_log(rows))))["台账"]
    assert [cell.value for cell in sheet[1]] == [title for title, _w in COLUMNS]
    assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("EFEFEF") for cell in sheet[1])
    widths = {letter: d.width for letter, d in sheet.column_dimensions.items()}
    assert widths["A"] == 6 and widths["B"] == 26 and widths["F"] == 36
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == "A1:S4"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"


def test_totals_sheet_says_what_the_log_is_and_how_complete() -> None:
    coverage = CentreCoverage(
        online=False, own_station="510104001",
        stations=(StationFreshness("510104002", "青峰村代办点", None, None),),
        problem="平台无法连接", known_at=None, checked_at=datetime(2026, 11, 26, 17, 29))
    rows = (_row("51010400120261126000017", "王*华", "临时救助申请"),)
    book = load_workbook(io.BytesIO(render_daily_log_xlsx(_log(rows, coverage))))
    sheet = book["汇总"]
    pairs = {r[0].value: r[1] for r in sheet.iter_rows() if r[0].value}
    assert pairs["开始日期"].value == datetime(2026, 11, 26)
    assert pairs["开始日期"].number_format == "yyyy-mm-dd"
    assert pairs["打印时间"].number_format == "yyyy-mm-dd hh:mm"
    assert pairs["数据完整"].value == "否" and pairs["合计"].value == 1
    lines = [r[0] for r in sheet.iter_rows() if r[0].alignment.wrap_text]
    assert lines and any("510104002" in str(cell.value) for cell in lines)


def test_the_garbage_collector_is_left_as_it_was() -> None:
    log = _log((_row("51010400120261126000017", "王*华", "临时救助申请"),))
    assert gc.isenabled()
    render_daily_log_xlsx(log)
    assert gc.isenabled()
    gc.disable()
    try:
        render_daily_log_xlsx(log)
        assert not gc.isenabled()  # paused by someone else (start-up): not turned on here
    finally:
        gc.enable()
