"""At the centre: a scanned 材料交接单 opens here; the clerk checks each case against the paper
and the village point's page images, checks it in (中心已收件) and decides it at the counter
(受理 / 一次性补正 / 不予受理)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from clerk_app.domain.application import ApplicationStatus
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.village.centre import CentreBatchService, IncomingBatch
from clerk_app.services.village.centre_pages import CentrePages
from clerk_app.sync.api import PlatformError
from clerk_app.ui.errors import problems_of
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.village.case_pages_panel import CasePagesPanel, PageFetcher
from clerk_app.ui.village.tables import CaseTable
from clerk_app.ui.widgets import MessageLine, fit_to_screen, plain_label

Fetcher = Callable[[str], dict[str, Any]]


class CentreBatchDialog(QDialog):
    """One slip's cases with their paper; Ctrl+R 收件, Ctrl+Enter 受理/补正 at the counter.

    Signals:
        decide(str): open this case at the counter (intake reopen).
    """

    decide = Signal(str)

    def __init__(self, centre: CentreBatchService, actor: Actor, taskman: TaskManager,
                 fetch: Fetcher, number: str, pages: CentrePages, fetch_pages: PageFetcher,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.centre, self.actor, self.taskman, self.fetch = centre, actor, taskman, fetch
        self.number = number
        self.batch: IncomingBatch | None = None
        self.setWindowTitle(_("材料交接单 {n}").format(n=number))
        layout = QVBoxLayout(self)
        self.heading = plain_label(_("正在从平台读取交接单……"), wrap=True)
        layout.addWidget(self.heading)
        self.table = CaseTable([_("办件编号"), _("事项"), _("申请人"), _("状态"),
                                _("代收时告知缺件"), _("材料（实收/应交份数）")])
        layout.addWidget(self.table, 1)
        self.pages = CasePagesPanel(pages, actor, taskman, fetch_pages)
        layout.addWidget(self.pages)
        self.message = MessageLine()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.receive_button = QPushButton(_("核对无误，收件 (Ctrl+R)"))
        self.decide_button = QPushButton(_("受理 / 补正 / 不予受理… (Ctrl+Enter)"))
        self.close_button = QPushButton(_("关闭 (Esc)"))
        for button in (self.receive_button, self.decide_button, self.close_button):
            button.setAutoDefault(False)  # Enter opens a page or a case, never closes
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+R"), self, self.receive)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.open_case)
        self.receive_button.clicked.connect(self.receive)
        self.decide_button.clicked.connect(self.open_case)
        self.close_button.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._buttons)
        self.table.itemSelectionChanged.connect(self._case_pages)
        self.resize(1100, 640)
        fit_to_screen(self)
        self._buttons()
        self.load()

    def load(self) -> None:
        number, centre, fetch = self.number, self.centre, self.fetch

        def ask() -> dict[str, Any] | PlatformError | None:
            if centre.known(number):
                return None
            try:
                return fetch(number)
            except PlatformError as exc:  # offline, not found: said in words below
                return exc

        # the platform is asked on a reader thread; the import is one write
        self.taskman.read(ask, on_success=self._fetched, on_error=self._failed,
                          context=_("从平台读取交接单"))

    def _fetched(self, document: dict[str, Any] | PlatformError | None) -> None:
        if isinstance(document, PlatformError):
            self.heading.setText(_("无法从平台读取交接单：{m}").format(m=document.message))
            return
        number, centre, actor = self.number, self.centre, self.actor
        self.taskman.write(lambda: centre.open_batch(actor, number, lambda _n: document or {}),
                           on_success=self._show, on_error=self._failed,
                           context=_("打开交接单"))

    def _show(self, batch: IncomingBatch) -> None:
        self.batch = batch
        self.heading.setText(_("{point}　代办员 {agent}　{sent} 送出　共 {n} 件：逐件核对纸质材料，"
                               "无误后收件，再在窗口作出受理决定——收件后5日内须受理、一次告知补正"
                               "或不予受理（行政许可法第三十二条）；承诺时限从中心受理之日起算。")
                             .format(point=batch.point_name, agent=batch.agent_name,
                                     sent=batch.sent_on.isoformat(), n=len(batch.cases)))
        current = self.table.currentRow()
        self.table.fill([[c.number, c.matter_name, c.applicant_masked, c.status_label,
                          "\n".join(c.missing) or _("无"),
                          "\n".join(f"{m[0]}　{m[2]}/{m[3]}" for m in c.materials)]
                         for c in batch.cases])
        if 0 <= current < self.table.rowCount():
            self.table.selectRow(current)
        self.table.setFocus()
        self._buttons()
        self._case_pages()

    def _case_pages(self) -> None:
        number = self.table.current_number()
        if self.batch is not None and number and number != self.pages.number:
            self.pages.show_case(number)

    def _status(self) -> ApplicationStatus | None:
        if self.batch is None:
            return None
        number = self.table.current_number()
        return next((c.status for c in self.batch.cases if c.number == number), None)

    def _buttons(self) -> None:
        status = self._status()
        self.receive_button.setEnabled(status is ApplicationStatus.IN_TRANSIT)
        self.decide_button.setEnabled(status is ApplicationStatus.CENTRE_RECEIVED)
        self.decide_button.setToolTip("" if status is ApplicationStatus.CENTRE_RECEIVED
                                      else _("先核对纸质材料并收件"))

    def receive(self) -> None:
        if self._status() is not ApplicationStatus.IN_TRANSIT:
            return
        number, case = self.number, self.table.current_number()
        centre, actor = self.centre, self.actor

        def work() -> IncomingBatch:
            centre.receive(actor, number, case)
            return centre.batch(actor, number)

        self.taskman.write(work, on_success=self._received, on_error=self._failed,
                           context=_("收件"))

    def _received(self, batch: IncomingBatch) -> None:
        self._show(batch)
        self.message.show_ok(_("已收件：{n}。按 Ctrl+Enter 在窗口作出受理决定").format(
            n=self.table.current_number()))

    def open_case(self) -> None:
        if self._status() is ApplicationStatus.CENTRE_RECEIVED:
            self.decide.emit(self.table.current_number())

    def _failed(self, exc: Exception) -> None:
        self.message.show_error("；".join(problems_of(exc)))
