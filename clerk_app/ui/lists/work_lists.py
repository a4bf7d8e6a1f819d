"""The lists under the intake, as tabs: 今日办件 (F6), 在办/预警 (F7), 容缺待补 (F8).

`refresh()` reads today's applications and the open ones' due dates in one task off the GUI
thread, fills both lists, and reports the 黄灯/红灯 counts (`due_counts`) for the status bar.
The 容缺待补 list (`OwedList`) refreshes itself. A row's Enter opens that application
(`number_activated`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTableView, QTabWidget, QWidget

from clerk_app.domain.workdays import DueStatus
from clerk_app.i18n import _
from clerk_app.services.intake.lookup import ApplicationRow, LookupService
from clerk_app.services.results.owed import OwedService
from clerk_app.services.station.context import Actor
from clerk_app.services.time_limits.deadlines import DeadlineRow, DeadlineService
from clerk_app.services.village.scope import is_agent
from clerk_app.ui.lists.deadline_list import DeadlinePanel
from clerk_app.ui.lists.owed_list import OwedList
from clerk_app.ui.lists.today_list import TodayPanel
from clerk_app.ui.taskman import TaskManager

Lists = tuple[list[ApplicationRow], list[DeadlineRow]]
TODAY_TAB, DEADLINE_TAB, OWED_TAB = range(3)


class WorkLists(QTabWidget):
    """Today's applications, the open ones with their warnings, and 容缺 materials owed.

    Signals:
        number_activated(str): open this application.
        due_counts(int, int): 黄灯 and 红灯 among the open applications (after each refresh).
    """

    number_activated = Signal(str)
    due_counts = Signal(int, int)

    def __init__(self, lookup: LookupService, deadlines: DeadlineService, owed: OwedService,
                 actor: Actor, taskman: TaskManager, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lookup = lookup
        self.deadlines = deadlines
        self.actor = actor
        self.taskman = taskman
        self.today = today
        self.today_panel = TodayPanel()
        self.deadline_panel = DeadlinePanel()
        self.owed_list = OwedList(owed, actor, taskman)
        self.addTab(self.today_panel, _("今日办件 (F6)"))
        self.addTab(self.deadline_panel, _("在办/预警 (F7)"))
        self.addTab(self.owed_list, _("容缺待补 (F8)"))
        self.setDocumentMode(True)
        self.today_panel.title.hide()  # its count is on the tab: one line more for rows
        self.setTabToolTip(TODAY_TAB, _("F5 刷新；选中一行按 Enter 打开办件"))
        for panel in (self.today_panel, self.deadline_panel, self.owed_list):
            panel.number_activated.connect(self.number_activated)
            table = panel.table
            table.model().modelReset.connect(lambda t=table: self._current_row(t))
        self.owed_list.received.connect(lambda _number: self.refresh())

    def refresh(self) -> None:
        """Re-read today's list and the warnings (and the owed list when it is shown)."""
        actor, day = self.actor, self.today()
        # A counter clerk's lists are the cases they answer for, wherever taken in: after an
        # AB岗移交 the B-post clerk sees them and the A-post clerk no longer does. Staff
        # without a window (supervisor, administrator) see the whole station.
        # An agent (代办员) sees their own cases only, wherever the station (issue 11).
        clerk_id = actor.user_id if actor.window or is_agent(actor) else None

        def read() -> Lists:
            return (self.lookup.for_day(actor, day, clerk_id=clerk_id),
                    self.deadlines.rows(clerk_id=clerk_id))

        self.taskman.read(read, on_success=self._show, context=_("刷新今日办件和预警"))
        if self.currentIndex() == OWED_TAB:
            self.owed_list.refresh()

    def _show(self, lists: Lists) -> None:
        today_rows, open_rows = lists
        due = {row.number: row for row in open_rows}
        self.today_panel.set_rows(today_rows, due)
        self.deadline_panel.set_rows(open_rows)
        yellow = sum(r.due_status is DueStatus.YELLOW for r in open_rows)
        red = sum(r.due_status is DueStatus.RED for r in open_rows)
        self.setTabText(TODAY_TAB, _("今日办件 {n} (F6)").format(n=len(today_rows)))
        warnings = _("，红灯 {r} 黄灯 {y}").format(r=red, y=yellow) if red or yellow else ""
        self.setTabText(DEADLINE_TAB, _("在办 {n}{warnings} (F7)").format(
            n=len(open_rows), warnings=warnings))
        self.due_counts.emit(yellow, red)

    def show_tab(self, tab: int) -> None:
        """Bring a list to the front and put the keyboard in its table."""
        self.setCurrentIndex(tab)
        panel = (self.today_panel, self.deadline_panel, self.owed_list)[tab]
        if tab == OWED_TAB:
            self.owed_list.refresh()
        panel.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._current_row(panel.table)

    @staticmethod
    def _current_row(table: QTableView) -> None:
        """A table with the keyboard always has a current row, so Enter opens something."""
        if table.hasFocus() and table.model().rowCount() and not table.currentIndex().isValid():
            table.selectRow(0)
