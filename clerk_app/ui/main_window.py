"""The counter's main window: lays the pieces out, and wires menus, shortcuts and signals.

It owns no intake logic (IntakeController), no list logic (WorkLists), no search logic
(MatterSearchPanel) and no application logic (ApplicationActions, NoticeFlow, ScanCatcher);
each piece gets only the service functions it needs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QSplitter, QVBoxLayout, QWidget

from clerk_app.app import Services
from clerk_app.i18n import _
from clerk_app.services.intake import printability
from clerk_app.services.intake.intake import ConfirmResult
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.services.station.settings import CentreSettings, load_settings, save_settings
from clerk_app.ui import keymap
from clerk_app.ui.attachments.pages_controller import IntakePageOwner, PagesController
from clerk_app.ui.bundles.actions import bundle_actions
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.intake.drafts_dialog import DraftRow, DraftsDialog
from clerk_app.ui.intake.intake_controller import IntakeController
from clerk_app.ui.intake.intake_page import IntakePage
from clerk_app.ui.intake.matter_search import MatterSearchPanel
from clerk_app.ui.lists.work_lists import DEADLINE_TAB, OWED_TAB, TODAY_TAB, WorkLists
from clerk_app.ui.lookup_field import LookupField
from clerk_app.ui.results.application_actions import ApplicationActions
from clerk_app.ui.results.application_dialog import ApplicationDialog
from clerk_app.ui.results.application_search import ApplicationSearchDialog
from clerk_app.ui.results.notice_flow import NoticeFlow
from clerk_app.ui.results.rating_dialog import RatingDialog
from clerk_app.ui.scan_catcher import ScanCatcher, watched_by
from clerk_app.ui.station.catalogue_import import CatalogueImporter
from clerk_app.ui.station.session import Session
from clerk_app.ui.station.settings_dialog import SettingsDialog
from clerk_app.ui.station.station_watch import StationWatch
from clerk_app.ui.station.status_bar import StationStatusBar
from clerk_app.ui.station.sync_indicator import SYNC_NOW_KEY, SyncIndicator
from clerk_app.ui.station.sync_worker import SyncClient
from clerk_app.ui.supervisor.supervisor_menu import install_supervisor_menu
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.village.menu import VillageMenu

log = logging.getLogger(__name__)

MINIMUM_SIZE = (1200, 660)  # fits a 1366x768 screen with a task bar
LISTS_LOW, LISTS_HIGH = 150, 340
SEARCH_WIDTH = 220  # the matter search on the left; folded while an intake is open  # the lists' height while taking in / while looking at them


class MainWindow(QMainWindow):
    """Search, intake, today's list and the status bar of one signed-in clerk."""

    def __init__(self, services: Services, actor: Actor, *,
                 taskman: TaskManager | None = None, reporter: ErrorReporter | None = None,
                 settings: CentreSettings | None = None, sync: SyncClient | None = None) -> None:
        super().__init__()
        self.services = services
        self.actor = actor
        self.reporter = reporter or ErrorReporter(lambda: self)
        self._owns_taskman = taskman is None
        self.session = Session(self)  # 修改密码, 切换用户, 注销, 退出 (asks mid-intake)
        self.leaving_asked = False  # Ctrl+Q and the session's own closes asked already
        self.taskman = taskman or TaskManager(self.reporter)
        self.settings = settings or load_settings(services.ctx)
        self._day = services.ctx.today()
        self.drafts_dialog: DraftsDialog | None = None
        self.search_dialog: ApplicationSearchDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.setWindowTitle(_("窗口受理 — {centre}").format(
            centre=self.settings.centre_name or "Clerk"))
        self.setMinimumSize(*MINIMUM_SIZE)

        catalogue = services.catalogue
        self.search_panel = MatterSearchPanel(services.matters.search)
        self.search_panel.results.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.lookup = LookupField()
        self.page = IntakePage(services.ctx.today)
        self.lists = WorkLists(services.lookup, services.deadlines, services.owed, actor,
                               self.taskman, services.ctx.today)
        self.today_panel = self.lists.today_panel
        self.controller = IntakeController(
            self.page, services.intake, catalogue, services.intake.draft_revision, actor, self.taskman, self.reporter, services.ctx.today,
            parent=self)
        self.pages = PagesController(
            self.page.pages_strip, services.attachments, self.taskman, actor,
            IntakePageOwner(self.controller), self.page.checklist,
            self.page.checklist_model, self)
        self.importer = CatalogueImporter(catalogue, services.matters, actor, self.taskman,
                                          self.reporter, self)
        self.status = StationStatusBar(actor, self.settings, self._day)
        self.setStatusBar(self.status)
        self.notice_flow = NoticeFlow(services.notices, services.ratings, actor, self.taskman,
                                      self, status=self.status.say)
        self.applications = ApplicationActions(
            services.application_view,
            services.handover, services.postal, services.clock, self.notice_flow, actor,
            self.taskman, self, today=services.ctx.today,
            reopen=lambda number: self._intake_first(lambda: self.controller.reopen(number)))
        # the rating dialog too: a scan must never choose a level and submit a rating there
        self.scan_catcher = ScanCatcher(watched_by(self, ApplicationDialog, RatingDialog),
                                        parent=self)
        self.scan_catcher.install()
        # 一件事: a bundle chosen in the search, or a bundle's (or a member's) number scanned
        self.bundles = bundle_actions(services, actor, self.taskman, self, self.status.say)
        self.bundles.changed.connect(lambda _number: self.refresh_today())
        self._lay_out()
        self._build_menus()
        self._set_tab_order()

        self.search_panel.matter_chosen.connect(
            lambda code: self.bundles.start(code) if services.matters.is_bundle(code)
            else self.controller.start(code))
        self.lookup.number_entered.connect(
            lambda number: self.bundles.route(number, self.applications.open))
        self.lookup.search_requested.connect(self.search_applications)
        self.scan_catcher.scanned.connect(
            lambda number: self.bundles.route(number, self.applications.open))
        self.lists.number_activated.connect(self.applications.open)
        self.lists.due_counts.connect(self.status.set_due_counts)
        self.applications.changed.connect(lambda _number: self.refresh_today())
        self.controller.confirmed.connect(self._confirmed)
        self.controller.status.connect(self.status.say)
        self.importer.imported.connect(lambda _result: self.search_panel.rerun())
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(60_000)
        self.watch = StationWatch(services, actor, self.taskman, self.reporter, self.status.say,
                                  self)  # daily backup and free space, hourly
        self.watch.start()
        if sync is not None:
            self._wire_sync(sync)

        self.taskman.read(services.matters.refresh, context=_("准备事项检索"))
        # fonts for the printability check of typed names (services/intake/printability.py), once
        # the window is up so that start-up does not wait for them
        warm_up = QTimer(self)  # a child: it goes with the window
        warm_up.setSingleShot(True)
        warm_up.timeout.connect(lambda: self.taskman.read(printability.warm_up,
                                                          context=_("准备打印字库")))
        warm_up.start(3000)
        self.refresh_today()

    # -- layout ---------------------------------------------------------------------------

    def _lay_out(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_panel, 1)
        left_layout.addWidget(self.lookup)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left)
        top.addWidget(self.page)
        top.setStretchFactor(0, 0)
        top.setStretchFactor(1, 1)
        top.setSizes([SEARCH_WIDTH, 1140])
        top.setChildrenCollapsible(False)
        top.setCollapsible(0, True)  # folded away while an intake is open (F2, Ctrl+L open it)
        self.sides = top
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(top)
        outer.addWidget(self.lists)
        outer.setStretchFactor(0, 4)
        outer.setStretchFactor(1, 1)
        outer.setSizes([560, LISTS_LOW])
        outer.setChildrenCollapsible(False)
        outer.setCollapsible(1, True)  # folded away while an intake is open (F6-F8 open it)
        self.splitter = outer
        self.page.stack.currentChanged.connect(self._intake_shown)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(outer)
        self.setCentralWidget(central)

    def _action(self, text: str, keys: str | tuple[str, ...], slot: object,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        sequences = [QKeySequence(k) for k in ((keys,) if isinstance(keys, str) else keys)]
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("文件(&F)"))
        file_menu.addAction(self._action(_("导入事项目录…"), keymap.IMPORT_CATALOGUE,
                                         self.importer.choose_and_import))
        file_menu.addAction(self._action(_("中心设置…"), keymap.SETTINGS, self.show_settings))
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("修改密码…"), (), self.session.change_password))
        file_menu.addAction(self._action(_("切换用户…"), (), self.session.switch_user))
        file_menu.addAction(self._action(
            _("注销"), (), lambda: self.session.switch_user(logging_out=True)))
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("退出"), keymap.QUIT, self.session.quit))
        work = bar.addMenu(_("办件(&B)"))
        self.find_action = self._action(_("查找事项 / 新办件"), keymap.FIND_MATTER,
                                        lambda: self._intake_first(self.search_panel.focus_search))
        self.lookup_action = self._action(_("办件查询（编号、证件、姓名、电话）"),
                                          keymap.LOOKUP_NUMBER, self._focus_lookup)
        self.drafts_action = self._action(_("未完成的草稿…"), keymap.DRAFTS,
                                          lambda: self.offer_drafts(asked=True))
        self.confirm_action = self._action(_("确认受理决定"), keymap.CONFIRM,
                                           self.controller.confirm)
        self.refresh_action = self._action(_("刷新今日办件"), keymap.REFRESH_TODAY,
                                           self.refresh_today)
        for action in (self.find_action, self.lookup_action, self.drafts_action,
                       self.confirm_action, self.refresh_action):
            work.addAction(action)
        work.addSeparator()
        work.addAction(self._action(_("出件…"), keymap.HAND_OVER,
                                    lambda: self.applications.hand_over()))
        work.addAction(self._action(_("邮寄送达…"), keymap.POST, lambda: self.applications.post()))
        for label, keys, tab in ((_("今日办件"), keymap.TODAY_LIST, TODAY_TAB),
                                 (_("在办/预警"), keymap.DEADLINE_LIST, DEADLINE_TAB),
                                 (_("容缺待补"), keymap.OWED_LIST, OWED_TAB)):
            work.addAction(self._action(label, keys,
                                        lambda _checked=False, t=tab: self._show_list(t)))
        work.addSeparator()
        for number, (label, keys) in enumerate(
                ((_("转到 申请人"), keymap.SECTION_APPLICANT),
                 (_("转到 材料清单"), keymap.SECTION_CHECKLIST),
                 (_("转到 受理决定"), keymap.SECTION_DECISION)), start=1):
            work.addAction(self._action(label, keys,
                                        lambda _checked=False, n=number: self._intake_first(
                                            lambda: self.page.focus_section(n))))
        help_menu = bar.addMenu(_("帮助(&H)"))
        help_menu.addAction(self._action(_("快捷键一览"), keymap.HELP, self.show_keys))
        install_supervisor_menu(self, self.services, self.actor, self.taskman,
                                self.settings.window_names, self.applications.open,
                                self.services.ctx.today)
        # 村务: 代办回执, 材料交接单, 在途; at the centre a scanned slip opens its batch
        self.village = VillageMenu(
            self, self.services, self.actor, self.taskman, self.status.say,
            lambda number: self._intake_first(lambda: self.controller.reopen(number)))
        self.scan_catcher.batch_scanned.connect(self.village.open_slip)
        self.village.point_changed.connect(self.status.set_point)
        self.controller.collected.connect(self.village.collected)

    def _set_tab_order(self) -> None:
        chain = [self.search_panel.field] + self.page.tab_chain() + [
            self.lookup.field, self.lookup.open_button, self.today_panel.table]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- actions --------------------------------------------------------------------------

    def _show_list(self, tab: int) -> None:
        """F6/F7/F8: the list gets room to be read."""
        self._lists_height(LISTS_HIGH)
        self.lists.show_tab(tab)

    def _intake_first(self, then: Callable[[], None]) -> None:
        """F2, Alt+1..3: the intake gets its room back (F2 shows the search again)."""
        self._lists_height(LISTS_LOW, shrink=True)
        if then == self.search_panel.focus_search:
            self._show_search()
        then()

    def _lists_height(self, height: int, *, shrink: bool = False) -> None:
        top, lists = self.splitter.sizes()
        if (lists < height) != shrink and lists != height:
            self.splitter.setSizes([top + lists - height, height])

    def refresh_today(self) -> None:
        """Today's list, the 在办/预警 list and the status bar's 黄灯/红灯 counts."""
        self.lists.refresh()

    def _intake_shown(self, index: int) -> None:
        """An intake on screen gets the whole height: the lists fold away until F6-F8 or the
        decision is confirmed."""
        if index == 1:
            top, lists = self.splitter.sizes()
            self.splitter.setSizes([top + lists, 0])
            left, page = self.sides.sizes()
            self.sides.setSizes([0, left + page])  # the checklist gets the search's width
        else:
            self._lists_height(LISTS_LOW)
            self._show_search()

    def _focus_lookup(self) -> None:
        """Ctrl+L: the lookup field, on the left even while an intake is open."""
        self._show_search()
        self.lookup.focus_field()

    def _show_search(self) -> None:
        left, page = self.sides.sizes()
        if left < SEARCH_WIDTH:
            self.sides.setSizes([SEARCH_WIDTH, max(left + page - SEARCH_WIDTH, 0)])

    def _confirmed(self, result: ConfirmResult) -> None:
        self._lists_height(LISTS_LOW)  # the new case shows in today's list
        # today's list reloads once the notice is on screen: loaded alongside, it took the
        # GIL from the notice's rendering (confirm -> preview ~35 ms slower at the median)
        self.notice_flow.after_confirm(result.application_number, then=self.refresh_today)

    def search_applications(self, text: str) -> None:
        """办件查询 by document number, name or phone (masked by the service for the role)."""
        dialog = ApplicationSearchDialog(self.services.lookup, self.actor, self.taskman, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.number_chosen.connect(self.applications.open)
        self.search_dialog = dialog
        dialog.open()
        dialog.search_for(text)

    def show_settings(self) -> None:
        ctx, actor = self.services.ctx, self.actor
        dialog = SettingsDialog(self.settings, lambda s: save_settings(ctx, actor, s),
                                self.taskman, may_edit=allowed(actor, Permission.SETTINGS),
                                year=ctx.today().year, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.saved.connect(self._settings_saved)
        self.settings_dialog = dialog
        dialog.open()

    def _settings_saved(self, settings: CentreSettings) -> None:
        self.settings = settings
        self.setWindowTitle(_("窗口受理 — {centre}").format(centre=settings.centre_name or "Clerk"))
        self.status.set_centre(settings)
        self.refresh_today()  # 黄灯 days may have changed

    def offer_drafts(self, asked: bool = False) -> None:
        """Offer the clerk's unfinished drafts for restoring (after sign-in, or Ctrl+D)."""
        self.taskman.read(lambda: self.services.intake.drafts(self.actor),
                          on_success=lambda rows: self._show_drafts(rows, asked),
                          context=_("读取未完成的草稿"))

    def _show_drafts(self, rows: list[DraftRow], asked: bool) -> None:
        slot = self.controller.slot
        open_id = slot.draft_id if slot is not None and not slot.closed else None
        rows = [row for row in rows if row[0] != open_id]
        if not rows:
            if asked:
                self.status.say(_("没有未完成的草稿"))
            return

        def matter_name(code: str) -> str:
            try:
                return self.services.catalogue.matter(code).name
            except KeyError:
                return code

        dialog = DraftsDialog(rows, matter_name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.restore_requested.connect(
            lambda draft_id: self.controller.restore(draft_id, dialog.form(draft_id)))
        dialog.discard_requested.connect(self._discard_draft)
        dialog.destroyed.connect(lambda *_args: setattr(self, "drafts_dialog", None))
        self.drafts_dialog = dialog
        dialog.open()

    def _discard_draft(self, draft_id: int) -> None:
        self.taskman.write(lambda: self.services.intake.discard_draft(self.actor, draft_id),
                           context=_("丢弃草稿"))

    def show_keys(self) -> None:
        self.reporter.message(_("快捷键一览"), list(keymap.HELP_LINES),
                              QMessageBox.Icon.Information)

    def _wire_sync(self, sync: SyncClient) -> None:
        """The sync indicator, 立即同步 (F9), 平台连接设置, and refreshing what a sync changed."""
        self.sync = sync
        self.sync_indicator = SyncIndicator(lambda: self.services.ctx.clock().astimezone())
        self.status.insertPermanentWidget(0, self.sync_indicator)
        if sync.state is not None:
            self.sync_indicator.show_state(sync.state)
        sync.state_changed.connect(self.sync_indicator.show_state)
        self.sync_indicator.sync_requested.connect(sync.sync_now)
        menu = QMenu(_("同步(&S)"), self)
        self.sync_action = self._action(_("立即同步"), SYNC_NOW_KEY, sync.sync_now)
        menu.addAction(self.sync_action)
        menu.addAction(self._action(_("平台连接设置…"), (), self._platform_settings))
        self.menuBar().insertMenu(self.menuBar().actions()[-1], menu)
        self.controller.confirmed.connect(lambda _result: sync.request_sync())
        sync.applications_changed.connect(self.refresh_today)
        sync.catalogue_changed.connect(self.search_panel.rerun)

    def _platform_settings(self) -> None:
        from clerk_app.ui.station.platform_settings import PlatformSettingsDialog

        dialog = PlatformSettingsDialog(self.services.ctx.config, self.sync, self.taskman,
                                        self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()

    def _tick(self) -> None:
        today: date = self.services.ctx.today()
        if today != self._day:
            self._day = today
            self.status.set_day(today)
            self.refresh_today()

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Every queued draft save reaches the disk before the window goes. Closed by the
        window's own close button mid-intake, the clerk is asked first (as for Ctrl+Q)."""
        if event.spontaneous() and not self.leaving_asked and not self.session.may_leave(
                _("退出")):
            event.ignore()
            return
        self._clock.stop()
        self.scan_catcher.remove()
        if self._owns_taskman:
            self.taskman.shutdown()
        event.accept()
