"""Today's applications at this window (今日本窗口办件), refreshed after each decision (F5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QVBoxLayout, QWidget

from clerk_app.domain.masking import mask_name
from clerk_app.i18n import _
from clerk_app.services.intake.lookup import ApplicationRow
from clerk_app.services.time_limits.deadlines import DeadlineRow
from clerk_app.ui.lists.deadline_list import SORT_ROLE, due_data, keep_row, sorted_view
from clerk_app.ui.lists.rows_model import RowsModel
from clerk_app.ui.widgets import plain_label

Index = QModelIndex | QPersistentModelIndex

HEADERS = (_("办件编号"), _("事项"), _("申请人"), _("结论"), _("状态"), _("承诺办结 / 预警"),
           _("跑动次数"))
DUE_COLUMN = 5
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1


class TodayModel(RowsModel):
    """Rows of `LookupService.for_day`; the applicant's name is masked (others can see).

    The due column of an application still running shows its `due_cell` (from `due`, the
    `DeadlineService` rows by number); the others show the plain date."""

    HEADERS = HEADERS

    def __init__(self) -> None:
        super().__init__()
        self._due: dict[str, DeadlineRow] = {}

    def set_rows(self, rows: Sequence[ApplicationRow],
                 due: dict[str, DeadlineRow] | None = None) -> None:
        self._due = dict(due or {})
        super().set_rows(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        if role == NUMBER_ROLE:
            return item.number
        column = index.column()
        running = self._due.get(item.number) if column == DUE_COLUMN else None
        if running is not None:
            return due_data(running, role)
        if role == SORT_ROLE:
            if column == DUE_COLUMN:  # after every running one, by date
                return 10**9 + (item.due_date.toordinal() if item.due_date else 0)
            return item.visits if column == 6 else self.data(index)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 6:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return item.number
        if column == 1:
            return item.matter_name
        if column == 2:  # an organisation's name is public data, a person's is masked
            return item.applicant_name if item.organisation else mask_name(item.applicant_name)
        if column == 3:
            return item.outcome_label
        if column == 4:
            return item.status_label
        if column == 5:
            if item.due_date is None:
                return ""
            return item.due_date.isoformat() + (_("（暂定）") if item.due_provisional else "")
        if column == 6:
            return str(item.visits)
        return None


class TodayPanel(QWidget):
    """The list with its title.

    Signals:
        number_activated(str): Enter or double-click on a row (open the application).
    """

    number_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = plain_label()
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        self.model = TodayModel()
        self.table, self.proxy = sorted_view(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 210), (2, 90), (3, 110), (4, 80), (5, 250), (6, 70)):
            self.table.setColumnWidth(column, width)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the latest first
        layout.addWidget(self.table)
        self.table.activated.connect(
            lambda index: self.number_activated.emit(str(index.data(NUMBER_ROLE))))
        self.set_rows([])

    def set_rows(self, rows: list[ApplicationRow],
                 due: dict[str, DeadlineRow] | None = None) -> None:
        current = self.table.currentIndex().data(NUMBER_ROLE)
        self.model.set_rows(rows, due)
        if current is not None:
            keep_row(self.table, current)
        self.title.setText(_("今日本窗口办件（{n} 件）　F6；F5 刷新；选中后按 Enter 打开办件").format(
            n=len(rows)))
