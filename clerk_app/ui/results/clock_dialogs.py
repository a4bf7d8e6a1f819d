"""Dialogs for the clock of an application: 特别程序暂停, 恢复计时, 延期.

Each dialog only collects and checks what is typed; on 确定 it hands a request to the
``submit`` callback the caller passed (which queues the ClockService call on the task manager)
and waits: the caller answers with :meth:`ClockDialog.succeeded` (the dialog closes) or
:meth:`ClockDialog.failed` (the message is shown, the input is kept). Keyboard: every field has
an Alt mnemonic, Tab moves in reading order, Enter is 确定, Esc is 取消; dates change with the
arrow keys or by typing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.workdays import PauseKind
from clerk_app.i18n import _
from clerk_app.services.time_limits.clock import MAX_EXTENSION_DAYS, SPECIAL_PROCEDURES
from clerk_app.ui.widgets import MessageLine, plain_label


@dataclass(frozen=True)
class PauseRequest:
    """特别程序暂停: what ClockService.pause needs."""

    number: str
    kind: PauseKind
    reason: str
    expected_end: date


@dataclass(frozen=True)
class ResumeRequest:
    """恢复计时 on a day."""

    number: str
    on: date


@dataclass(frozen=True)
class ExtensionRequest:
    """延期: days, approver and reason."""

    number: str
    days: int
    approver: str
    reason: str


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class DayDateEdit(QDateEdit):
    """A date field whose arrow keys move by whole days (across month ends), 10 with PgUp/PgDn.

    It opens on the day section; Shift+Tab/Left reach the month and the year, typed digits
    replace the selected section, and Alt+Down opens the calendar.
    """

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.setCurrentSection(QDateTimeEdit.Section.DaySection)

    def _by_days(self) -> bool:
        showing_blank = bool(self.specialValueText()) and self.date() == self.minimumDate()
        return showing_blank or self.currentSection() is QDateTimeEdit.Section.DaySection

    def stepBy(self, steps: int) -> None:
        if self._by_days():
            self.setDate(self.date().addDays(steps))  # clamped to the range by Qt
            self.setCurrentSection(QDateTimeEdit.Section.DaySection)
        else:
            super().stepBy(steps)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        if not self._by_days():
            return super().stepEnabled()
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.date() < self.maximumDate():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self.date() > self.minimumDate():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags


def date_edit(first: date, last: date, initial: date | None) -> QDateEdit:
    """A keyboard-friendly date field; with ``initial`` None it shows 请选择 until a date is set."""
    edit = DayDateEdit()
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    if initial is None:  # the day before ``first`` stands for "not chosen yet"
        edit.setMinimumDate(_qdate(first - timedelta(days=1)))
        edit.setSpecialValueText(_("请选择"))
        edit.setMaximumDate(_qdate(last))
        edit.setDate(edit.minimumDate())
    else:
        edit.setDateRange(_qdate(first), _qdate(last))
        edit.setDate(_qdate(initial))
    return edit


class ClockDialog(QDialog):
    """The shared frame: a heading, a form, a message line, 确定 and 取消."""

    def __init__(self, title: str, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(heading, wrap=True))
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.ok: QPushButton = self.buttons.addButton(
            _("确定"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel: QPushButton = self.buttons.addButton(
            _("取消 (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setDefault(True)
        self.cancel.setAutoDefault(False)  # Enter never means 取消, whatever has the focus
        self.ok.clicked.connect(self._confirm)
        self.cancel.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.busy = False

    # -- the caller's answer ----------------------------------------------------------------

    def succeeded(self) -> None:
        """The service call went through: close."""
        self.busy = False
        self.accept()

    def failed(self, message: str) -> None:
        """The service refused (or failed): show why, keep the input, allow another try."""
        self._set_busy(False)
        self.message.show_error(message)

    # -- validation -------------------------------------------------------------------------

    def problem(self) -> str | None:
        """What is wrong with the input, in Chinese; None when it can be sent."""
        raise NotImplementedError

    def send(self) -> None:
        """Hand the request to the caller's callback."""
        raise NotImplementedError

    def accept_input(self) -> bool:
        """Validate and send (what 确定 and Enter do); False when something must be fixed."""
        if self.busy:
            return False
        problem = self.problem()
        if problem:
            self.message.show_error(problem)
            return False
        self.message.show_note(_("正在保存…"))
        self._set_busy(True)
        self.send()
        return True

    def _confirm(self) -> None:
        self.accept_input()

    def _set_busy(self, busy: bool) -> None:
        # the fields stay enabled: disabling the focused one would move the focus (and Enter)
        # to 取消; `busy` alone keeps a second Enter from sending twice
        self.busy = busy
        self.ok.setEnabled(not busy)


