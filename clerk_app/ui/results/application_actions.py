"""Opening an application (scanned, typed or picked from a list) and doing what the view asks.

`ApplicationActions.open(number)` reads the application off the GUI thread and shows it in one
`ApplicationDialog` (reused: a new scan replaces what it shows). Its actions go to the dialogs
others wrote — HandoverDialog (出件, its 送达回证 previewed through `NoticeFlow`), PostalDialog
(邮寄送达), the clock dialogs (暂停计时 / 恢复计时 / 延期, for those allowed) — or back to the
intake (补交材料). Whatever is written is announced by `changed(number)`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QWidget

from clerk_app.i18n import _
from clerk_app.services.intake.application_view import ApplicationDetails, ApplicationViewService
from clerk_app.services.results.handover import HandoverResult, HandoverService, ResultsError
from clerk_app.services.results.postal import PostalService
from clerk_app.services.station.context import Actor
from clerk_app.services.time_limits.clock import ClockService
from clerk_app.ui.errors import is_user_error, problems_of
from clerk_app.ui.results.application_dialog import Action, ApplicationDialog
from clerk_app.ui.results.clock_dialogs import (
    ClockDialog,
    ExtensionDialog,
    ExtensionRequest,
    PauseRequest,
    ResumeDialog,
    ResumeRequest,
    SpecialPauseDialog,
)
from clerk_app.ui.results.handover_dialog import HandoverDialog, attempt
from clerk_app.ui.results.notice_flow import NoticeFlow
from clerk_app.ui.results.postal_dialog import PostalDialog
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import fit_to_screen

log = logging.getLogger(__name__)


class ApplicationActions(QObject):
    """The application view and its actions, for one signed-in clerk.

    Signals:
        changed(str): something of this application was written (lists refresh).
    """

    changed = Signal(str)

    def __init__(self, view: ApplicationViewService, handover: HandoverService,
                 postal: PostalService, clock: ClockService, flow: NoticeFlow, actor: Actor,
                 taskman: TaskManager, window: QWidget, *, reopen: Callable[[str], None],
                 today: Callable[[], date]) -> None:
        super().__init__(window)
        self.view = view
        self.handover = handover
        self.postal = postal
        self.clock = clock
        self.flow = flow
        self.actor = actor
        self.taskman = taskman
        self.window = window
        self.reopen = reopen
        self.today = today
        self.dialog: ApplicationDialog | None = None
        self.child: QDialog | None = None  # the dialog an action opened (tests look at it)

    # -- the view -------------------------------------------------------------------------------

    def open(self, number: str) -> ApplicationDialog:
        """Show the application `number` (loading it off the GUI thread)."""
        dialog = self.dialog
        if dialog is None:
            dialog = ApplicationDialog(self.window)
            dialog.requested.connect(self._requested)
            dialog.destroyed.connect(lambda *_args: setattr(self, "dialog", None))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            self.dialog = dialog
        dialog.show_loading(number)
        if not dialog.isVisible():
            dialog.open()
        dialog.raise_()
        dialog.activateWindow()
        self.load(number)
        return dialog

    def load(self, number: str) -> None:
        self.taskman.read(attempt(lambda: self.view.details(self.actor, number)),
                          on_success=lambda found: self._loaded(number, found),
                          context=_("读取办件详情"))

    def _loaded(self, number: str, found: ApplicationDetails | ResultsError) -> None:
        dialog = self.dialog
        if dialog is None or dialog.number.text() != number:
            return  # closed, or another application was asked for meanwhile
        if isinstance(found, ResultsError):
            dialog.show_problem(number, "\n".join(found.problems))
        else:
            dialog.show_details(found)

    def _reload(self, number: str) -> None:
        self.changed.emit(number)
        if self.dialog is not None and self.dialog.number.text() == number:
            self.load(number)

    def _requested(self, action: str) -> None:
        dialog = self.dialog
        details = dialog.details if dialog is not None else None
        if dialog is None or details is None:
            return
        number = details.number
        chosen = Action(action)
        if chosen is Action.REOPEN:
            dialog.accept()
            self.window.activateWindow()  # back to the intake, keyboard and all
            self.reopen(number)
        elif chosen is Action.HAND_OVER:
            self.hand_over(number, dialog)
        elif chosen is Action.POST:
            self.post(number, dialog)
        elif chosen is Action.REPRINT:
            self.flow.reprint(number, dialog, done=lambda: self._reload(number))
        elif chosen is Action.VIEW_NOTICE:
            self.flow.view(number, dialog)
        else:
            self._clock(chosen, details, dialog)

    # -- results --------------------------------------------------------------------------------

    def hand_over(self, number: str = "", parent: QWidget | None = None) -> HandoverDialog:
        """出件 (also from the menu, with the number still to scan)."""
        owner = parent or self.window
        dialog = HandoverDialog(self.handover, self.actor, self.taskman,
                                lambda rendered: self.flow.preview(rendered, parent=dialog),
                                number=number, parent=owner)
        dialog.handed_over.connect(lambda result: self._handed_over(dialog, result))
        self._show(dialog, lambda: self._reload(dialog.number.text().strip()))
        return dialog

    def _handed_over(self, dialog: HandoverDialog, result: HandoverResult) -> None:
        self.changed.emit(result.number)
        if result.rating_visit_id is not None:
            self.flow.offer_rating(result.number, result.rating_visit_id, after=dialog)

    def post(self, number: str = "", parent: QWidget | None = None) -> PostalDialog:
        """邮寄送达 (also from the menu)."""
        dialog = PostalDialog(self.postal, self.handover, self.actor, self.taskman,
                              number=number, today=self.today, parent=parent or self.window)
        dialog.changed.connect(lambda row: self.changed.emit(row.number))
        self._show(dialog, lambda: self._reload(dialog.number.text().strip()))
        return dialog

    def _show(self, dialog: QDialog, closed: Callable[[], None]) -> None:
        fit_to_screen(dialog)  # 出件 and 邮寄 are 700+ pixels tall
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.finished.connect(lambda _code: closed())
        dialog.destroyed.connect(lambda *_args: self._forget_child(dialog))
        self.child = dialog
        dialog.open()

    def _forget_child(self, dialog: QDialog) -> None:
        if self.child is dialog:
            self.child = None

    # -- the clock (supervisors) ----------------------------------------------------------------

    def _clock(self, action: Action, details: ApplicationDetails, parent: QWidget) -> None:
        clock = details.clock
        if clock is None:
            return
        number, today = details.number, self.today()
        dialog: ClockDialog
        if action is Action.PAUSE:
            dialog = SpecialPauseDialog(number, today, lambda request: self._send(
                dialog, number, self._pause_task(request)), parent)
        elif action is Action.RESUME and clock.special_pause_since is not None:
            dialog = ResumeDialog(number, today, clock.special_pause_since,
                                  clock.special_pause_reason or _("特别程序"),
                                  lambda request: self._send(dialog, number,
                                                             self._resume_task(request)),
                                  parent)
        elif action is Action.EXTEND:
            dialog = ExtensionDialog(number, clock.extension_left, lambda request: self._send(
                dialog, number, self._extend_task(request)), parent)
        else:
            return
        self._show(dialog, lambda: None)

    def _pause_task(self, request: PauseRequest) -> Callable[[], Any]:
        return lambda: self.clock.pause(self.actor, request.number, request.kind,
                                        request.reason, request.expected_end)

    def _resume_task(self, request: ResumeRequest) -> Callable[[], Any]:
        return lambda: self.clock.resume(self.actor, request.number, request.on)

    def _extend_task(self, request: ExtensionRequest) -> Callable[[], Any]:
        return lambda: self.clock.extend(self.actor, request.number, request.days,
                                         request.approver, request.reason)

    def _send(self, dialog: ClockDialog, number: str, task: Callable[[], Any]) -> None:
        def failed(exc: Exception) -> None:
            dialog.failed("\n".join(problems_of(exc)) if is_user_error(exc)
                          else _("程序出错，未能保存，请重试或联系技术支持"))

        def done(_state: object) -> None:
            dialog.succeeded()
            self._reload(number)

        self.taskman.write(task, on_success=done, on_error=failed, context=dialog.windowTitle())
