"""办件查询 by the applicant's document number, name (or part of it) or phone.

`LookupService.search` does the finding and the masking: ID numbers and phones come back
masked for roles that may not see them in full. Enter (or a double-click) on a row opens that
application (`number_chosen`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.intake.lookup import ApplicationRow, LookupService
from clerk_app.services.station.context import Actor
from clerk_app.ui.lists.rows_model import RowsModel
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label

Index = QModelIndex | QPersistentModelIndex

HEADERS = (_("办件编号"), _("事项"), _("申请人"), _("证件号码"), _("联系电话"), _("状态"),
           _("收件日"))
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1


class SearchResultsModel(RowsModel):
    """Rows of `LookupService.search`, as masked by the service for the viewer's role."""

    HEADERS = HEADERS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        if role == NUMBER_ROLE:
            return item.number
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (item.number, item.matter_name, item.applicant_name, item.applicant_doc,
                item.applicant_phone, item.status_label,
                item.received_on.isoformat())[index.column()]


class ApplicationSearchDialog(QDialog):
    """Type a document number, a name or a phone; Enter searches, Enter on a row opens.

    Signals:
        number_chosen(str): the application to open.
    """

    number_chosen = Signal(str)

    def __init__(self, lookup: LookupService, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lookup = lookup
        self.actor = actor
        self.taskman = taskman
        self.setWindowTitle(_("办件查询"))
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        label = plain_label(_("证件号码、姓名或电话(&F)"))
        self.field = QLineEdit()
        self.field.setMaxLength(60)
        self.field.setPlaceholderText(_("输入后按 Enter 查询；也可扫描或输入办件编号"))
        label.setBuddy(self.field)
        self.search_button = QPushButton(_("查询"))
        self.search_button.setAutoDefault(False)
        row.addWidget(label)
        row.addWidget(self.field, 1)
        row.addWidget(self.search_button)
        layout.addLayout(row)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self.model = SearchResultsModel()
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
        for column, width in ((0, 200), (2, 80), (3, 170), (4, 110), (5, 70), (6, 90)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        hint = plain_label(_("↓ 进入结果，Enter 打开办件；Esc 关闭"))
        layout.addWidget(hint)
        self.field.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.table.activated.connect(self._chosen)
        self.resize(980, 460)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and self.field.hasFocus() and self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(0)
            return
        super().keyPressEvent(event)

    def search_for(self, text: str) -> None:
        self.field.setText(text)
        self.search()

    def search(self) -> None:
        text = self.field.text().strip()
        if not text:
            self.message.show_error(_("请输入证件号码、姓名或电话"))
            return
        self.message.show_note(_("正在查询……"))
        actor = self.actor
        self.taskman.read(lambda: self.lookup.search(actor, text),
                          on_success=self._found, context=_("办件查询"))

    def _found(self, rows: list[ApplicationRow]) -> None:
        self.model.set_rows(rows)
        if not rows:
            self.message.show_error(_("没有找到相关办件，请核对后重试"))
            self.field.setFocus()
            return
        self.message.show_note(_("找到 {n} 件").format(n=len(rows)))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.selectRow(0)

    def _chosen(self, index: QModelIndex) -> None:
        number = index.data(NUMBER_ROLE)
        if number:
            self.number_chosen.emit(str(number))
            self.accept()
