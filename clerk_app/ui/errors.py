"""Errors shown to the clerk: user-caused ones as clear messages, program faults in a dialog.

User errors (IntakeError, AccountError, PermissionDenied, CatalogueError, ClockError, …)
carry Chinese messages written for the clerk. Anything else is a fault of the program: it is
logged with its context and shown in a dialog that lets the clerk carry on working. No dialog
here blocks the caller (they are opened window-modal with `open()`), so the worker results
that follow keep arriving.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.calendar_import import CalendarImportError
from clerk_app.domain.catalogue import CatalogueError
from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import AttachmentRefused
from clerk_app.services.attachments.page_files import PageDamaged
from clerk_app.services.attachments.service import AttachmentError
from clerk_app.services.intake.intake import IntakeError
from clerk_app.services.intake.notices import NoticeError
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.station.permissions import PermissionDenied
from clerk_app.services.supervision.accounts import AccountError
from clerk_app.services.supervision.reassign import ReassignError
from clerk_app.services.supervision.reports import ReportError
from clerk_app.services.time_limits.clock import ClockError
from clerk_app.services.village.batches import VillageError
from clerk_app.store.database import DatabaseUnavailable
from clerk_app.store.faults import FaultKind, KnownFault, known_fault

log = logging.getLogger(__name__)

USER_ERRORS: tuple[type[Exception], ...] = (
    IntakeError, AccountError, PermissionDenied, CatalogueError, ResultsError, NoticeError,
    CalendarImportError, ClockError, ReportError, ReassignError,
    AttachmentRefused, AttachmentError, PageDamaged,
    VillageError,
    DatabaseUnavailable)  # wrong key, damaged file: said in words with the way to restore

# Exception messages from these modules may quote the SQL parameters (names, ID numbers).
_QUIET_MODULES = ("sqlalchemy", "sqlite3", "sqlcipher3")


def is_user_error(exc: BaseException) -> bool:
    """Whether the clerk caused this (and its message is written for the clerk)."""
    return isinstance(exc, USER_ERRORS)


def problems_of(exc: BaseException) -> list[str]:
    """The Chinese problem lines of a user error."""
    problems = getattr(exc, "problems", None)
    if isinstance(problems, list) and problems:
        return [str(p) for p in problems]
    return [line for line in str(exc).splitlines() if line.strip()] or [_("操作未能完成")]


def safe_traceback(exc: BaseException) -> str:
    """The traceback, without messages that may quote personal data (database parameters)."""
    te = traceback.TracebackException.from_exception(exc)
    lines = list(te.stack.format())
    module = type(exc).__module__ or ""
    if module.startswith(_QUIET_MODULES):
        lines.append(f"{module}.{type(exc).__qualname__} (message withheld)\n")
    else:
        lines.extend(te.format_exception_only())
    return "".join(lines)


class ProgramErrorDialog(QDialog):
    """Tells the clerk that something went wrong in the program; the work so far is kept."""

    def __init__(self, context: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("程序出错"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        text = QLabel(_("“{what}”时程序出错。窗口中已录入的内容仍在，可以继续工作；如果反复出现，"
                        "请把下面的信息告诉技术支持人员（日志中也有记录）。").format(what=context))
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        layout.addWidget(text)
        box = QPlainTextEdit(details)
        box.setReadOnly(True)
        box.setMinimumHeight(160)
        layout.addWidget(box)
        buttons = QDialogButtonBox()
        carry_on = buttons.addButton(_("继续工作(&C)"), QDialogButtonBox.ButtonRole.AcceptRole)
        carry_on.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(620, 360)


class ErrorReporter:
    """Shows errors relative to a parent window (given lazily: the window may come later)."""

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self._parent = parent
        self._open: list[QWidget] = []  # keep non-blocking dialogs alive while shown
        self.program_errors = 0
        self.known_faults = 0
        self._faults_shown: set[FaultKind] = set()

    def user_error(self, exc: BaseException, title: str = "") -> QMessageBox:
        """A clear message for an error the clerk can fix."""
        return self.message(title or _("无法完成"), problems_of(exc))

    def message(self, title: str, lines: list[str],
                icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
        box = QMessageBox(icon, title, "", QMessageBox.StandardButton.Ok, self._parent())
        box.setTextFormat(Qt.TextFormat.PlainText)
        shown = lines[:15]
        text = "\n".join(shown)
        if len(lines) > len(shown):
            box.setDetailedText("\n".join(lines))
            text += "\n" + _("……共 {n} 条，点“显示详细信息”查看全部").format(n=len(lines))
        box.setText(text)
        self._show(box)
        return box

    def known_fault(self, fault: KnownFault) -> QMessageBox | None:
        """A fault of the machine (disk full, folder gone, …) in words, not a traceback; one
        message per kind while it is open, however many saves fail behind it."""
        log.warning("known fault: %s", fault.kind.value)
        self.known_faults += 1
        if fault.kind in self._faults_shown:
            return None
        box = self.message(_("无法保存"), [fault.message])
        self._faults_shown.add(fault.kind)
        box.finished.connect(lambda *_args, kind=fault.kind: self._faults_shown.discard(kind))
        return box

    def program_error(self, exc: BaseException, context: str) -> QWidget | None:
        """Log a program fault with its context and show it; the clerk carries on. A known
        fault of the machine is said in words instead (`known_fault`)."""
        fault = known_fault(exc)
        if fault is not None:
            return self.known_fault(fault)
        details = safe_traceback(exc)
        log.error("program error while %s:\n%s", context, details)
        self.program_errors += 1
        dialog = ProgramErrorDialog(context, details, self._parent())
        self._show(dialog)
        return dialog

    def report(self, exc: BaseException, context: str) -> None:
        """Route an exception to the right presentation."""
        if is_user_error(exc):
            self.user_error(exc)
        else:
            self.program_error(exc, context)

    def _show(self, dialog: QWidget) -> None:
        self._open.append(dialog)
        dialog.destroyed.connect(lambda *_args, d=dialog: self._forget(d))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        if isinstance(dialog, QDialog):
            dialog.finished.connect(lambda *_args, d=dialog: self._forget(d))
            dialog.open()
        else:
            dialog.show()

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self._open:
            self._open.remove(dialog)

    @property
    def open_dialogs(self) -> list[QWidget]:
        return list(self._open)
