"""The daily log (每日办件台账) as an Excel workbook (XlsxWriter: about twice openpyxl's speed).

Sheet 台账: one row per application — dates and times as real dates, counts as integers, the
办件编号 as text (23 digits would lose precision as a number); frozen header, filter, widths
and print titles. Sheet 汇总: what the log is (centre, period, scope, printed time), the
completeness note of a centre-wide log, and the totals per outcome and per matter.

Every value is written by its type (text is always text: never a formula, a number or a link).
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from clerk_app.i18n import _

if TYPE_CHECKING:
    from clerk_app.domain.daily_log import DailyLog, LogRow

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
RECEIVED_FORMAT = "yyyy-mm-dd h:mm:ss"  # a date-time in the log's rows
LOG_SHEET = "台账"
TOTALS_SHEET = "汇总"

# (header, width in characters); values keep their types: int, str, datetime, date
COLUMNS: tuple[tuple[str, float], ...] = (
    (_("序号"), 6), (_("办件编号"), 26), (_("站点"), 11), (_("收件时间"), 19),
    (_("事项编码"), 16), (_("事项"), 36), (_("申请人"), 18), (_("办理方式"), 14),
    (_("状态"), 10), (_("承诺办结日"), 12), (_("暂定"), 6), (_("预警"), 7), (_("办结日"), 12),
    (_("办结日不详"), 8), (_("按时办结"), 9), (_("跑动次数"), 9), (_("窗口"), 12),
    (_("经办人"), 10), (_("所属一件事"), 26))

# XlsxWriter takes a width as Excel's dialog shows it and adds 5 pixels of padding (7 pixels
# a character); less this, the file keeps the stored width of COLUMNS.
_PADDING = 5 / 7


def _yes(value: bool | None) -> str:
    return "" if value is None else (_("是") if value else _("否"))


def row_values(index: int, row: LogRow) -> list[Any]:
    """The typed values of one row, in COLUMNS order."""
    return [
        index,
        row.number,
        row.station,
        row.received_at,
        row.matter_code,
        row.matter_name,
        row.applicant,
        row.handling,
        row.status_label,
        row.due_date,
        _("是") if row.due_provisional and row.due_date else "",
        row.light_label,
        row.finished_on,
        _("是") if row.finished_estimated else "",
        _yes(row.on_time),
        row.visits,
        row.window,
        row.clerk,
        getattr(row, "bundle", ""),  # the 一件事 number of a member
    ]


class _Writer:
    """Writes typed values into a sheet; empty text and None leave the cell empty."""

    def __init__(self, book: Workbook) -> None:
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format({"bold": True, "bg_color": "#EFEFEF",
                                       "pattern": 1})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.time = book.add_format({"num_format": TIME_FORMAT})
        self.received = book.add_format({"num_format": RECEIVED_FORMAT})

    def value(self, sheet: Worksheet, row: int, column: int, value: Any,
              style: Format | None = None) -> None:
        kind = type(value)
        if value is None or value == "":
            return
        if kind is str:
            sheet.write_string(row, column, value, style)
        elif kind is bool:
            sheet.write_boolean(row, column, value, style)
        elif kind is int or kind is float:
            sheet.write_number(row, column, value, style)
        elif kind is datetime:
            sheet.write_datetime(row, column, value, style or self.received)
        elif kind is date:
            sheet.write_datetime(row, column, value, style or self.date)
        else:
            sheet.write_string(row, column, str(value), style)

    def row(self, sheet: Worksheet, row: int, values: Sequence[Any],
            style: Format | None = None) -> None:
        for column, value in enumerate(values):
            self.value(sheet, row, column, value, style)


def _log_sheet(book: Workbook, write: _Writer, log: DailyLog) -> None:
    sheet = book.add_worksheet(LOG_SHEET)
    for column, (_title, width) in enumerate(COLUMNS):
        sheet.set_column(column, column, width - _PADDING)
    sheet.freeze_panes(1, 2)  # C2
    sheet.autofilter(0, 0, len(log.rows), len(COLUMNS) - 1)
    sheet.repeat_rows(0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    write.row(sheet, 0, [title for title, _width in COLUMNS], write.header)
    for index, row in enumerate(log.rows, start=1):
        write.row(sheet, index, row_values(index, row))


def _totals_sheet(book: Workbook, write: _Writer, log: DailyLog) -> None:
    sheet = book.add_worksheet(TOTALS_SHEET)
    sheet.set_column(0, 0, 40 - _PADDING)
    sheet.set_column(1, 1, 12 - _PADDING)
    line = 0

    def put(values: Sequence[Any], style: Format | None = None,
            value_style: Format | None = None) -> None:
        nonlocal line
        if values:
            write.value(sheet, line, 0, values[0], style)
        if len(values) > 1:
            write.value(sheet, line, 1, values[1], value_style)
        line += 1

    def pair(label: str, value: Any, value_style: Format | None = None) -> None:
        put([label, value], write.bold, value_style)

    pair(_("中心"), log.centre_name)
    pair(_("站点"), log.station_id)
    pair(_("开始日期"), log.query.first, write.date)
    pair(_("结束日期"), log.query.last, write.date)
    pair(_("范围"), log.scope_label)
    pair(_("打印时间"), log.printed_at, write.time)
    pair(_("打印人"), log.printed_by)
    if log.coverage is not None:
        pair(_("数据完整"), _("是") if log.coverage.complete else _("否"))
        for text in log.coverage.lines():
            put([text], write.wrap)
    put([])
    put([_("办理方式"), _("件数")], write.header, write.header)
    for label, count in log.totals.by_outcome:
        put([label, count])
    pair(_("合计"), log.totals.count)
    pair(_("红灯（已超期）"), log.totals.red)
    pair(_("黄灯（临近到期）"), log.totals.yellow)
    pair(_("已办结"), log.totals.finished)
    pair(_("跑动次数合计"), log.totals.visits)
    bundles = getattr(log, "bundles", ())
    if bundles:  # 一件事: bundles with members in the log, finished, finished with one trip
        finished = [b for b in bundles if b.finished]
        pair(_("一件事（件）"), len(bundles))
        pair(_("一件事成员事项（项，已计入上表）"), sum(b.members for b in bundles))
        pair(_("一件事全部办结（件）"), len(finished))
        pair(_("一件事最多跑一次办结（件）"), sum(b.trips <= 1 for b in finished))
    put([])
    put([_("事项"), _("件数")], write.header, write.header)
    for name, count in log.totals.by_matter:
        put([name, count])


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """No cyclic garbage collection while the workbook is built: XlsxWriter keeps every cell
    (~100,000 objects for 5,000 rows) until the file is written, and each allocation burst
    made the collector walk the whole program's heap again (in a process holding ~350,000
    objects the render took ~600 ms with it, ~350 ms without). Nothing built here is cyclic
    garbage that must go sooner; the previous state is restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_daily_log_xlsx(log: DailyLog) -> bytes:
    """The log as .xlsx bytes."""
    buffer = io.BytesIO()
    with _no_cyclic_gc():
        book = Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                 "strings_to_formulas": False, "strings_to_urls": False})
        write = _Writer(book)
        _log_sheet(book, write, log)
        _totals_sheet(book, write, log)
        book.close()
    return buffer.getvalue()
