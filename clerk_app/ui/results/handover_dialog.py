"""Result handover at the window (统一窗口出件): scan the notice, check the collector, print the 送达回证.

The clerk scans the barcode of the applicant's notice (or types the number); the dialog shows
whether the result is ready and, if not, why (the promised completion date, owed 容缺
materials). The collector's document number is checked as it is typed and, once valid, against
the application (本人/代领/单位经办人). Confirming hands over in one service call and then
renders the 送达回证, which a callback previews and prints. Nothing here blocks: every service
call runs through the TaskManager.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.handover import MAX_ITEM_COUNT, Collector, CollectorRole, ResultItem
from clerk_app.domain.identity import DocumentType, validate_document
from clerk_app.i18n import _
from clerk_app.services.intake.notices import RenderedNotice
from clerk_app.services.results.handover import (
    HandoverResult,
    HandoverService,
    Readiness,
    ResultsError,
)
from clerk_app.services.station.context import Actor
from clerk_app.ui.errors import is_user_error, problems_of
from clerk_app.ui.intake.person_form import NATURAL_DOCUMENTS
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import ERROR_COLOUR, OK_COLOUR, MessageLine, h_line, plain_label

T = TypeVar("T")
CONFIRM_KEYS = "Ctrl+Enter"


def attempt(task: Callable[[], T]) -> Callable[[], T | ResultsError]:
    """Run `task`, handing a ResultsError back as a value (shown in the dialog, not as a fault)."""
    def run() -> T | ResultsError:
        try:
            return task()
        except ResultsError as exc:
            return exc
    return run


class ItemsEditor(QWidget):
    """The things handed over or posted: a name and a number of copies per row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([_("名称（证照、批文、决定书）"), _("份数")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(1, 70)
        self.table.setMinimumHeight(96)
        self.table.setMaximumHeight(150)
        layout.addWidget(self.table, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton(_("添加一项"))
        self.remove_button = QPushButton(_("删除所选"))
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add(ResultItem(""), edit=True))
        self.remove_button.clicked.connect(self._remove)

    def set_items(self, items: tuple[ResultItem, ...] | list[ResultItem]) -> None:
        self.table.setRowCount(0)
        for item in items:
            self.add(item)

    def add(self, item: ResultItem, *, edit: bool = False) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(item.name)
        self.table.setItem(row, 0, name)
        count = QSpinBox()
        count.setRange(1, MAX_ITEM_COUNT)
        count.setValue(max(1, min(item.count, MAX_ITEM_COUNT)))
        self.table.setCellWidget(row, 1, count)
        if edit:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(name)

    def _remove(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)

    def items(self) -> list[ResultItem]:
        result = []
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 0)
            count = self.table.cellWidget(row, 1)
            name = cell.text().strip() if cell is not None else ""
            if name:
                result.append(ResultItem(name, count.value() if isinstance(count, QSpinBox)
                                         else 1))
        return result


class HandoverDialog(QDialog):
    """Scan -> readiness -> collector -> items -> confirm -> 送达回证.

    Signals:
        handed_over(object): the HandoverResult, after the handover was written.
    """

    handed_over = Signal(object)

    def __init__(self, handover: HandoverService, actor: Actor, taskman: TaskManager,
                 on_receipt: Callable[[RenderedNotice], None], *, number: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = handover
        self.actor = actor
        self.taskman = taskman
        self.on_receipt = on_receipt
        self.readiness: Readiness | None = None
        self.handover_result: HandoverResult | None = None
        self.setWindowTitle(_("出件：办理结果领取"))
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        number_label = plain_label(_("办件编号(&N)"))
        self.number = QLineEdit(number)
        self.number.setPlaceholderText(_("扫描通知书条码或输入编号，按 Enter 查询"))
        self.number.setMaxLength(40)
        number_label.setBuddy(self.number)
        self.look_button = QPushButton(_("查询"))
        self.look_button.setAutoDefault(False)
        row.addWidget(number_label)
        row.addWidget(self.number, 1)
        row.addWidget(self.look_button)
        layout.addLayout(row)
        self.matter = plain_label(wrap=True)
        self.matter.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.summary = plain_label(wrap=True)
        self.verdict = plain_label(wrap=True)
        self.verdict.setStyleSheet("font-weight: bold;")
        self.notes = MessageLine()
        for widget in (self.matter, self.summary, self.verdict, self.notes):
            layout.addWidget(widget)
        layout.addWidget(h_line())

        self.collector_box = QGroupBox(_("领取人"))
        form = QFormLayout(self.collector_box)
        roles = QHBoxLayout()
        self.roles = QButtonGroup(self)
        self.role_buttons: dict[CollectorRole, QRadioButton] = {}
        for role in CollectorRole:
            button = QRadioButton(role.label)
            self.roles.addButton(button)
            self.role_buttons[role] = button
            roles.addWidget(button)
        roles.addStretch(1)
        form.addRow(_("领取方式"), roles)
        self.doc_type = QComboBox()
        for doc in NATURAL_DOCUMENTS:
            self.doc_type.addItem(doc.label, doc.value)
        form.addRow(_("证件类型"), self.doc_type)
        self.doc_number = QLineEdit()
        self.doc_number.setMaxLength(40)
        self.doc_number.setPlaceholderText(_("读卡或输入领取人证件号码"))
        self.doc_message = MessageLine()
        form.addRow(_("证件号码"), self.doc_number)
        form.addRow("", self.doc_message)
        self.name = QLineEdit()
        self.name.setMaxLength(100)
        form.addRow(_("姓名"), self.name)
        self.phone = QLineEdit()
        self.phone.setMaxLength(40)
        self.phone.setPlaceholderText(_("可不填"))
        form.addRow(_("联系电话"), self.phone)
        self.id_checked = QCheckBox(_("已核验领取人身份证件原件"))
        self.auth_checked = QCheckBox(_("已核验授权委托书"))
        self.entitlement = MessageLine()
        self.entitlement.setWordWrap(False)
        checks = QWidget()
        checks_layout = QVBoxLayout(checks)
        checks_layout.setContentsMargins(0, 0, 0, 0)
        for check in (self.id_checked, self.auth_checked, self.entitlement):
            checks_layout.addWidget(check)
        form.addRow("", checks)
        layout.addWidget(self.collector_box)

        self.items_box = QGroupBox(_("交付材料"))
        items_layout = QVBoxLayout(self.items_box)
        self.items = ItemsEditor()
        items_layout.addWidget(self.items)
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("备注（可不填）"))
        self.note.setMaxLength(200)
        items_layout.addWidget(self.note)
        layout.addWidget(self.items_box)
        layout.addStretch(1)

        self.problems = MessageLine()
        layout.addWidget(self.problems)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.confirm_button = QPushButton(
            _("确认出件并打印送达回证 ({keys})").format(keys=CONFIRM_KEYS))
        self.confirm_button.setAutoDefault(False)
        self.reprint_button = QPushButton(_("补打送达回证"))
        self.reprint_button.setAutoDefault(False)
        self.reprint_button.hide()
        self.close_button = QPushButton(_("关闭 (Esc)"))
        self.close_button.setAutoDefault(False)
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(300)
        self._check_timer.timeout.connect(self._check_collector)
        self._check_seq = 0
        self._summary: tuple[str, str] = ("", "")
        self.number.returnPressed.connect(self.look_up)
        self.look_button.clicked.connect(self.look_up)
        self.roles.buttonToggled.connect(self._role_toggled)
        self.doc_type.currentIndexChanged.connect(lambda _i: self._collector_edited())
        for editor in (self.doc_number, self.name):
            editor.textChanged.connect(lambda _t: self._collector_edited())
        for box in (self.id_checked, self.auth_checked):
            box.toggled.connect(lambda _on: self._collector_edited())
        self.confirm_button.clicked.connect(self.confirm)
        self.reprint_button.clicked.connect(lambda: self.print_receipt(reprint=True))
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.confirm)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.confirm)
        self._show_readiness(None)
        self.resize(720, 700)
        if number:
            QTimer.singleShot(0, self.look_up)

    # -- readiness --------------------------------------------------------------------------

    def look_up(self) -> None:
        text = self.number.text().strip()
        if not text:
            self.verdict.setText(_("请扫描或输入办件编号"))
            return
        self.verdict.setText(_("正在查询……"))
        self.taskman.read(attempt(lambda: self.service.readiness(text)),
                          on_success=self._readiness_arrived, context=_("查询办理结果"))

    def _readiness_arrived(self, value: Readiness | ResultsError) -> None:
        if isinstance(value, ResultsError):
            self._show_readiness(None)
            self._say(self.verdict, "\n".join(value.problems), ERROR_COLOUR)
            return
        self._show_readiness(value)

    def _show_readiness(self, ready: Readiness | None) -> None:
        self.readiness = ready
        self.handover_result = None
        self.reprint_button.hide()
        self.problems.clear_message()
        self.notes.clear_message()
        usable = ready is not None and ready.ready
        for widget in (self.collector_box, self.items_box, self.confirm_button):
            widget.setEnabled(usable)
        if ready is None:
            self.matter.setText("")
            self.summary.setText("")
            self.verdict.setText("")
            return
        due = ""
        if ready.due_date:
            due = _("，承诺办结日期 {d}").format(d=ready.due_date.isoformat())
        agent = _("，代理人 {name}").format(name=ready.agent_name) if ready.agent_name else ""
        self.matter.setText(f"{ready.number}　{ready.matter_name}")
        self._summary = (agent, due)
        self._show_summary(ready, ready.status.label, ready.visits)
        if not ready.ready:
            self._say(self.verdict, _("不能出件：") + "\n".join(ready.problems), ERROR_COLOUR)
            return
        self._say(self.verdict, _("办理结果可以领取，请核验领取人身份"), OK_COLOUR)
        if ready.notes:
            self.notes.show_note("\n".join(ready.notes))
        unit = ready.applicant_type == "legal_person"
        for role, button in self.role_buttons.items():
            button.setEnabled((role is CollectorRole.UNIT_CONTACT) == unit)
        first = CollectorRole.UNIT_CONTACT if unit else CollectorRole.APPLICANT
        self.role_buttons[first].setChecked(True)
        self.items.set_items(ready.suggested_items)
        self._role_changed()
        self.doc_number.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_summary(self, ready: Readiness, status: str, visits: int) -> None:
        agent, due = self._summary
        self.summary.setText(_("申请人 {name}（{doc}）{agent}\n状态：{status}{due}；"
                               "已跑动 {visits} 次；结果送达方式：{delivery}").format(
            name=ready.applicant_name, doc=ready.applicant_document,
            agent=agent, status=status, due=due, visits=visits,
            delivery=ready.delivery_method))

    @staticmethod
    def _say(label: QLabel, text: str, colour: str) -> None:
        label.setStyleSheet(f"font-weight: bold; color: {colour};")
        label.setText(text)

    # -- collector --------------------------------------------------------------------------

    def role(self) -> CollectorRole:
        for role, button in self.role_buttons.items():
            if button.isChecked():
                return role
        return CollectorRole.APPLICANT

    def _role_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._role_changed()

    def _role_changed(self) -> None:
        applicant = self.role() is CollectorRole.APPLICANT
        self.auth_checked.setVisible(not applicant)
        self.auth_checked.setText(_("已核验授权委托书（或法定代表人身份证明书）")
                                  if self.role() is CollectorRole.UNIT_CONTACT
                                  else _("已核验授权委托书"))
        if applicant and self.readiness is not None and not self.name.text().strip():
            self.name.setText(self.readiness.applicant_name)
        elif not applicant and self.readiness is not None and (
                self.name.text().strip() == self.readiness.applicant_name):
            self.name.clear()
        self._collector_edited()

    def collector(self) -> Collector:
        return Collector(role=self.role(), name=self.name.text(),
                         doc_type=str(self.doc_type.currentData()),
                         doc_number=self.doc_number.text(), id_checked=self.id_checked.isChecked(),
                         authorisation_checked=self.auth_checked.isChecked()
                         and self.role() is not CollectorRole.APPLICANT,
                         phone=self.phone.text())

    def _collector_edited(self) -> None:
        # Anything said about the previous collector is stale now: the verdict of the last
        # check and the refusal of the last confirm attempt go, a new check follows.
        self._check_seq += 1
        self.entitlement.clear_message()
        if self.handover_result is None:
            self.problems.clear_message()
        text = self.doc_number.text().strip()
        if not text:
            self.doc_message.clear_message()
            return
        checked = validate_document(DocumentType(str(self.doc_type.currentData())), text)
        if not checked.ok:
            self.doc_message.show_error(checked.reason)
            return
        # A well-formed number is not yet the right one: the check against the application
        # (below) gives the only verdict, red or green.
        self.doc_message.show_note(_("号码格式正确，正在与办件核对……"))
        if self.readiness is not None and self.readiness.ready:
            self._check_timer.start()

    def _check_collector(self) -> None:
        ready, who, seq = self.readiness, self.collector(), self._check_seq
        if ready is None:
            return
        self.taskman.read(attempt(lambda: self.service.check_collector(ready.number, who)),
                          on_success=lambda value: self._entitlement_arrived(value, seq),
                          context=_("核验领取人"))

    def _entitlement_arrived(self, value: list[str] | ResultsError, seq: int) -> None:
        if seq != self._check_seq:
            return  # the collector was edited since: a newer check is on its way
        problems = value.problems if isinstance(value, ResultsError) else value
        self.doc_message.clear_message()
        if problems:
            self.entitlement.show_error("\n".join(problems))
        else:
            self.entitlement.show_ok(_("领取人核验通过"))

    # -- confirming -------------------------------------------------------------------------

    def confirm(self) -> None:
        ready = self.readiness
        if ready is None or not ready.ready or self.handover_result is not None:
            return
        who, items, note = self.collector(), self.items.items(), self.note.text()
        self.confirm_button.setEnabled(False)
        self.problems.show_note(_("正在登记出件……"))
        self.taskman.write(
            attempt(lambda: self.service.hand_over(self.actor, ready.number, who, items,
                                                   note=note)),
            on_success=self._handed_over, on_error=self._failed, context=_("登记出件"))

    def _failed(self, exc: Exception) -> None:
        self.confirm_button.setEnabled(True)
        if is_user_error(exc):  # e.g. PermissionDenied
            self.problems.show_error("\n".join(problems_of(exc)))
        else:  # a program fault: the reporter has shown it
            self.problems.clear_message()

    def _handed_over(self, value: HandoverResult | ResultsError) -> None:
        if isinstance(value, ResultsError):
            self.confirm_button.setEnabled(True)
            self.problems.show_error("\n".join(value.problems))
            return
        self.handover_result = value
        for widget in (self.collector_box, self.items_box, self.confirm_button):
            widget.setEnabled(False)
        if self.readiness is not None:  # the header says what the case is now
            self._show_summary(self.readiness, value.status.label, value.visits)
        self._say(self.verdict, _("已出件（第 {n} 次跑动）。请领取人在送达回证上签名").format(
            n=value.visits), OK_COLOUR)
        self.problems.show_note(_("正在生成送达回证……"))
        self.handed_over.emit(value)
        self.print_receipt()

    def print_receipt(self, reprint: bool = False) -> None:
        """Render the 送达回证 of the handover just made and hand it to the preview callback."""
        result = self.handover_result
        if result is None:
            return
        self.taskman.write(
            lambda: self.service.print_service_receipt(self.actor, result.handover_id,
                                                       reprint=reprint),
            on_success=self._receipt_ready, context=_("生成送达回证"))

    def _receipt_ready(self, rendered: RenderedNotice) -> None:
        self.problems.show_ok(_("送达回证已生成"))
        self.reprint_button.show()
        self.on_receipt(rendered)
