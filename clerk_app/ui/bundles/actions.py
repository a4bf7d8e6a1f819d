"""The window's bundle actions: start a bundle chosen in the search, open one scanned (its own
number or a member's), 补交材料, the bundle notice and 出件 — services run off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QWidget

from clerk_app.app import Services
from clerk_app.domain.handover import Collector
from clerk_app.domain.numbering import parse_number
from clerk_app.i18n import _
from clerk_app.services.bundles.form import BundleForm
from clerk_app.services.bundles.handover import BundleHandoverResult, BundleHandoverService
from clerk_app.services.bundles.notice import BundleNoticeService, RenderedBundleNotice
from clerk_app.services.bundles.service import BundleConfirmResult, BundleService
from clerk_app.services.bundles.view import BundleViewService
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.station.context import Actor
from clerk_app.ui.bundles.intake_dialog import BundleIntakeDialog
from clerk_app.ui.bundles.view_dialog import BundleViewDialog
from clerk_app.ui.results.notice_preview import NoticePreviewDialog
from clerk_app.ui.taskman import TaskManager


def bundle_notice_title() -> str:
    """The notice's printed title (its module loads reportlab: on first print, not at start)."""
    from clerk_app.documents.bundle_notice import TITLE

    return TITLE


@dataclass(frozen=True)
class _Titled:
    """Stands where the preview expects a notice kind: only its caption is shown."""

    value: str


@dataclass(frozen=True)
class _Preview:
    number: str
    kind: _Titled
    pdf: bytes
    unprintable: tuple[str, ...] = ()


