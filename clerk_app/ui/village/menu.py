"""The 村务(&V) menu: 代办回执, 材料交接单, 在途 at a village point; 打开交接单 at the centre;
and the offline-limits warning in the status bar of a village point.

Entries a role cannot use are shown disabled with the reason (a hidden button is not a
permission: the services refuse as well)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLabel, QMainWindow, QMenu, QWidget

from clerk_app.app import Services, platform_adapter
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.services.village.centre import PendingSlip
from clerk_app.services.village.centre_pages import CasePages
from clerk_app.services.village.offline import OfflineState, offline_state
from clerk_app.services.village.point import PointSettings, load_point
from clerk_app.services.village.wiring import village_of
from clerk_app.sync.api import PlatformError, PlatformUnreachable
from clerk_app.ui.errors import problems_of
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.village.centre_batch_dialog import CentreBatchDialog
from clerk_app.ui.village.paper_dialog import PaperDialog
from clerk_app.ui.village.pending_dialog import PendingSlipsDialog
from clerk_app.ui.village.point_dialogs import CarryDialog, TransitDialog
from clerk_app.ui.village.point_settings_dialog import PointSettingsDialog

if TYPE_CHECKING:
    from clerk_app.sync.adapter import ClerkSyncV1Adapter

RECEIPT_KEYS = "Ctrl+Alt+H"
SLIP_KEYS = "Ctrl+Alt+J"
TRANSIT_KEYS = "Ctrl+Alt+T"
OPEN_SLIP_KEYS = "Ctrl+Alt+O"
OFFLINE_CHECK_MS = 5 * 60_000


class VillageMenu(QObject):
    """Builds the menu and opens the village dialogs for one signed-in user.

    Signals:
        point_changed(PointSettings): the station's kind and point, read on start and after
            the point settings are saved.
    """

    point_changed = Signal(object)

    def __init__(self, window: QMainWindow, services: Services, actor: Actor,
                 taskman: TaskManager, say: Callable[[str], None],
                 decide: Callable[[str], None]) -> None:
        super().__init__(window)
        self.window, self.services, self.actor, self.taskman = window, services, actor, taskman
        self.say, self.decide = say, decide
        self.village = village_of(services)
        self.last_collected = ""
        self.dialogs: list[QWidget] = []
        self.menu = QMenu(_("村务(&V)"), window)
        can_collect = allowed(actor, Permission.COLLECT)
        can_intake = allowed(actor, Permission.INTAKE)
        self.receipt_action = self._add(_("代办回执…"), RECEIPT_KEYS, self.ask_receipt,
                                        can_collect or can_intake, _("代办点代收件的回执"))
        self.slip_action = self._add(_("材料交接单…"), SLIP_KEYS, self.carry, can_collect,
                                     _("仅代办员可制作交接单"))
        watches = can_collect or can_intake or allowed(actor, Permission.CENTRE_LOG)
        self.transit_action = self._add(_("在途办件…"), TRANSIT_KEYS, self.transit, watches,
                                        _("代办员、窗口人员和中心负责人可查看"))
        self.menu.addSeparator()
        self.open_action = self._add(
            _("打开交接单（中心收件）…"), OPEN_SLIP_KEYS, self.ask_slip, can_intake,
            _("收件和受理是中心窗口的职权，代办员不能操作") if can_collect else _("无受理权限"))
        self.menu.addSeparator()
        self.point_action = self._add(
            _("站点类型与代办点设置…"), "", self.point_settings,
            allowed(actor, Permission.SETTINGS), _("需要“修改中心设置”权限"))
        bar = window.menuBar()
        bar.insertMenu(bar.actions()[-1], self.menu)
        self.offline_label = QLabel("")
        self.offline_label.setStyleSheet("color: #B00020;")
        self.offline_label.hide()
        window.statusBar().addPermanentWidget(self.offline_label)
        self._offline_timer = QTimer(self)
        self._offline_timer.timeout.connect(self.check_offline)
        self._offline_timer.start(OFFLINE_CHECK_MS)
        self.check_offline()
        self.transit_label = QLabel("")
        self.transit_label.setStyleSheet("color: #B00020;")
        self.transit_label.hide()
        window.statusBar().addPermanentWidget(self.transit_label)
        if can_collect or allowed(actor, Permission.CENTRE_LOG):  # flagged to both
            self._offline_timer.timeout.connect(self.check_transit)
            self.check_transit()

    def _add(self, text: str, keys: str, slot: Callable[[], None], enabled: bool,
             reason: str) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        action.setEnabled(enabled)
        if not enabled:
            action.setToolTip(reason)
            action.setText(f"{text}（{reason}）")
        self.menu.addAction(action)
        self.window.addAction(action)
        return action

    def _keep(self, dialog: QWidget) -> None:
        """Show a dialog and keep it listed until Qt deletes it (WA_DeleteOnClose)."""
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda _obj=None, d=dialog: self._forget(d))
        dialog.show()

    def _forget(self, dialog: QWidget) -> None:
        self.dialogs = [d for d in self.dialogs if d is not dialog]

    def point_settings(self) -> None:
        dialog = PointSettingsDialog(self.services.ctx, self.actor, self.taskman, self.window)
        dialog.accepted.connect(self.check_offline)
        self._keep(dialog)

    # -- 代办回执 -------------------------------------------------------------------------

    def collected(self, number: str) -> None:
        """After a 代收: the receipt opens at once for printing."""
        self.last_collected = number
        self.show_receipt(number)

    def ask_receipt(self) -> None:
        number, ok = QInputDialog.getText(self.window, _("代办回执"), _("办件编号："),
                                          text=self.last_collected)
        if ok and number.strip():
            self.show_receipt(number.strip())

    def show_receipt(self, number: str) -> None:
        batches, actor = self.village.batches, self.actor
        self.taskman.write(lambda: batches.receipt_pdf(actor, number),
                           on_success=lambda pdf: self._keep(PaperDialog(
                               _("代办回执"), number, pdf, self.taskman, self.window)),
                           on_error=lambda exc: self.say("；".join(problems_of(exc))),
                           context=_("生成代办回执"))

    # -- 材料交接单 and 在途 ----------------------------------------------------------------

    def carry(self) -> None:
        dialog = CarryDialog(self.village.batches, self.actor, self.taskman, self.window)
        dialog.made.connect(lambda number, pdf: self._keep(PaperDialog(
            _("材料交接单"), number, pdf, self.taskman, self.window)))
        self._keep(dialog)

    def transit(self) -> None:
        """At a village point what it sent; at the centre the slips still 在途 (platform)."""
        ctx, centre, actor = self.services.ctx, self.village.centre, self.actor
        listing = self._listing()

        def which() -> list[PendingSlip] | PlatformError | None:
            if load_point(ctx).is_village:
                return None
            try:
                return centre.pending(actor, listing)
            except PlatformError as exc:
                return exc

        self.taskman.read(which, on_success=self._transit_shown,
                          on_error=lambda exc: self.say("；".join(problems_of(exc))),
                          context=_("读取在途交接单"))

    def _transit_shown(self, slips: list[PendingSlip] | PlatformError | None) -> None:
        if slips is None:
            self._keep(TransitDialog(self.village.batches, self.actor, self.taskman,
                                     self.window))
        elif isinstance(slips, PlatformError):
            self.say(_("无法从平台读取在途交接单：{m}").format(m=slips.message))
        else:
            self._keep(PendingSlipsDialog(slips, self.open_slip, self.window))

    def _listing(self) -> Callable[[], list[dict[str, Any]]]:
        services = self.services

        def listing() -> list[dict[str, Any]]:
            adapter = self._adapter(services)
            try:
                return adapter.village_pending()
            finally:
                adapter.close()

        return listing

    @staticmethod
    def _adapter(services: Services) -> ClerkSyncV1Adapter:
        from clerk_app.sync.adapter import ClerkSyncV1Adapter  # requests: when needed

        adapter = platform_adapter(services.ctx.config, services.sync_store)
        if not isinstance(adapter, ClerkSyncV1Adapter):
            raise PlatformUnreachable("no platform", _("本站未连接平台（未设置平台或未注册）"))
        return adapter

    # -- at the centre ----------------------------------------------------------------------

    def ask_slip(self) -> None:
        number, ok = QInputDialog.getText(self.window, _("打开交接单"), _("交接单编号（可扫码）："))
        if ok and number.strip():
            self.open_slip(number.strip())

    def open_slip(self, number: str) -> None:
        """A scanned or typed 材料交接单 number: the batch opens for checking in."""
        if not allowed(self.actor, Permission.INTAKE):
            self.say(_("收件和受理是中心窗口的职权：代办员不能打开交接单"))
            return
        services = self.services

        def fetch(slip: str) -> dict[str, Any]:
            adapter = self._adapter(services)
            try:
                return adapter.village_batch(slip)
            finally:
                adapter.close()

        village, actor = self.village, self.actor

        def fetch_pages(case: str) -> CasePages:
            adapter = self._adapter(services)
            try:
                return village.centre_pages.fetch(actor, case, adapter.application_attachments,
                                                  adapter.get_page)
            finally:
                adapter.close()

        dialog = CentreBatchDialog(self.village.centre, self.actor, self.taskman, fetch,
                                   number, village.centre_pages, fetch_pages, self.window)
        dialog.decide.connect(self._decide)
        self._keep(dialog)

    def _decide(self, number: str) -> None:
        self.decide(number)
        self.window.activateWindow()

    def check_transit(self) -> None:
        """Count what is 在途 past the working-day rule: the agent's slips at a village point,
        the centre's pending slips (from the platform) for the supervisor."""
        ctx, village, actor, listing = self.services.ctx, self.village, self.actor, self._listing()

        def late() -> int:
            if load_point(ctx).is_village:
                return sum(r.overdue for r in village.batches.in_transit(actor))
            if not (allowed(actor, Permission.INTAKE) or allowed(actor, Permission.CENTRE_LOG)):
                return 0
            try:
                return sum(s.overdue for s in village.centre.pending(actor, listing))
            except PlatformError:
                return 0  # offline: the sync indicator says so; try again later

        self.taskman.read(late, on_success=self._transit_late, context=_("检查在途办件"))

    def _transit_late(self, count: int) -> None:
        self.transit_label.setText(_("在途逾期 {n} 件（村务 → 在途办件）").format(n=count))
        self.transit_label.setToolTip(_("交接后超过规定工作日中心仍未收件"))
        self.transit_label.setVisible(count > 0)

    # -- offline limits ----------------------------------------------------------------------

    def check_offline(self) -> None:
        ctx = self.services.ctx

        def state() -> tuple[PointSettings, OfflineState | None]:
            point = load_point(ctx)
            return point, (offline_state(ctx) if point.is_village else None)

        self.taskman.read(state, on_success=self._point_and_offline,
                          context=_("检查离线情况"))

    def _point_and_offline(self, found: tuple[PointSettings, OfflineState | None]) -> None:
        point, state = found
        self.point_changed.emit(point)
        self._offline(state)

    def _offline(self, state: OfflineState | None) -> None:
        warning = state.warning if state is not None else ""
        self.offline_label.setText(_("离线提醒：{n} 件未发送").format(n=state.unsent_cases)
                                   if state is not None and warning else "")
        self.offline_label.setToolTip(warning)
        self.offline_label.setVisible(bool(warning))
        if warning:
            self.say(warning)
