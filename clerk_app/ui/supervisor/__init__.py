"""The supervisor's tools (负责人): figures and the daily log, accounts, AB岗, idle screen lock.

Wiring (the main window owns none of the logic; each piece gets only the services it needs)::

    reports = ReportService(services.ctx, services.calendar.calendar,
                            CentreLog(services.ctx, centre_source))
    screen = SupervisorScreen(reports, FiguresService(reports), actor, taskman, today)
    screen.open_application.connect(controller.reopen_or_show)
    AccountsDialog(services.accounts, actor, taskman, settings.window_names, window).open()
    HandoverDialog(ReassignService(services.ctx), actor, taskman, window).open()
    IdleLock(window, services.accounts, actor, taskman, config.idle_lock_minutes).install()
"""

from __future__ import annotations

from clerk_app.ui.supervisor.accounts_dialog import AccountsDialog
from clerk_app.ui.supervisor.handover_dialog import HandoverDialog
from clerk_app.ui.supervisor.idle_lock import IdleLock, UnlockDialog
from clerk_app.ui.supervisor.screen import SupervisorScreen

__all__ = ["AccountsDialog", "HandoverDialog", "IdleLock", "SupervisorScreen", "UnlockDialog"]
