"""AB岗 handover (AB岗移交): the A-post clerk's open applications to the B-post clerk.

Choose A, see A's applications that still need someone (all ticked by default: select rows
to hand over only those), choose B, give the reason, hand over. The service checks the
permission, writes one audited transaction and refuses what makes no sense (same person,
disabled account, nothing to hand over).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.context import Actor
from clerk_app.services.reassign import Colleague, HandoverSummary, OpenApplication, ReassignService
from clerk_app.ui.supervisor.models import open_applications_model
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label


class HandoverDialog(QDialog):
    """Pick A, B and the reason; the selected rows (or all) move to B."""

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
        layout.addWidget(plain_label(_("A岗的未结办件（不选则全部移交；可按 Ctrl 多选）："),
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

    def chosen_numbers(self) -> list[str] | None:
        rows = self.table.selectionModel().selectedRows()
        return [self.model.item(index.row()).number for index in rows] or None

    def hand_over(self) -> None:
        source, target = self.source.currentData(), self.target.currentData()
        reason, numbers = self.reason.text(), self.chosen_numbers()
        self.hand_over_button.setEnabled(False)
        self.taskman.write(
            lambda: self.reassign.hand_over(self.actor, source, target, reason, numbers),
            on_success=self._done, on_error=self._failed, context=_("AB岗移交"))

    def _done(self, summary: HandoverSummary) -> None:
        self.hand_over_button.setEnabled(True)
        self._done_text = _("已将 {n} 件移交给 {to}").format(
            n=len(summary.numbers), to=self.target.currentText())
        self.message.show_ok(self._done_text)
        self.load_open()

    def _failed(self, exc: Exception) -> None:
        self.hand_over_button.setEnabled(True)
        if isinstance(exc, (ValueError, PermissionError)):
            self.message.show_error(str(exc))
        else:
            self.message.clear_message()
