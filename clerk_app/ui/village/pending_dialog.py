"""At the centre: the village points' slips not checked in yet (在途), late ones in red;
Enter opens the selected slip as a scan would."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QPushButton, QVBoxLayout, QWidget

from clerk_app.i18n import _
from clerk_app.services.village.centre import PendingSlip
from clerk_app.ui.village.tables import CaseTable
from clerk_app.ui.widgets import MessageLine, fit_to_screen


class PendingSlipsDialog(QDialog):
    """The slips still 在途 at the centre."""

    def __init__(self, slips: list[PendingSlip], open_slip: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle(_("在途交接单（代办点已送出、中心未收齐）"))
        self.open_slip = open_slip
        layout = QVBoxLayout(self)
        self.summary = MessageLine()
        layout.addWidget(self.summary)
        self.table = CaseTable([_("交接单编号"), _("代办点"), _("代办员"), _("送出日期"),
                                _("未收件/件数"), _("提醒")])
        layout.addWidget(self.table, 1)
        late = [s.overdue for s in slips]
        self.table.fill([[s.number, s.point_name, s.agent_name,
                          s.sent_on.isoformat() if s.sent_on else "",
                          f"{s.waiting}/{s.cases}",
                          _("超过规定工作日仍未收件，请联系代办点") if s.overdue else ""]
                         for s in slips], late)
        if any(late):
            self.summary.show_error(_("{n} 张交接单在途已超过规定工作日：请与代办点核对").format(
                n=sum(late)))
        else:
            self.summary.show_note(_("在途交接单 {n} 张（选中后按 Enter 打开收件）").format(
                n=len(slips)))
        close = QPushButton(_("关闭 (Esc)"))
        close.clicked.connect(self.reject)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self._open)
        self.table.itemDoubleClicked.connect(lambda _item: self._open())
        self.resize(900, 420)
        fit_to_screen(self)
        self.table.setFocus()

    def _open(self) -> None:
        number = self.table.current_number()
        if number:
            self.open_slip(number)