class BundleActions(QObject):
    """Bundle screens for one signed-in clerk.

    Signals:
        changed(str): a bundle was written (lists refresh).
    """

    changed = Signal(str)

    def __init__(self, bundles: BundleService, view: BundleViewService,
                 notices: BundleNoticeService, handover: BundleHandoverService, actor: Actor,
                 taskman: TaskManager, window: QWidget, say: Callable[[str], None]) -> None:
        super().__init__(window)
        self.bundles = bundles
        self.view = view
        self.notices = notices
        self.handover = handover
        self.actor = actor
        self.taskman = taskman
        self.window = window
        self.say = say
        self.dialog: QDialog | None = None  # the open bundle screen (tests look at it)
        # numbers of bundles and their members, so that a scan of any other number opens the
        # application at once, as before bundles existed (None until read)
        self.known: frozenset[str] | None = None
        taskman.read(bundles.numbers, self._known, context=_("读取一件事编号"))
        self.preview: NoticePreviewDialog | None = None  # the bundle notice on screen

    # -- choosing and scanning ------------------------------------------------------------

    def start(self, code: str) -> None:
        """Open the intake of the bundle `code` (a search hit)."""
        def opened(found: tuple[int | None, int, BundleForm]) -> None:
            draft_id, revision, form = found
            self._open_intake((form, {}), draft_id, revision)
            if draft_id is not None:
                self.say(_("已恢复未完成的一件事草稿"))

        self.taskman.read(lambda: self.bundles.resume_or_start(self.actor, code), opened,
                          context=_("打开一件事"))

    def _known(self, numbers: frozenset[str]) -> None:
        self.known = numbers | (self.known or frozenset())

    def route(self, number: str, otherwise: Callable[[str], object]) -> None:
        """A scanned or typed number: the bundle's page when it belongs to a bundle (its own
        number or a member's), else `otherwise` (the application view)."""
        parsed = parse_number(number)
        if self.known is not None and parsed is not None:
            if str(parsed) in self.known:
                self.open(str(parsed))
            else:
                otherwise(number)
            return

        def found(bundle: str | None) -> None:
            if bundle is None:
                otherwise(number)
            else:
                self.open(bundle)

        self.taskman.read(lambda: self.bundles.bundle_number_of(number), found,
                          context=_("查找办件"))

    def open(self, number: str) -> None:
        def load() -> object:
            return self.view.details(self.actor, number), self.handover.readiness(number)

        self.taskman.read(load, lambda pair: self._show(*pair),  # type: ignore[misc]
                          context=_("读取一件事"))

    def _show(self, details: object, readiness: object) -> None:
        self._close_current()
        dialog = BundleViewDialog(details, readiness, self.window)  # type: ignore[arg-type]
        dialog.reopen_requested.connect(self.reopen)
        dialog.notice_requested.connect(lambda n: self.print_notice(n, reprint=True))
        dialog.handover_requested.connect(self.hand_over)
        self._present(dialog)

    def reopen(self, number: str) -> None:
        def load() -> tuple[BundleForm, dict[str, str]]:
            form = self.bundles.reopen(self.actor, number)
            return form, self.bundles.statuses(form)

        self.taskman.read(load, self._open_intake, context=_("补交材料"))

    def _open_intake(self, pair: tuple[BundleForm, dict[str, str]],
                     draft_id: int | None = None, revision: int = 0) -> None:
        form, statuses = pair
        self._close_current()
        dialog = BundleIntakeDialog(self.bundles, form, statuses, self.actor, self.taskman,
                                    lambda n: self.print_notice(n), self.window,
                                    draft_id=draft_id, revision=revision)
        dialog.confirmed.connect(self._confirmed)
        self._present(dialog)

    def _confirmed(self, result: BundleConfirmResult) -> None:
        self._known(frozenset([result.number, *(m.number for m in result.members)]))
        self.say(_("一件事已受理：{n}（{m} 个事项）").format(n=result.number,
                                                          m=len(result.members)))
        self.changed.emit(result.number)

    # -- notice and handover --------------------------------------------------------------

    def print_notice(self, number: str, *, reprint: bool = False) -> None:
        self.taskman.write(lambda: self.notices.render(self.actor, number, reprint=reprint),
                           self._preview, context=_("生成一件事告知书"))

    def _preview(self, rendered: RenderedBundleNotice) -> None:
        preview = NoticePreviewDialog(
            _Preview(rendered.number, _Titled(bundle_notice_title()), rendered.pdf),  # type: ignore[arg-type]
            self.taskman, reprint=rendered.data.reprint, parent=self.window)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        preview.destroyed.connect(lambda *_a: setattr(self, "preview", None))
        self.preview = preview
        preview.open()

    def hand_over(self, number: str, collector: Collector, early: bool) -> None:
        dialog = self.dialog

        def failed(exc: Exception) -> None:
            problems = exc.problems if isinstance(exc, ResultsError) else [str(exc)]
            if isinstance(dialog, BundleViewDialog):
                dialog.message.show_error("；".join(problems))

        def done(result: BundleHandoverResult) -> None:
            self.say(_("已出件 {n} 项；尚未办结 {p} 项；本一件事累计跑动 {t} 次").format(
                n=len(result.handed_over), p=len(result.still_pending), t=result.trips))
            self.changed.emit(result.number)
            self.open(result.number)

        self.taskman.write(lambda: self.handover.hand_over(self.actor, number, collector,
                                                           early=early),
                           done, failed, context=_("一件事出件"))

    # -- dialogs --------------------------------------------------------------------------

    def _present(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.destroyed.connect(lambda *_a, d=dialog: self._forget(d))
        self.dialog = dialog
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _close_current(self) -> None:
        if self.dialog is not None:
            self.dialog.close()


def bundle_actions(services: Services, actor: Actor, taskman: TaskManager, window: QWidget,
                   say: Callable[[str], None]) -> BundleActions:
    """The window's bundle actions on the station's services."""
    bundles = services.bundles
    view = BundleViewService(services.ctx, bundles, services.application_view)
    notices = BundleNoticeService(services.ctx, services.catalogue, bundles)
    handover = BundleHandoverService(services.ctx, bundles, services.handover)
    return BundleActions(bundles, view, notices, handover, actor, taskman, window, say)
