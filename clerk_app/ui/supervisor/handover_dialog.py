"""AB岗 handover (AB岗移交): the A-post clerk's open applications to the B-post clerk.

Choose A, see A's unfinished applications, select those to hand over (Ctrl+A: all), choose
B, give the reason, hand over after a confirmation that names the count. Nothing selected
hands over nothing. The service checks the permission, writes one audited transaction and
refuses what makes no sense (same person, disabled account, nothing to hand over).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.supervision.reassign import (
    Colleague,
    HandoverSummary,
    OpenApplication,
    ReassignService,
)
from clerk_app.ui.supervisor.models import open_applications_model
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label


class HandoverDialog(QDialog):
    """Pick A, B and the reason; the selected rows move to B after a confirmation.

    `ask(text) -> bool` asks the supervisor to confirm (a window-modal question by default).
    """

    def __init__(self, reassign: ReassignService, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reassign, self.actor, self.taskman = reassign, actor, taskman
        self.setWindowTitle(_("AB岗移交"))
        self.colleagues: list[Colleague] = []
        self._done_text = ""
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.source = QComboBox()
        self.target = QComboBox()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("如：A岗张丽休假（12月1日至12月5日）"))
        form.addRow(_("移交人（A岗）"), self.source)
        form.addRow(_("接收人（B岗）"), self.target)
        form.addRow(_("移交原因"), self.reason)
        layout.addLayout(form)
        layout.addWidget(plain_label(_("选择要移交的未结办件（Ctrl 或 Shift 多选，Ctrl+A 全选）："),
                                     wrap=True))
        self.model = open_applications_model()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.message = MessageLine()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        self.hand_over_button = QPushButton(_("移交(&H)"))
        buttons.addButton(self.hand_over_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.source.currentIndexChanged.connect(self.load_open)
        self.hand_over_button.clicked.connect(self.hand_over)
        self.hand_over_button.setEnabled(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.ask: Callable[[str], bool] = self._ask
        self._busy = False
        self.resize(760, 520)
        self.taskman.read(lambda: self.reassign.colleagues(self.actor),
                          on_success=self._set_colleagues, on_error=self._failed,
                          context=_("读取窗口人员"))

    def _set_colleagues(self, colleagues: list[Colleague]) -> None:
        self.colleagues = colleagues
        for combo in (self.source, self.target):
            combo.blockSignals(True)
            combo.clear()
            for person in colleagues:
                window = f"（{person.window}）" if person.window else ""
                combo.addItem(f"{person.display_name} {person.username}{window}",
                              person.username)
            combo.blockSignals(False)
        self.load_open()

    def load_open(self) -> None:
        username = self.source.currentData()
        if self.target.currentData() == username and self.target.count() > 1:
            self.target.setCurrentIndex((self.source.currentIndex() + 1) % self.target.count())
        if not username:
            self.model.set_items([])
            return
        self.taskman.read(lambda: self.reassign.open_applications(self.actor, username),
                          on_success=self._set_open, on_error=self._failed,
                          context=_("读取未结办件"))

    def _set_open(self, items: list[OpenApplication]) -> None:
        self.model.set_items(items)
        note = _("共 {n} 件未结办件").format(n=len(items))
        if self._done_text:
            self.message.show_ok(f"{self._done_text}；{note}")
            self._done_text = ""
        else:
            self.message.show_note(note)

    def chosen_numbers(self) -> list[str]:
        rows = self.table.selectionModel().selectedRows()
        return [self.model.item(index.row()).number for index in rows]

    def _selection_changed(self, *_args: object) -> None:
        count = len(self.chosen_numbers())
        self.hand_over_button.setEnabled(count > 0 and not self._busy)
        self.hand_over_button.setText(_("移交 {n} 件(&H)").format(n=count) if count
                                      else _("移交(&H)"))

    def _ask(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, _("确认移交"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(_("移交"))
        box.button(QMessageBox.StandardButton.No).setText(_("取消"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def hand_over(self) -> None:
        source, target = self.source.currentData(), self.target.currentData()
        reason, numbers = self.reason.text(), self.chosen_numbers()
        if not numbers:  # nothing selected hands over nothing, never "everything"
            self.message.show_error(_("请先在列表中选择要移交的办件（Ctrl+A 全选）"))
            return
        if not self.ask(_("将 {n} 件办件由 {a} 移交给 {b}？").format(
                n=len(numbers), a=self.source.currentText(), b=self.target.currentText())):
            return
        self._busy = True
        self.hand_over_button.setEnabled(False)
        self.taskman.write(
            lambda: self.reassign.hand_over(self.actor, source, target, reason, numbers),
            on_success=self._done, on_error=self._failed, context=_("AB岗移交"))

    def _done(self, summary: HandoverSummary) -> None:
        self._busy = False
        self._done_text = _("已将 {n} 件移交给 {to}").format(
            n=len(summary.numbers), to=self.target.currentText())
        self.message.show_ok(self._done_text)
        self.load_open()

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        self._selection_changed()
        if isinstance(exc, (ValueError, PermissionError)):
            self.message.show_error(str(exc))
        else:
            self.message.clear_message()
