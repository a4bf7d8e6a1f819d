"""容缺 materials still owed after their promised date (逾期未补交的容缺材料), to call from.

Phones are masked as the service returns them; "显示号码" asks the service for one full number
(the viewing is audited) so the clerk can call. "登记已补交" records a material brought in.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.masking import mask_name
from clerk_app.i18n import _
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.results.owed import OwedRow, OwedService
from clerk_app.services.station.context import Actor
from clerk_app.ui.lists.rows_model import RowsModel
from clerk_app.ui.results.handover_dialog import attempt
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import ERROR_COLOUR, MessageLine, plain_label

Index = QModelIndex | QPersistentModelIndex

HEADERS = (_("办件编号"), _("事项"), _("容缺材料"), _("承诺补交日期"), _("逾期"), _("联系人"),
           _("联系电话"), _("出件"))
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1
MATERIAL_ROLE = Qt.ItemDataRole.UserRole + 2


class OwedModel(RowsModel):
    """Rows of `OwedService.owed`; names masked (others can see the screen)."""

    HEADERS = HEADERS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        if role == NUMBER_ROLE:
            return item.number
        if role == MATERIAL_ROLE:
            return item.material_id
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 4 and item.days_overdue:
            return QBrush(QColor(ERROR_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (3, 4, 7):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._text(item, index.column())

    @staticmethod
    def _text(item: OwedRow, column: int) -> str | None:
        if column == 0:
            return item.number
        if column == 1:
            return item.matter_name
        if column == 2:
            return item.material_name
        if column == 3:
            return item.promised_date.isoformat() if item.promised_date else ""
        if column == 4:
            return _("{n} 天").format(n=item.days_overdue) if item.days_overdue else _("未逾期")
        if column == 5:
            return mask_name(item.contact_name)
        if column == 6:
            return item.phone
        if column == 7:
            return _("补齐后方可出件") if item.blocks_result else ""
        return None


class OwedList(QWidget):
    """The list with its title, refresh, 显示号码 and 登记已补交.

    Signals:
        number_activated(str): Enter or double-click on a row (open the application).
        received(str): a material of this application was recorded as brought in.
    """

    number_activated = Signal(str)
    received = Signal(str)

    def __init__(self, owed: OwedService, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = owed
        self.actor = actor
        self.taskman = taskman
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = plain_label()
        self.title.setStyleSheet("font-weight: bold;")
        self.all_box = QCheckBox(_("包括未到期的"))
        self.refresh_button = QPushButton(_("刷新"))
        top.addWidget(self.title, 1)
        top.addWidget(self.all_box)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.model = OwedModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 200), (2, 170), (3, 100), (4, 70), (5, 70), (6, 110),
                              (7, 110)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.call_button = QPushButton(_("显示号码（拨打）"))
        self.receive_button = QPushButton(_("登记已补交"))
        actions.addWidget(self.call_button)
        actions.addWidget(self.receive_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.message = MessageLine()
        layout.addWidget(self.message)

        self.refresh_button.clicked.connect(self.refresh)
        self.all_box.toggled.connect(lambda _on: self.refresh())
        self.call_button.clicked.connect(self.show_phone)
        self.receive_button.clicked.connect(self.receive)
        self.table.activated.connect(
            lambda index: self.number_activated.emit(str(index.data(NUMBER_ROLE))))
        self._set_rows([])

    def refresh(self) -> None:
        actor, overdue_only = self.actor, not self.all_box.isChecked()
        self.taskman.read(lambda: self.service.owed(actor, overdue_only=overdue_only),
                          on_success=self._set_rows, context=_("读取逾期未补交的容缺材料"))

    def _set_rows(self, rows: list[OwedRow]) -> None:
        self.model.set_rows(rows)
        what = _("容缺材料（含未到期）") if self.all_box.isChecked() else _("逾期未补交的容缺材料")
        self.title.setText(_("{what}：{n} 项").format(what=what, n=len(rows)))
        for button in (self.call_button, self.receive_button):
            button.setEnabled(bool(rows))

    def selected(self) -> OwedRow | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def show_phone(self) -> None:
        row = self.selected()
        if row is None:
            self.message.show_error(_("请先选中一行"))
            return
        self.taskman.write(attempt(lambda: self.service.phone_for_call(self.actor, row.number)),
                           on_success=lambda phone: self._phone(row, phone),
                           context=_("显示联系电话"))

    def _phone(self, row: OwedRow, phone: str | ResultsError) -> None:
        if isinstance(phone, ResultsError):
            self.message.show_error("\n".join(phone.problems))
            return
        self.message.show_note(_("请致电 {name}：{phone}，提醒补交「{material}」").format(
            name=mask_name(row.contact_name), phone=phone, material=row.material_name))

    def receive(self) -> None:
        row = self.selected()
        if row is None:
            self.message.show_error(_("请先选中一行"))
            return
        self.taskman.write(
            attempt(lambda: self.service.receive_deferred(self.actor, row.number,
                                                          row.material_id)),
            on_success=lambda value: self._received(row, value), context=_("登记容缺材料补交"))

    def _received(self, row: OwedRow, value: int | ResultsError) -> None:
        if isinstance(value, ResultsError):
            self.message.show_error("\n".join(value.problems))
            return
        self.message.show_ok(_("已登记「{m}」补交（办件 {n}）").format(m=row.material_name,
                                                                 n=row.number))
        self.received.emit(row.number)
        self.refresh()
