"""The daily log (每日办件台账) as PDF: landscape A4, a table that breaks across pages with its
header repeated, "第 x 页 共 y 页" and the printed time on every page, totals per outcome and
per matter, and a signature line for the supervisor.

Cells are plain strings wrapped here by width (a Paragraph per cell would cost seconds on a
5,000-row log); a cell whose text needs a fallback face (a rare character in a name) becomes
a Paragraph with per-run fonts so that nothing prints as an empty box.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import escapePDF
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from clerk_app.documents import rl_setup
from clerk_app.documents.components import draw_text
from clerk_app.documents.daily_log_bundles import bundle_grouped, bundle_totals
from clerk_app.documents.fonts import font_for, main_font, string_width, to_markup
from clerk_app.documents.styles import BLACK, HEADER_FILL, SEAL_RED
from clerk_app.i18n import _

if TYPE_CHECKING:
    from clerk_app.domain.daily_log import DailyLog, LogRow

rl_setup.apply()

PAGE = landscape(A4)
MARGIN_X = 12 * mm
MARGIN_TOP = 27 * mm
MARGIN_BOTTOM = 15 * mm
FRAME_W = PAGE[0] - 2 * MARGIN_X
CELL_SIZE = 8.0
LEADING = 10.0
PAD = 2.5
PAD_TOP = 1.5
PAD_BOTTOM = 2.5
AMBER = HexColor("#B26A00")
COLUMNS: tuple[tuple[str, float], ...] = (
    (_("序号"), 9 * mm),
    (_("办件编号"), 36 * mm),
    (_("站点"), 17 * mm),
    (_("收件时间"), 19 * mm),
    (_("事项"), 0),
    (_("申请人"), 24 * mm),
    (_("办理方式"), 21 * mm),
    (_("状态"), 14 * mm),
    (_("承诺办结日"), 18 * mm),
    (_("预警"), 10 * mm),
    (_("办结日"), 18 * mm),
    (_("跑动\n次数"), 10 * mm),
    (_("窗口"), 16 * mm),
    (_("经办人"), 15 * mm),
)
STATION_COLUMN = 2
MATTER_COLUMN = 4


@lru_cache(maxsize=4096)
def _needs_fallback(text: str) -> bool:
    main = main_font()
    return any(font_for(ch) not in (main, None) for ch in text if ord(ch) > 0x7F)


@lru_cache(maxsize=16384)
def _lines(text: str, width: float) -> tuple[str, ...]:
    """`text` broken (at newlines, then by characters) into lines no wider than `width`."""
    if "\n" in text:
        return tuple(line for part in text.split("\n") for line in _lines(part, width))
    if string_width(text, CELL_SIZE) <= width:
        return (text,)
    lines, current = [], ""
    for char in text:
        if current and string_width(current + char, CELL_SIZE) > width:
            lines.append(current)
            current = char
        else:
            current += char
    return (*lines, current)


@lru_cache(maxsize=1)
def _styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    font = main_font()
    cell = ParagraphStyle("log_cell", fontName=font, fontSize=CELL_SIZE, leading=LEADING,
                          wordWrap="CJK")
    note = ParagraphStyle("log_note", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    return cell, note


def _cell(text: str, width: float) -> str:
    """A small table's cell: `text` wrapped to the column (by newlines)."""
    return "\n".join(_lines(text, width - 2 * PAD))


