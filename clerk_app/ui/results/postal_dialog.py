"""Delivery of the result by post (邮寄送达): choose post with the address, dispatch, delivered.

One dialog for the three steps of `PostalService`; the step that fits the application's state
is enabled. The recipient's phone is checked as it is typed. Every call runs on the
TaskManager; a refusal (not ready, wrong matter, bad tracking number) is shown in the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.identity import validate_phone
from clerk_app.i18n import _
from clerk_app.services.results.handover import HandoverService, Readiness, ResultsError
from clerk_app.services.results.postal import COURIERS, PostalRow, PostalService, PostalStage
from clerk_app.services.station.context import Actor
from clerk_app.ui.errors import is_user_error, problems_of
from clerk_app.ui.results.handover_dialog import ItemsEditor, attempt
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label

State = tuple[Readiness, PostalRow | None]


class PostalDialog(QDialog):
    """Choose post, record the dispatch, confirm the delivery.

    Signals:
        changed(object): the PostalRow after any recorded step.
    """

    changed = Signal(object)

    def __init__(self, postal: PostalService, handover: HandoverService, actor: Actor,
                 taskman: TaskManager, *, number: str = "",
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.postal = postal
        self.handover = handover
        self.actor = actor
        self.taskman = taskman
        self.state: State | None = None
        self._recorded = ""  # shown once the state is read again after a recorded step
        self.setWindowTitle(_("邮寄送达"))
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        label = plain_label(_("办件编号(&N)"))
        self.number = QLineEdit(number)
        self.number.setMaxLength(40)
        self.number.setPlaceholderText(_("扫描通知书条码或输入编号，按 Enter 查询"))
        label.setBuddy(self.number)
        row.addWidget(label)
        row.addWidget(self.number, 1)
        layout.addLayout(row)
        self.summary = plain_label(wrap=True)
        self.summary.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.summary)

        self.choose_box = QGroupBox(_("1. 登记邮寄信息（受理时或领取前均可）"))
        form = QFormLayout(self.choose_box)
        self.recipient = QLineEdit()
        self.recipient.setMaxLength(100)
        self.phone = QLineEdit()
        self.phone.setMaxLength(40)
        self.phone_message = MessageLine()
        self.address = QLineEdit()
        self.address.setMaxLength(500)
        self.address.setPlaceholderText(_("省市县（区）乡镇（街道）村（社区）及门牌号"))
        self.choose_button = QPushButton(_("登记邮寄送达"))
        form.addRow(_("收件人"), self.recipient)
        phone_cell = QWidget()
        phone_layout = QVBoxLayout(phone_cell)
        phone_layout.setContentsMargins(0, 0, 0, 0)
        phone_layout.setSpacing(2)
        phone_layout.addWidget(self.phone)
        phone_layout.addWidget(self.phone_message)
        form.addRow(_("收件人电话"), phone_cell)
        form.addRow(_("邮寄地址"), self.address)
        form.addRow("", self.choose_button)
        layout.addWidget(self.choose_box)

        self.dispatch_box = QGroupBox(_("2. 寄出（办理结果已出）"))
        form = QFormLayout(self.dispatch_box)
        self.courier = QComboBox()
        self.courier.setEditable(True)
        self.courier.addItems(COURIERS)
        self.tracking = QLineEdit()
        self.tracking.setMaxLength(40)
        self.items = ItemsEditor()
        self.dispatch_button = QPushButton(_("登记寄出"))
        form.addRow(_("快递公司"), self.courier)
        form.addRow(_("快递单号"), self.tracking)
        form.addRow(_("邮寄材料"), self.items)
        form.addRow("", self.dispatch_button)
        layout.addWidget(self.dispatch_box)

        self.deliver_box = QGroupBox(_("3. 签收"))
        form = QFormLayout(self.deliver_box)
        self.delivered_on = QDateEdit()
        self.delivered_on.setCalendarPopup(True)
        self.delivered_on.setDisplayFormat("yyyy-MM-dd")
        first = today()
        self.delivered_on.setDate(QDate(first.year, first.month, first.day))
        self.signed_by = QLineEdit()
        self.signed_by.setMaxLength(100)
        self.signed_by.setPlaceholderText(_("本人签收或代收人姓名（可不填）"))
        self.deliver_button = QPushButton(_("确认已签收"))
        form.addRow(_("签收日期"), self.delivered_on)
        form.addRow(_("签收人"), self.signed_by)
        form.addRow("", self.deliver_button)
        layout.addWidget(self.deliver_box)
        layout.addStretch(1)

        self.message = MessageLine()
        layout.addWidget(self.message)
        close = QPushButton(_("关闭 (Esc)"))
        close.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        for button in (self.choose_button, self.dispatch_button, self.deliver_button):
            button.setAutoDefault(False)

        self.number.returnPressed.connect(self.look_up)
        self.phone.textChanged.connect(self._phone_edited)
        self.choose_button.clicked.connect(self.choose)
        self.dispatch_button.clicked.connect(self.dispatch)
        self.deliver_button.clicked.connect(self.confirm_delivered)
        close.clicked.connect(self.reject)
        self._show(None)
        self.resize(640, 720)
        if number:
            QTimer.singleShot(0, self.look_up)

    # -- state ------------------------------------------------------------------------------

    def look_up(self) -> None:
        text = self.number.text().strip()
        if not text:
            return

        def load() -> State:
            return self.handover.readiness(text), self.postal.of(self.actor, text)

        self.taskman.read(attempt(load), on_success=self._arrived, context=_("查询邮寄送达"))

    def _arrived(self, value: State | ResultsError) -> None:
        if isinstance(value, ResultsError):
            self._show(None)
            self.message.show_error("\n".join(value.problems))
            return
        self._show(value)

    def _show(self, state: State | None) -> None:
        self.state = state
        recorded, self._recorded = self._recorded, ""
        self.message.show_ok(recorded)
        if state is None:
            self.summary.setText("")
            for box in (self.choose_box, self.dispatch_box, self.deliver_box):
                box.setEnabled(False)
            return
        ready, post = state
        stage = PostalStage(post.stage) if post else None
        closed = ready.status in (ApplicationStatus.HANDED_OVER, ApplicationStatus.DELIVERED,
                                  ApplicationStatus.REFUSED)
        text = _("{n}　{matter}\n状态：{status}；邮寄：{stage}").format(
            n=ready.number, matter=ready.matter_name, status=ready.status.label,
            stage=stage.label if stage else _("未选择"))
        if post and post.tracking_no:
            text += _("；{courier} {no}").format(courier=post.courier, no=post.tracking_no)
        if post and post.stage != PostalStage.CANCELLED:
            text += "\n" + _("收件：{name} {phone} {address}").format(
                name=post.recipient_name, phone=post.recipient_phone, address=post.address)
        self.summary.setText(text)
        self.choose_box.setEnabled(not closed and stage in (None, PostalStage.CHOSEN,
                                                              PostalStage.CANCELLED))
        self.dispatch_box.setEnabled(stage is PostalStage.CHOSEN and ready.ready)
        self.choose_button.setText(_("修改邮寄信息") if stage is PostalStage.CHOSEN
                                   else _("登记邮寄送达"))
        self.deliver_box.setEnabled(stage is PostalStage.DISPATCHED)
        if post is not None:
            self.recipient.setText(post.recipient_name)
        elif not self.recipient.text().strip():
            self.recipient.setText(ready.applicant_name)
        if stage is PostalStage.CHOSEN:
            self.items.set_items(ready.suggested_items)
            if not ready.ready:
                self.message.show_note((recorded + "。" if recorded else "") + _("暂不能寄出：")
                                       + "；".join(ready.problems))
        if stage is PostalStage.DISPATCHED and post and post.dispatched_at:
            sent, today = post.dispatched_at.date(), self.today()
            self.delivered_on.setDateRange(QDate(sent.year, sent.month, sent.day),
                                           QDate(today.year, today.month, today.day))
            self.delivered_on.setDate(QDate(today.year, today.month, today.day))

    def _phone_edited(self, text: str) -> None:
        if not text.strip():
            self.phone_message.clear_message()
            return
        checked = validate_phone(text)
        if checked.ok:
            self.phone_message.show_ok(_("号码有效"))
        else:
            self.phone_message.show_error(checked.reason)

    # -- steps ------------------------------------------------------------------------------

    def _number(self) -> str:
        return self.state[0].number if self.state else self.number.text().strip()

    def _run(self, task: Callable[[], PostalRow], context: str) -> None:
        self.message.show_note(_("正在登记……"))
        self.taskman.write(attempt(task), on_success=self._done, on_error=self._failed,
                           context=context)

    def choose(self) -> None:
        number, name, phone, address = (self._number(), self.recipient.text(),
                                        self.phone.text(), self.address.text())
        self._run(lambda: self.postal.choose(self.actor, number, name, phone, address),
                  _("登记邮寄送达"))

    def dispatch(self) -> None:
        number, courier, tracking = (self._number(), self.courier.currentText(),
                                     self.tracking.text())
        items = self.items.items()
        self._run(lambda: self.postal.dispatch(self.actor, number, courier, tracking, items),
                  _("登记寄出"))

    def confirm_delivered(self) -> None:
        qdate = self.delivered_on.date()
        day = date(qdate.year(), qdate.month(), qdate.day())
        number, who = self._number(), self.signed_by.text()
        self._run(lambda: self.postal.confirm_delivered(self.actor, number, day, who),
                  _("确认签收"))

    def _failed(self, exc: Exception) -> None:
        if is_user_error(exc):
            self.message.show_error("\n".join(problems_of(exc)))
        else:
            self.message.clear_message()

    def _done(self, value: PostalRow | ResultsError) -> None:
        if isinstance(value, ResultsError):
            self.message.show_error("\n".join(value.problems))
            return
        self.changed.emit(value)
        self._recorded = _("已登记：{stage}").format(stage=value.stage_label)
        self.look_up()
