"""The 在办/预警 list: open applications against their due dates, most urgent first.

Rows are `DeadlineService.rows()` (what `WorkLists` reads). The due column is
`due_format.due_cell`: words first ("逾期3个工作日 红灯"), the colour second, the details in the
tooltip; every column sorts (the due column by urgency). "只看黄灯、红灯" hides the rest.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.masking import mask_name
from clerk_app.domain.workdays import DueStatus
from clerk_app.i18n import _
from clerk_app.services.time_limits.deadlines import DeadlineRow
from clerk_app.ui.lists.due_format import deferred_text, due_cell, due_sort_value
from clerk_app.ui.lists.rows_model import RowsModel
from clerk_app.ui.widgets import plain_label, tooltip

Index = QModelIndex | QPersistentModelIndex

HEADERS = (_("办件编号"), _("事项"), _("申请人"), _("窗口"), _("经办人"), _("状态"),
           _("承诺办结 / 预警"), _("容缺待补"))
DUE_COLUMN = 6
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
WARNINGS = (DueStatus.YELLOW, DueStatus.RED)


def status_label(status: str) -> str:
    try:
        return ApplicationStatus(status).label
    except ValueError:
        return status


def due_data(row: DeadlineRow, role: int) -> Any:
    """The due cell of `row` for a Qt role (display, background, tooltip, sort)."""
    text, colour, tip = due_cell(row)
    if role == Qt.ItemDataRole.DisplayRole:
        return text
    if role == Qt.ItemDataRole.BackgroundRole:
        return colour if colour.isValid() else None
    if role == Qt.ItemDataRole.ToolTipRole:
        return tooltip(tip) if tip else None
    if role == SORT_ROLE:
        return due_sort_value(row)
    return None


class DeadlineModel(RowsModel):
    """Rows of `DeadlineService.rows`; names masked (others can see the screen)."""

    HEADERS = HEADERS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        column = index.column()
        if role == NUMBER_ROLE:
            return item.number
        if column == DUE_COLUMN:
            return due_data(item, role)
        if role == Qt.ItemDataRole.ToolTipRole and column == 7 and item.deferred:
            return tooltip(deferred_text(item))
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._text(item, column)
        return None

    @staticmethod
    def _text(item: DeadlineRow, column: int) -> str | None:
        if column == 0:
            return item.number
        if column == 1:
            return item.matter_name
        if column == 2:  # an organisation's name is public data, a person's is masked
            return item.applicant_name if item.organisation else mask_name(item.applicant_name)
        if column == 3:
            return item.window
        if column == 4:
            return item.clerk
        if column == 5:
            return status_label(item.status)
        if column == 7:
            if not item.deferred:
                return ""
            late = _("，已逾期") if item.deferred_overdue else ""
            return _("{n} 项{late}").format(n=len(item.deferred), late=late)
        return None


def sorted_view(model: QAbstractTableModel) -> tuple[QTableView, QSortFilterProxyModel]:
    """A read-only, row-selecting table over `model`, sortable by clicking a header."""
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    table = QTableView()
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table, proxy


def keep_row(table: QTableView, number: object) -> None:
    """After a reload, select the application that was selected (or the first row)."""
    model = table.model()
    if not model.rowCount():
        return
    row = next((r for r in range(model.rowCount())
                if model.index(r, 0).data(NUMBER_ROLE) == number), 0)
    table.setCurrentIndex(model.index(row, 0))


class DeadlinePanel(QWidget):
    """The list with its title and the 只看预警 switch.

    Signals:
        number_activated(str): Enter or double-click on a row (open the application).
    """

    number_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[DeadlineRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = plain_label()
        self.title.setStyleSheet("font-weight: bold;")
        self.warnings_only = QCheckBox(_("只看黄灯、红灯(&W)"))
        top.addWidget(self.title, 1)
        top.addWidget(self.warnings_only)
        layout.addLayout(top)
        self.model = DeadlineModel()
        self.table, self.proxy = sorted_view(self.model)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 200), (2, 70), (3, 80), (4, 70), (5, 70), (6, 250), (7, 100)):
            self.table.setColumnWidth(column, width)
        self.table.sortByColumn(DUE_COLUMN, Qt.SortOrder.AscendingOrder)
        layout.addWidget(self.table, 1)
        self.table.activated.connect(
            lambda index: self.number_activated.emit(str(index.data(NUMBER_ROLE))))
        self.warnings_only.toggled.connect(lambda _on: self._show())
        self.set_rows([])

    def set_rows(self, rows: list[DeadlineRow]) -> None:
        self._all = list(rows)
        self._show()

    def _show(self) -> None:
        rows = self._all
        if self.warnings_only.isChecked():
            rows = [r for r in rows if r.due_status in WARNINGS]
        current = self.table.currentIndex().data(NUMBER_ROLE)
        self.model.set_rows(rows)
        keep_row(self.table, current)
        yellow = sum(r.due_status is DueStatus.YELLOW for r in self._all)
        red = sum(r.due_status is DueStatus.RED for r in self._all)
        self.title.setText(_("在办 {n} 件：红灯 {red}，黄灯 {yellow}　F7；Enter 打开办件").format(
            n=len(self._all), red=red, yellow=yellow))