def _day(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def row_texts(index: int, row: LogRow, centre: bool) -> list[str]:
    """The printed cells of one row, in column order (the test reads them back)."""
    due = _day(row.due_date) + ("\n" + _("暂定") if row.due_provisional and row.due_date else "")
    finished = _("不详") + "*" if row.finished_estimated else _day(row.finished_on)
    if row.on_time is False:
        finished += "\n" + _("超期")
    values = [str(index), row.number, row.station, f"{row.received_at:%m-%d %H:%M}",
              row.matter_name, row.applicant, row.handling, row.status_label, due,
              row.light_label, finished, "—" if row.visits is None else str(row.visits),
              row.window, row.clerk]
    if not centre:
        del values[STATION_COLUMN]
    return values


def _columns(centre: bool) -> tuple[list[str], list[float]]:
    chosen = [c for i, c in enumerate(COLUMNS) if centre or i != STATION_COLUMN]
    fixed = sum(width for _title, width in chosen)
    widths = [width or FRAME_W - fixed for _title, width in chosen]
    return [title for title, _width in chosen], widths


@dataclass(frozen=True)
class _Row:
    cells: tuple[tuple[str, ...], ...]  # lines per cell
    height: float
    colour: Any = None  # of the light cell


class LogTable(Flowable):
    """The rows as a grid drawn straight on the canvas; splits by page, header repeated.

    A platypus Table spends about a millisecond per row on style look-ups and one text
    object per cell; this draws a page of rows with one text object and one grid path.
    """

    def __init__(self, header: _Row, widths: Sequence[float], rows: Sequence[_Row],
                 tops: Sequence[float], light_column: int, centred: frozenset[int],
                 start: int = 0, end: int | None = None,
                 writer: _LineWriter | None = None) -> None:
        super().__init__()
        self.header, self.widths, self.rows, self.tops = header, list(widths), rows, tops
        self.light_column, self.centred = light_column, centred
        self.writer = writer or _LineWriter()
        self.start, self.end = start, len(rows) if end is None else end

    def _height(self, start: int, end: int) -> float:
        return self.header.height + self.tops[end] - self.tops[start]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = sum(self.widths), self._height(self.start, self.end)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        limit = self.tops[self.start] + availHeight - self.header.height
        fits = bisect_right(self.tops, limit, self.start, self.end + 1) - 1
        if fits <= self.start:
            return []
        return [self._part(self.start, fits), self._part(fits, self.end)]

    def _part(self, start: int, end: int) -> LogTable:
        return LogTable(self.header, self.widths, self.rows, self.tops, self.light_column,
                        self.centred, start, end, self.writer)

    def draw(self) -> None:
        canvas = self.canv
        lefts = [0.0]
        for width in self.widths:
            lefts.append(lefts[-1] + width)
        ys = [self.height]
        canvas.saveState()
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(0, self.height - self.header.height, self.width, self.header.height,
                    stroke=0, fill=1)
        canvas.setFillColor(BLACK)
        writer = self.writer.on(canvas)
        for number, row in enumerate([self.header, *self.rows[self.start:self.end]]):
            top = ys[-1]
            for column, lines in enumerate(row.cells):
                centred = number == 0 or column in self.centred
                coloured = row.colour is not None and column == self.light_column
                if coloured:
                    canvas.setFillColor(row.colour)
                for line_no, line in enumerate(lines):
                    y = top - PAD_TOP - CELL_SIZE - line_no * LEADING
                    x = lefts[column] + PAD
                    if centred:
                        x = (lefts[column] + lefts[column + 1] - _width(line)) / 2
                    writer.line(x, y, line)
                if coloured:
                    canvas.setFillColor(BLACK)
            ys.append(top - row.height)
        canvas.setLineWidth(0.4)
        canvas.setStrokeColor(BLACK)
        canvas.grid(lefts, ys)
        canvas.restoreState()


@lru_cache(maxsize=4096)
def _width(text: str) -> float:
    return string_width(text, CELL_SIZE)


class _LineWriter:
    """Writes one-line cells as PDF text operators, each distinct line encoded once.

    Going through a text object costs ~25 us a line in reportlab (subset lookup, width, number
    formatting); a 5,000-row log has 70,000 lines, most of them repeats (matters, statuses,
    dates, names of clerks). The operators are exactly those reportlab writes for the line
    (font subset selection and a Tj per subset run), cached per document, since the subset
    codes of a dynamic TrueType font are fixed per document once assigned. Lines that need a
    fallback face go through `draw_text`.
    """

    def __init__(self) -> None:
        self._doc: Any = None
        self._ops: dict[str, str] = {}
        self._canvas: Any = None

    def on(self, canvas: Canvas) -> _LineWriter:
        doc = canvas._doc  # noqa: SLF001 - the document the subsets belong to
        if doc is not self._doc:
            self._doc, self._ops = doc, {}
        self._canvas = canvas
        return self

    def line(self, x: float, y: float, text: str) -> None:
        ops = self._ops.get(text)
        if ops is None:
            ops = self._ops[text] = self._encode(text)
        if ops:
            self._canvas.addLiteral(f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm {ops} ET")
        else:
            draw_text(self._canvas, x, y, text, CELL_SIZE)

    def _encode(self, text: str) -> str:
        if _needs_fallback(text):
            return ""
        font = pdfmetrics.getFont(main_font())
        parts = []
        for subset, chunk in font.splitString(text, self._doc):
            name = font.getSubsetInternalName(subset, self._doc)
            parts.append(f"{name} {CELL_SIZE:g} Tf ({escapePDF(chunk)}) Tj")
        return " ".join(parts)


def _prepared(texts: Sequence[str], widths: Sequence[float], colour: Any = None) -> _Row:
    cells = tuple(_lines(text, width - 2 * PAD) if text else () for text, width
                  in zip(texts, widths, strict=True))
    height = max((len(lines) for lines in cells), default=1) * LEADING + PAD_TOP + PAD_BOTTOM
    return _Row(cells, max(height, LEADING + PAD_TOP + PAD_BOTTOM), colour)


def _main_table(log: DailyLog) -> list[Flowable]:
    centre = log.multi_station
    headers, widths = _columns(centre)
    light_column = headers.index(_("预警"))
    colours = {_("红灯"): SEAL_RED, _("黄灯"): AMBER}
    rows = [_prepared(texts, widths, colours.get(light))  # 一件事: members under their bundle
            for texts, light in bundle_grouped(log, centre, row_texts)]
    tops = [0.0]
    for prepared in rows:
        tops.append(tops[-1] + prepared.height)
    centred = frozenset({0, headers.index(_("跑动\n次数"))})
    table = LogTable(_prepared(headers, widths), widths, rows, tops, light_column, centred)
    if rows:
        return [table]
    return [table, Paragraph(_("（本范围内没有办件）"), _styles()[1])]


def _small_table(data: list[list[Any]], widths: list[float]) -> Table:
    return Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", style=TableStyle([
        ("FONT", (0, 0), (-1, -1), main_font(), CELL_SIZE, LEADING),
        ("GRID", (0, 0), (-1, -1), 0.4, BLACK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP), ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))


