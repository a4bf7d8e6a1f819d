"""The counter's main window: lays the pieces out, and wires menus, shortcuts and signals.

It owns no intake logic (IntakeController), no list logic (TodayPanel) and no search logic
(MatterSearchPanel); each piece gets only the service functions it needs.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from clerk_app.app import Services
from clerk_app.i18n import _
from clerk_app.services.context import Actor
from clerk_app.services.lookup import ApplicationRow
from clerk_app.services.settings import CentreSettings, load_settings
from clerk_app.ui import keymap
from clerk_app.ui.catalogue_import import CatalogueImporter
from clerk_app.ui.drafts_dialog import DraftRow, DraftsDialog
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.intake_controller import IntakeController
from clerk_app.ui.intake_page import IntakePage
from clerk_app.ui.lookup_field import LookupField
from clerk_app.ui.matter_search import MatterSearchPanel
from clerk_app.ui.status_bar import StationStatusBar
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.today_list import TodayPanel

log = logging.getLogger(__name__)

MINIMUM_SIZE = (1200, 660)  # fits a 1366x768 screen with a task bar


class MainWindow(QMainWindow):
    """Search, intake, today's list and the status bar of one signed-in clerk."""

    def __init__(self, services: Services, actor: Actor, *,
                 taskman: TaskManager | None = None, reporter: ErrorReporter | None = None,
                 settings: CentreSettings | None = None) -> None:
        super().__init__()
        self.services = services
        self.actor = actor
        self.reporter = reporter or ErrorReporter(lambda: self)
        self._owns_taskman = taskman is None
        self.taskman = taskman or TaskManager(self.reporter)
        self.settings = settings or load_settings(services.ctx)
        self._day = services.ctx.today()
        self.drafts_dialog: DraftsDialog | None = None
        self.setWindowTitle(_("窗口受理 — {centre}").format(
            centre=self.settings.centre_name or "Clerk"))
        self.setMinimumSize(*MINIMUM_SIZE)

        catalogue = services.catalogue
        self.search_panel = MatterSearchPanel(
            services.matters.search, lambda code: catalogue.matter(code).withdrawn_reason)
        self.search_panel.results.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.lookup = LookupField()
        self.page = IntakePage(services.ctx.today)
        self.today_panel = TodayPanel()
        self.controller = IntakeController(
            self.page, services.intake, catalogue, services.intake.draft_revision, actor, self.taskman, self.reporter, services.ctx.today,
            parent=self)
        self.importer = CatalogueImporter(catalogue, services.matters, actor, self.taskman,
                                          self.reporter, self)
        self.status = StationStatusBar(actor, self.settings, self._day)
        self.setStatusBar(self.status)
        self._lay_out()
        self._build_menus()
        self._set_tab_order()

        self.search_panel.matter_chosen.connect(self.controller.start)
        self.lookup.number_entered.connect(self.controller.reopen)
        self.today_panel.number_activated.connect(self.controller.reopen)
        self.controller.confirmed.connect(lambda _result: self.refresh_today())
        self.controller.status.connect(self.status.say)
        self.importer.imported.connect(lambda _result: self.search_panel.rerun())
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(60_000)

        self.taskman.read(services.matters.refresh, context=_("准备事项检索"))
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
        top.setSizes([220, 1140])
        top.setChildrenCollapsible(False)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(top)
        outer.addWidget(self.today_panel)
        outer.setStretchFactor(0, 4)
        outer.setStretchFactor(1, 1)
        outer.setSizes([600, 96])
        outer.setChildrenCollapsible(False)
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
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("退出"), keymap.QUIT, self.close))
        work = bar.addMenu(_("办件(&B)"))
        self.find_action = self._action(_("查找事项 / 新办件"), keymap.FIND_MATTER,
                                        self.search_panel.focus_search)
        self.lookup_action = self._action(_("补交材料：打开办件编号"), keymap.LOOKUP_NUMBER,
                                          self.lookup.focus_field)
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
        for number, (label, keys) in enumerate(
                ((_("转到 申请人"), keymap.SECTION_APPLICANT),
                 (_("转到 材料清单"), keymap.SECTION_CHECKLIST),
                 (_("转到 受理决定"), keymap.SECTION_DECISION)), start=1):
            work.addAction(self._action(label, keys,
                                        lambda _checked=False, n=number: self.page.focus_section(n)))
        help_menu = bar.addMenu(_("帮助(&H)"))
        help_menu.addAction(self._action(_("快捷键一览"), keymap.HELP, self.show_keys))

    def _set_tab_order(self) -> None:
        chain = [self.search_panel.field] + self.page.tab_chain() + [
            self.lookup.field, self.lookup.open_button, self.today_panel.table]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- actions --------------------------------------------------------------------------

    def refresh_today(self) -> None:
        actor, day = self.actor, self.services.ctx.today()
        self.taskman.read(
            lambda: self.services.lookup.for_day(actor, day, window=actor.window or None),
            on_success=self._show_today, context=_("刷新今日办件"))

    def _show_today(self, rows: list[ApplicationRow]) -> None:
        self.today_panel.set_rows(rows)

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

    def _tick(self) -> None:
        today: date = self.services.ctx.today()
        if today != self._day:
            self._day = today
            self.status.set_day(today)
            self.refresh_today()

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Every queued draft save reaches the disk before the window goes."""
        self._clock.stop()
        if self._owns_taskman:
            self.taskman.shutdown()
        event.accept()