class SpecialPauseDialog(ClockDialog):
    """特别程序暂停计时 (行政许可法 第四十五条): procedure, reason, expected end."""

    def __init__(self, number: str, today: date, submit: Callable[[PauseRequest], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("特别程序暂停计时"), _(
            "办件 {n}：听证、检验、检测、鉴定、专家评审等特别程序所需时间不计入办理时限，"
            "须书面告知申请人所需时间。").format(n=number), parent)
        self.number, self.today, self._submit = number, today, submit
        self.procedure = QComboBox()
        self.procedure.addItems(list(SPECIAL_PROCEDURES))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("如：委托县检测站检测房屋安全"))
        self.reason.setMaxLength(200)
        self.expected_end = date_edit(today, today + timedelta(days=366), None)
        self.form.addRow(_("特别程序(&K)："), self.procedure)
        self.form.addRow(_("事由(&R)："), self.reason)
        self.form.addRow(_("预计结束(&E)："), self.expected_end)
        self.procedure.setFocus()

    def chosen_end(self) -> date | None:
        if self.expected_end.date() == self.expected_end.minimumDate():
            return None
        return _pydate(self.expected_end.date())

    def problem(self) -> str | None:
        if not self.reason.text().strip():
            self.reason.setFocus()
            return _("请写明事由（做什么、由谁进行）")
        end = self.chosen_end()
        if end is None or end < self.today:
            self.expected_end.setFocus()
            return _("请选择预计结束日期（不早于今天），并书面告知申请人")
        return None

    def request(self) -> PauseRequest:
        end = self.chosen_end()
        assert end is not None
        reason = f"{self.procedure.currentText()}：{self.reason.text().strip()}"
        return PauseRequest(self.number, PauseKind.SPECIAL_PROCEDURE, reason, end)

    def send(self) -> None:
        self._submit(self.request())


class ResumeDialog(ClockDialog):
    """恢复计时: the day the 特别程序's result came in (from its start to today)."""

    def __init__(self, number: str, today: date, paused_since: date, what: str,
                 submit: Callable[[ResumeRequest], None], parent: QWidget | None = None) -> None:
        super().__init__(_("恢复计时"), _(
            "办件 {n}：{what}，自 {since} 起暂停计时。恢复当日不计入，次日起继续计算。").format(
            n=number, what=what, since=paused_since.isoformat()), parent)
        self.number, self._submit = number, submit
        self.on = date_edit(paused_since, today, today)
        self.form.addRow(_("恢复日期(&D)："), self.on)
        self.on.setFocus()

    def problem(self) -> str | None:
        return None  # the field's range already holds it between the pause's start and today

    def request(self) -> ResumeRequest:
        return ResumeRequest(self.number, _pydate(self.on.date()))

    def send(self) -> None:
        self._submit(self.request())


class ExtensionDialog(ClockDialog):
    """延期 (行政许可法 第四十二条): days (at most what is left of ten), approver, reason."""

    def __init__(self, number: str, days_left: int, submit: Callable[[ExtensionRequest], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("延期"), _(
            "办件 {n}：依据《行政许可法》第四十二条，期限内不能办结的，经本机关负责人批准可延长"
            "十日，并应将延长期限的理由告知申请人。本办件还可延长 {left} 日。").format(
            n=number, left=days_left), parent)
        self.number, self.days_left, self._submit = number, days_left, submit
        self.days = QSpinBox()
        self.days.setRange(1, max(1, min(days_left, MAX_EXTENSION_DAYS)))
        self.days.setValue(self.days.maximum())
        self.days.setSuffix(_(" 日"))
        self.approver = QLineEdit()
        self.approver.setPlaceholderText(_("批准延期的负责人姓名"))
        self.approver.setMaxLength(40)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("延期理由（将告知申请人）"))
        self.reason.setMaxLength(200)
        self.form.addRow(_("延长天数(&N)："), self.days)
        self.form.addRow(_("批准人(&A)："), self.approver)
        self.form.addRow(_("延期理由(&R)："), self.reason)
        if days_left <= 0:
            self.message.show_error(_("本办件已延期满十日，不能再延期"))
            self.ok.setEnabled(False)
        self.days.setFocus()

    def problem(self) -> str | None:
        if self.days_left <= 0:
            return _("本办件已延期满十日，不能再延期")
        if not self.approver.text().strip():
            self.approver.setFocus()
            return _("请填写批准延期的负责人")
        if not self.reason.text().strip():
            self.reason.setFocus()
            return _("请填写延期理由")
        return None

    def request(self) -> ExtensionRequest:
        return ExtensionRequest(self.number, self.days.value(), self.approver.text().strip(),
                                self.reason.text().strip())

    def send(self) -> None:
        self._submit(self.request())
