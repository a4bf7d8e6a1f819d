"""The agent's dialogs: choose the cases to carry (材料交接单) and watch what is 在途."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.village.batches import CaseRow, VillageBatchService
from clerk_app.ui.errors import problems_of
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.village.tables import CaseTable
from clerk_app.ui.widgets import MessageLine, fit_to_screen, plain_label


class CarryDialog(QDialog):
    """代收 cases not yet carried; the ticked ones go on a new 材料交接单.

    Signals:
        made(str, bytes): the slip number and its PDF.
    """

    made = Signal(str, bytes)

    def __init__(self, batches: VillageBatchService, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.batches, self.actor, self.taskman = batches, actor, taskman
        self.setWindowTitle(_("材料交接单：选择送交中心的办件"))
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_(
            "勾选今天要带到中心的代收件（空格键勾选/取消），生成交接单后打印两份："
            "代办员与中心窗口人员各签一份。"), wrap=True))
        self.table = CaseTable([_("办件编号"), _("事项"), _("申请人"), _("代收时间"),
                                _("一次性告知缺件")], checkable=True)
        layout.addWidget(self.table, 1)
        self.message = MessageLine()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.make_button = QPushButton(_("生成交接单并预览 (Ctrl+Enter)"))
        self.close_button = QPushButton(_("关闭 (Esc)"))
        buttons.addWidget(self.make_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.make)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self.table, self.table.toggle_current)
        self.make_button.clicked.connect(self.make)
        self.close_button.clicked.connect(self.reject)
        self.resize(900, 480)
        fit_to_screen(self)
        self.busy = False
        self.load()

    def load(self) -> None:
        self.taskman.read(lambda: self.batches.to_carry(self.actor), on_success=self._show,
                          on_error=self._failed, context=_("读取待送交的代收件"))

    def _show(self, rows: list[CaseRow]) -> None:
        self.table.fill([[r.number, r.matter_name, r.applicant_masked,
                          r.collected_at.strftime("%m-%d %H:%M") if r.collected_at else "",
                          str(r.missing) if r.missing else _("无")] for r in rows])
        if not rows:
            self.message.show_note(_("没有待送交的代收件"))
        self.make_button.setEnabled(bool(rows))
        self.table.setFocus()

    def make(self) -> None:
        numbers = self.table.numbers(checked_only=True)
        if self.busy:
            return
        if not numbers:
            self.message.show_error(_("请先勾选要送交中心的办件"))
            return
        self.busy = True

        def work() -> tuple[str, bytes]:
            number = self.batches.make_batch(self.actor, numbers)
            return number, self.batches.slip_pdf(self.actor, number)

        self.taskman.write(work, on_success=self._made, on_error=self._failed,
                           context=_("生成材料交接单"))

    def _made(self, result: tuple[str, bytes]) -> None:
        self.busy = False
        self.made.emit(*result)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.message.show_error("；".join(problems_of(exc)))


class TransitDialog(QDialog):
    """Cases on a slip the centre has not checked in yet; late ones in red."""

    def __init__(self, batches: VillageBatchService, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle(_("在途办件（已交接、中心未收件）"))
        layout = QVBoxLayout(self)
        self.summary = MessageLine()
        layout.addWidget(self.summary)
        self.table = CaseTable([_("办件编号"), _("事项"), _("申请人"), _("交接单"),
                                _("送出日期"), _("提醒")])
        layout.addWidget(self.table, 1)
        close = QPushButton(_("关闭 (Esc)"))
        close.clicked.connect(self.reject)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(900, 420)
        fit_to_screen(self)
        taskman.read(lambda: batches.in_transit(actor), on_success=self._show,
                     on_error=lambda exc: self.summary.show_error("；".join(problems_of(exc))),
                     context=_("读取在途办件"))

    def _show(self, rows: list[CaseRow]) -> None:
        late = [r.overdue for r in rows]
        self.table.fill([[r.number, r.matter_name, r.applicant_masked, r.batch,
                          r.sent_on.isoformat() if r.sent_on else "",
                          _("超过规定工作日仍未接收，请联系中心") if r.overdue else ""]
                         for r in rows], late)
        if any(late):
            self.summary.show_error(_("{n} 件在途已超过规定工作日，中心仍未接收：请与中心核对"
                                      "（中心负责人同样会看到）").format(n=sum(late)))
        else:
            self.summary.show_note(_("在途 {n} 件").format(n=len(rows)))
