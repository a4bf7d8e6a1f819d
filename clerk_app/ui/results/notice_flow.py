"""From a decision or a handover to paper and a rating: render, preview, then 好差评.

After a decision is confirmed its notice is rendered on the database writer (the service
numbers and audits it), previewed (`NoticePreviewDialog`), and the applicant is offered the
rating of that visit (`RatingDialog`, 一次一评): at once on a second screen facing the
applicant when there is one (without taking the clerk's focus), otherwise when the preview is
closed. Reprints (补打, marked and audited by the service) and view-only previews go the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from clerk_app.i18n import _
from clerk_app.services.intake.notices import NoticeService, RenderedNotice
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.results.ratings import RatingService
from clerk_app.services.station.context import Actor
from clerk_app.ui.results.handover_dialog import attempt
from clerk_app.ui.results.notice_preview import NoticePreviewDialog
from clerk_app.ui.results.rating_dialog import RatingDialog
from clerk_app.ui.taskman import TaskManager

log = logging.getLogger(__name__)


def applicant_screen(widget: QWidget) -> QScreen | None:
    """A screen other than the clerk's (the 评价器 facing the applicant), if there is one."""
    mine = widget.screen()
    return next((s for s in QGuiApplication.screens() if s is not mine), None)


class NoticeFlow(QObject):
    """Renders notices, shows their preview and offers the applicant's rating."""

    def __init__(self, notices: NoticeService, ratings: RatingService, actor: Actor,
                 taskman: TaskManager, window: QWidget, *,
                 status: Callable[[str], None] = lambda _text: None) -> None:
        super().__init__(window)
        self.notices = notices
        self.ratings = ratings
        self.actor = actor
        self.taskman = taskman
        self.window = window
        self.status = status
        self.preview_dialog: NoticePreviewDialog | None = None
        self.rating_dialog: RatingDialog | None = None

    # -- notices --------------------------------------------------------------------------------

    def after_confirm(self, number: str, *, then: Callable[[], None] = lambda: None) -> None:
        """The notice of the decision just confirmed, then the rating of that visit; `then`
        runs once the preview is shown (or the rendering failed)."""
        self.status(_("正在生成通知书……"))
        self.taskman.write(lambda: self.notices.render(self.actor, number),
                           on_success=lambda rendered: self.preview(rendered, rate=True),
                           context=_("生成通知书"), then=then)

    def reprint(self, number: str, parent: QWidget | None = None, *,
                done: Callable[[], None] = lambda: None) -> None:
        """补打: needs the permission; the notice carries the 补打 mark and time."""
        def show(rendered: RenderedNotice) -> None:
            self.preview(rendered, reprint=True, parent=parent)
            done()

        self.taskman.write(lambda: self.notices.render(self.actor, number, reprint=True),
                           on_success=show, context=_("补打通知书"))

    def view(self, number: str, parent: QWidget | None = None) -> None:
        """The current notice, to read only (no print buttons)."""
        self.taskman.write(lambda: self.notices.render(self.actor, number, view_only=True),
                           on_success=lambda rendered: self.preview(rendered, view_only=True,
                                                                    parent=parent),
                           context=_("查看通知书"))

    def preview(self, rendered: RenderedNotice, *, reprint: bool = False,
                view_only: bool = False, rate: bool = False,
                parent: QWidget | None = None) -> None:
        """Show `rendered` (as `preview_dialog`); with `rate`, offer the rating of its visit."""
        dialog = NoticePreviewDialog(rendered, self.taskman, reprint=reprint,
                                     view_only=view_only, parent=parent or self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.destroyed.connect(lambda *_args: self._forget_preview(dialog))
        self.preview_dialog = dialog
        if rendered.unprintable:
            self.status(_("通知书中有无法打印的字符，请看预览顶部的提示"))
        dialog.open()
        if rate:
            self.offer_rating(rendered.number, after=dialog)

    def _forget_preview(self, dialog: NoticePreviewDialog) -> None:
        if self.preview_dialog is dialog:
            self.preview_dialog = None

    # -- rating ---------------------------------------------------------------------------------

    def offer_rating(self, number: str, visit_id: int | None = None, *,
                     after: QDialog | None = None) -> None:
        """Offer 好差评 of the visit (the latest unrated one by default): on the applicant's
        screen now, or on this one once `after` is closed."""
        screen = applicant_screen(self.window)
        if screen is not None or after is None or not after.isVisible():
            self._rating_for(number, visit_id, screen)
        else:
            after.finished.connect(lambda _code: self._rating_for(number, visit_id, None))

    def _rating_for(self, number: str, visit_id: int | None, screen: QScreen | None) -> None:
        if visit_id is not None:
            self._show_rating(number, visit_id, screen)
            return
        self.taskman.read(attempt(lambda: self.ratings.pending_visit(number)),
                          on_success=lambda found: self._show_rating(number, found, screen),
                          context=_("查询待评价的服务"))

    def _show_rating(self, number: str, visit_id: int | ResultsError | None,
                     screen: QScreen | None) -> None:
        if visit_id is None or isinstance(visit_id, ResultsError):
            return  # rated already (一次一评), or nothing to rate
        if self.rating_dialog is not None:
            self.rating_dialog.close()
        line = _("办件编号 {n} · 窗口工作人员 {clerk}").format(
            n=number, clerk=self.actor.display_name)
        # A dialog still open on the clerk's screen (the application view after 出件) is
        # window-modal: it blocks its parent's whole hierarchy. On the applicant's screen the
        # rating is a window of its own (nothing the clerk has open blocks it, and it blocks
        # nothing); on the clerk's screen it is the topmost application-modal dialog, which
        # takes input whatever is open below it until the applicant has rated or skipped.
        facing_applicant = screen is not None
        dialog = RatingDialog(self.ratings, self.actor, self.taskman, number,
                              service_line=line, visit_id=visit_id, screen=screen,
                              parent=None if facing_applicant else self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.destroyed.connect(lambda *_args: self._forget_rating(dialog))
        clerk_window = QApplication.activeWindow()
        if facing_applicant:  # the clerk keeps the keyboard
            dialog.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        else:
            dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.rating_dialog = dialog
        dialog.show()
        if screen is not None and clerk_window is not None and clerk_window is not dialog:
            clerk_window.activateWindow()  # for window systems that activate it anyway
        self.status(_("请申请人对本次服务进行评价"))

    def _forget_rating(self, dialog: RatingDialog) -> None:
        if self.rating_dialog is dialog:
            self.rating_dialog = None