def _totals(log: DailyLog) -> list[Flowable]:
    totals = log.totals
    note = _styles()[1]
    labels = [label for label, _n in totals.by_outcome]
    counts = [str(n) for _label, n in totals.by_outcome]
    outcome_table = _small_table(
        [[_("办理方式"), *labels, _("合计")], [_("件数"), *counts, str(totals.count)]],
        [22 * mm] + [20 * mm] * (len(labels) + 1),
    )
    other = _small_table(
        [
            [_("红灯（已超期）"), _("黄灯（临近到期）"), _("已办结"), _("跑动次数合计")],
            [str(totals.red), str(totals.yellow), str(totals.finished), str(totals.visits)],
        ],
        [32 * mm] * 4,
    )
    per_row = 3
    matter_width = FRAME_W / per_row
    matter_rows: list[list[Any]] = [[_("事项"), _("件数")] * per_row]
    items = list(totals.by_matter)
    for start in range(0, max(len(items), 1), per_row):
        line: list[Any] = []
        for name, count in items[start : start + per_row]:
            line += [_cell(name, matter_width - 14 * mm), str(count)]
        line += [""] * (2 * per_row - len(line))
        matter_rows.append(line)
    matter_table = _small_table(matter_rows, [matter_width - 14 * mm, 14 * mm] * per_row)
    matter_table.setStyle(
        TableStyle([("ALIGN", (0, 1), (-1, -1), "LEFT"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    return [
        Spacer(1, 5 * mm),
        KeepTogether(
            [
                Paragraph(_("合计（按办理方式）"), note),
                Spacer(1, 1 * mm),
                outcome_table,
                Spacer(1, 2 * mm),
                other,
            ]
        ),
        Spacer(1, 4 * mm),
        Paragraph(_("合计（按事项，共 {n} 项事项）").format(n=len(items)), note),
        Spacer(1, 1 * mm),
        matter_table,
    ]


def _signature(log: DailyLog) -> Flowable:
    note = _styles()[1]
    legend = _("说明：预警（黄灯/红灯）按打印时计算；办结日“不详*”的未记录办结时间"
               "（不计入趋势和按时办结率）；个人姓名已脱敏；跑动次数含领取结果。")
    blank = "_" * 18
    line = Table([[_("制表：{who}").format(who=log.printed_by),
                   _("中心负责人（签字）：{b}").format(b=blank),
                   _("日期：______年____月____日")]],
                 colWidths=[FRAME_W / 4, FRAME_W * 0.45, FRAME_W * 0.3], hAlign="LEFT",
                 style=TableStyle([("FONT", (0, 0), (-1, -1), main_font(), 11, 16),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 4 * mm), Paragraph(to_markup(legend), note),
                         Spacer(1, 10 * mm), line])


def _period(log: DailyLog) -> str:
    first, last = log.query.first, log.query.last
    if first == last:
        return f"{first.year}年{first.month}月{first.day}日"
    return f"{first.isoformat()} 至 {last.isoformat()}"


class _PageFurniture:
    """Title, scope, printed time and the completeness warning on every page."""

    def __init__(self, log: DailyLog) -> None:
        self.title = _("{centre}　办件台账").format(centre=log.centre_name)
        self.left = _("日期：{period}　　范围：{scope}　　共 {n} 件").format(
            period=_period(log), scope=log.scope_label, n=log.totals.count
        )
        self.right = _("打印时间：{t}　打印人：{who}").format(
            t=f"{log.printed_at:%Y-%m-%d %H:%M}", who=log.printed_by
        )
        coverage = log.coverage
        self.warning = ""
        if coverage is not None and not coverage.complete:
            self.warning = (
                _("本台账不完整：缺少站点 {s} 的办件（见首页说明）").format(
                    s="、".join(coverage.missing)) if coverage.missing
                else _("本台账不完整：其他站点的办件未能取得（见首页说明）"))

    def __call__(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = PAGE
        canvas.saveState()
        canvas.setFillColor(BLACK)
        draw_text(canvas, width / 2, height - 12 * mm, self.title, 15, "centre", bold=True)
        baseline = height - 19 * mm
        draw_text(canvas, MARGIN_X, baseline, self.left, 9)
        draw_text(canvas, width - MARGIN_X, baseline, self.right, 9, "right")
        if self.warning:
            canvas.setFillColor(SEAL_RED)
            draw_text(canvas, MARGIN_X, baseline - 5 * mm, self.warning, 9, bold=True)
        canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Holds each page back until the end so that every page can say "共 y 页"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self.setFillColor(BLACK)
            draw_text(
                self,
                PAGE[0] / 2,
                8 * mm,
                _("第 {x} 页 共 {y} 页").format(x=number, y=total),
                9,
                "centre",
            )
            super().showPage()
        super().save()


def render_daily_log(log: DailyLog) -> bytes:
    """The log as PDF bytes."""
    buffer = io.BytesIO()
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        FRAME_W,
        PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        title=_("办件台账"),
        author=log.centre_name,
        pageTemplates=[PageTemplate("log", [frame], onPage=_PageFurniture(log))],
        initialFontName=main_font(),  # no stray unembedded Helvetica
        initialFontSize=CELL_SIZE,
    )
    note = _styles()[1]
    story: list[Flowable] = []
    if log.coverage is not None:
        colour = "#000000" if log.coverage.complete else "#D0021B"
        for line in log.coverage.lines():
            story.append(Paragraph(f'<font color="{colour}">{to_markup(line)}</font>', note))
        story.append(Spacer(1, 3 * mm))
    story.extend(_main_table(log))
    story.extend(_totals(log))
    story.extend(bundle_totals(log, note))
    story.append(_signature(log))
    doc.build(story, canvasmaker=partial(_NumberedCanvas))
    return buffer.getvalue()
