"""The daily log (每日办件台账) as an Excel workbook (openpyxl, write-only for speed).

Sheet 台账: one row per application — dates and times as real dates, counts as integers, the
办件编号 as text (23 digits would lose precision as a number); frozen header, filter, widths
and print titles. Sheet 汇总: what the log is (centre, period, scope, printed time), the
completeness note of a centre-wide log, and the totals per outcome and per matter.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from clerk_app.i18n import _

if TYPE_CHECKING:
    from clerk_app.domain.daily_log import DailyLog, LogRow

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
LOG_SHEET = "台账"
TOTALS_SHEET = "汇总"

# (header, width in characters); values keep their types: int, str, datetime, date
COLUMNS: tuple[tuple[str, float], ...] = (
    (_("序号"), 6), (_("办件编号"), 26), (_("站点"), 11), (_("收件时间"), 19),
    (_("事项编码"), 16), (_("事项"), 36), (_("申请人"), 18), (_("办理方式"), 14),
    (_("状态"), 10), (_("承诺办结日"), 12), (_("暂定"), 6), (_("预警"), 7), (_("办结日"), 12),
    (_("办结日不详"), 8), (_("按时办结"), 9), (_("跑动次数"), 9), (_("窗口"), 12),
    (_("经办人"), 10), (_("所属一件事"), 26))

_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="EFEFEF")
_WRAP = Alignment(wrap_text=True, vertical="top")


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


def _safe(sheet: WriteOnlyWorksheet, values: list[Any]) -> list[Any]:
    """Empty text as empty cells; text that starts with "=" stays text, never a formula."""
    for position, value in enumerate(values):
        if value == "":
            values[position] = None
        elif isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            values[position] = cell
    return values


def _header(sheet: WriteOnlyWorksheet, titles: Sequence[str]) -> list[WriteOnlyCell]:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = _BOLD, _FILL
        cells.append(cell)
    return cells


def _log_sheet(book: Workbook, log: DailyLog) -> None:
    sheet = book.create_sheet(LOG_SHEET)
    for column, (_title, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{len(log.rows) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.append(_header(sheet, [title for title, _width in COLUMNS]))
    for index, row in enumerate(log.rows, start=1):
        sheet.append(_safe(sheet, row_values(index, row)))


def _totals_sheet(book: Workbook, log: DailyLog) -> None:
    sheet = book.create_sheet(TOTALS_SHEET)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 12
    first, last = log.query.first, log.query.last

    def pair(label: str, value: Any, number_format: str = "") -> None:
        label_cell = WriteOnlyCell(sheet, value=label)
        label_cell.font = _BOLD
        value_cell = WriteOnlyCell(sheet, value=value)
        if number_format:
            value_cell.number_format = number_format
        sheet.append([label_cell, value_cell])

    pair(_("中心"), log.centre_name)
    pair(_("站点"), log.station_id)
    pair(_("开始日期"), first, DATE_FORMAT)
    pair(_("结束日期"), last, DATE_FORMAT)
    pair(_("范围"), log.scope_label)
    pair(_("打印时间"), log.printed_at, TIME_FORMAT)
    pair(_("打印人"), log.printed_by)
    if log.coverage is not None:
        pair(_("数据完整"), _("是") if log.coverage.complete else _("否"))
        for line in log.coverage.lines():
            cell = WriteOnlyCell(sheet, value=line)
            cell.alignment = _WRAP
            sheet.append([cell])
    sheet.append([])
    sheet.append(_header(sheet, [_("办理方式"), _("件数")]))
    for label, count in log.totals.by_outcome:
        sheet.append([label, count])
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
    sheet.append([])
    sheet.append(_header(sheet, [_("事项"), _("件数")]))
    for name, count in log.totals.by_matter:
        sheet.append([name, count])


def render_daily_log_xlsx(log: DailyLog) -> bytes:
    """The log as .xlsx bytes."""
    book = Workbook(write_only=True)
    _log_sheet(book, log)
    _totals_sheet(book, log)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
