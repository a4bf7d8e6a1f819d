"""The supervisor's screen (负责人工作台): figures for a date range, trend, overdue lists, log.

Every number comes from `FiguresService` (the same rows as the log of the same range and
scope, so it can be checked against the printed log). All service calls run through the
task manager; the screen never waits.

Signals:
    open_application(str): a row of the overdue / due-soon lists was activated (its 办件编号).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.supervision.figures import Figures, FiguresService, ScopeChoice
from clerk_app.services.supervision.reports import (
    DailyLog,
    LogFormat,
    LogQuery,
    LogScope,
    ReportService,
)
from clerk_app.ui.supervisor.chart import TrendChart
from clerk_app.ui.supervisor.log_preview import LogPreview
from clerk_app.ui.supervisor.models import NUMBER_ROLE, counts_model, rows_model
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label

FIGURE_LABELS = (
    ("total", _("收件总数")), ("finished", _("已办结")), ("on_time", _("按时办结率")),
    ("one_visit", _("“最多跑一次”率")), ("deferred", _("容缺受理")),
    ("on_commitment", _("告知承诺受理")), ("owed", _("容缺材料待补")),
    ("lights", _("当前红灯 / 黄灯")), ("bundles", _("一件事")))


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _table(model: QAbstractItemModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class SupervisorScreen(QWidget):
    """Date range and scope on top; figures, trend and lists; the log's preview."""

    open_application = Signal(str)

    def __init__(self, reports: ReportService, figures: FiguresService, actor: Actor,
                 taskman: TaskManager, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reports, self.figures_service = reports, figures
        self.actor, self.taskman = actor, taskman
        self.figures: Figures | None = None
        self.log: DailyLog | None = None
        self.choices: list[ScopeChoice] = []
        layout = QVBoxLayout(self)
        layout.addLayout(self._controls(today))
        self.message = MessageLine()
        layout.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._summary())
        self.tabs = QTabWidget()
        # every tab in sight at 1366 pixels (台账预览 was behind the scroll arrows)
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        heads = {"matter": _("事项"), "window": _("窗口"), "clerk": _("经办人"),
                 "outcome": _("办理方式")}
        self.count_models = {key: counts_model(head) for key, head in heads.items()}
        for key, title in (("matter", _("按事项")), ("window", _("按窗口")),
                           ("clerk", _("按经办人")), ("outcome", _("按办理方式"))):
            self.tabs.addTab(_table(self.count_models[key]), title)
        self.overdue_model, self.due_soon_model = rows_model(), rows_model()
        self.overdue_table = _table(self.overdue_model)
        self.due_soon_table = _table(self.due_soon_model)
        self.tabs.addTab(self.overdue_table, _("超期（红灯）"))
        self.tabs.addTab(self.due_soon_table, _("临近到期（黄灯）"))
        self.preview = LogPreview(taskman)
        self.tabs.addTab(self.preview, _("台账预览"))
        for table in (self.overdue_table, self.due_soon_table):
            table.activated.connect(self._activated)
        self.preview.export_requested.connect(self.export_excel)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.load_choices()

    # -- layout -----------------------------------------------------------------------------

    def _controls(self, today: date) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.first = QDateEdit(_qdate(today))
        self.last = QDateEdit(_qdate(today))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.scope = QComboBox()
        self.scope.setMinimumWidth(200)
        self.refresh_button = QPushButton(_("统计(&R) F5"))
        self.log_button = QPushButton(_("生成台账(&L)"))
        for widget in (plain_label(_("日期 从")), self.first, plain_label(_("至")), self.last,
                       plain_label(_("范围")), self.scope, self.refresh_button, self.log_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.refresh_button.clicked.connect(self.refresh)
        self.log_button.clicked.connect(self.build_log)
        return bar

    def _summary(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        group = QGroupBox(_("统计"))
        grid = QGridLayout(group)
        self.values: dict[str, QLabel] = {}
        for row, (key, title) in enumerate(FIGURE_LABELS):
            grid.addWidget(plain_label(title), row, 0)
            value = plain_label()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(value, row, 1)
            self.values[key] = value
        self.footnote = plain_label(wrap=True)
        self.footnote.setStyleSheet("color: #5f6368;")
        grid.addWidget(self.footnote, len(FIGURE_LABELS), 0, 1, 2)
        column.addWidget(group)
        self.chart = TrendChart()
        column.addWidget(self.chart, 1)
        return box

    # -- actions ----------------------------------------------------------------------------

    def load_choices(self) -> None:
        self.taskman.read(lambda: self.figures_service.scope_choices(self.actor),
                          on_success=self._set_choices, context=_("读取统计范围"))

    def _set_choices(self, choices: list[ScopeChoice]) -> None:
        self.choices = choices
        self.scope.clear()
        for choice in choices:
            self.scope.addItem(choice.label)
        enabled = bool(choices)
        for widget in (self.refresh_button, self.log_button, self.scope):
            widget.setEnabled(enabled)
        if enabled:
            self.refresh()
        else:
            self.message.show_error(_("当前账号无权查看台账和统计"))

    def query(self) -> LogQuery | None:
        first, last = _pydate(self.first.date()), _pydate(self.last.date())
        if not self.choices or self.scope.currentIndex() < 0:
            return None
        if last < first:
            self.message.show_error(_("结束日期不能早于开始日期"))
            return None
        return LogQuery(first, last, self.choices[self.scope.currentIndex()].scope)

    def set_range(self, first: date, last: date) -> None:
        self.first.setDate(_qdate(first))
        self.last.setDate(_qdate(last))

    def select_scope(self, scope: LogScope) -> None:
        for index, choice in enumerate(self.choices):
            if choice.scope == scope:
                self.scope.setCurrentIndex(index)

    def refresh(self) -> None:
        query = self.query()
        if query is None:
            return
        self.message.show_note(_("正在统计……"))
        self.taskman.read(lambda: self.figures_service.figures(
            self.actor, query.first, query.last, query.scope),
            on_success=self.show_figures, on_error=self._failed, context=_("统计办件"))

    def build_log(self) -> None:
        query = self.query()
        if query is None:
            return
        self.message.show_note(_("正在生成台账……"))
        self.log_button.setEnabled(False)
        self.taskman.write(lambda: self.reports.export(self.actor, query, LogFormat.PDF),
                           on_success=self._show_log, on_error=self._failed,
                           context=_("生成台账"))

    def export_excel(self, path: str) -> None:
        query = self.query()
        if query is None:
            return

        def job() -> int:
            log, data = self.reports.export(self.actor, query, LogFormat.XLSX)
            Path(path).write_bytes(data)
            return log.totals.count

        self.taskman.write(job, on_success=lambda n: self.message.show_ok(
            _("已导出 {n} 件到 {path}").format(n=n, path=path)),
            on_error=self._failed, context=_("导出台账 Excel"))

    # -- results ----------------------------------------------------------------------------

    def show_figures(self, figures: Figures) -> None:
        self.figures = figures
        values = {
            "total": str(figures.total), "finished": str(figures.finished),
            "on_time": figures.on_time.text(), "one_visit": figures.one_visit.text(),
            "deferred": str(figures.deferred), "on_commitment": str(figures.on_commitment),
            "owed": _("{m} 项（{a} 件），其中逾期 {o} 项").format(
                m=figures.owed_materials, a=figures.owed_applications, o=figures.owed_overdue),
            "lights": f"{len(figures.overdue)} / {len(figures.due_soon)}",
            "bundles": figures.bundles.text() if figures.bundles else "—"}
        for key, text in values.items():
            self.values[key].setText(text)
        notes = [_("统计范围：{scope}，{a} 至 {b} 收件的办件；可与同范围台账逐件核对。").format(
            scope=figures.scope_label, a=figures.first, b=figures.last)]
        if figures.estimated_finish:
            notes.append(_("其中 {n} 件未记录办结时间，办结日不详，不计入趋势和按时办结率。").format(
                n=figures.estimated_finish))
        if figures.finished_no_due:
            notes.append(_("{n} 件办结时无承诺办结日，不计入按时办结率。").format(
                n=figures.finished_no_due))
        self.footnote.setText("\n".join(notes))
        self.count_models["matter"].set_items(figures.by_matter)
        self.count_models["window"].set_items(figures.by_window)
        self.count_models["clerk"].set_items(figures.by_clerk)
        self.count_models["outcome"].set_items(figures.by_outcome)
        self.overdue_model.set_items(figures.overdue)
        self.due_soon_model.set_items(figures.due_soon)
        self.tabs.setTabText(4, _("超期（红灯） {n}").format(n=len(figures.overdue)))
        self.tabs.setTabText(5, _("临近到期（黄灯） {n}").format(n=len(figures.due_soon)))
        self.chart.set_days(figures.trend)
        self.message.clear_message()

    def _show_log(self, result: tuple[DailyLog, bytes]) -> None:
        log, pdf = result
        self.log = log
        self.log_button.setEnabled(True)
        first, last = log.query.first, log.query.last
        span = first.isoformat() if first == last else f"{first}_{last}"
        self.preview.show_pdf(pdf, _("办件台账_{span}").format(span=span))
        self.tabs.setCurrentWidget(self.preview)
        if log.coverage is not None and not log.coverage.complete:
            self.message.show_error(log.coverage.lines()[0])
        else:
            self.message.show_ok(_("台账已生成：{n} 件").format(n=log.totals.count))

    def _failed(self, exc: Exception) -> None:
        self.log_button.setEnabled(True)
        if isinstance(exc, (ValueError, PermissionError)):
            self.message.show_error(str(exc))
        else:
            self.message.clear_message()

    def _activated(self, index: QModelIndex) -> None:
        number = index.data(NUMBER_ROLE)
        if number:
            self.open_application.emit(str(number))

    def default_range(self, today: date, days: int = 30) -> None:
        """The last `days` days up to today (a month at a glance)."""
        self.set_range(today - timedelta(days=days - 1), today)
