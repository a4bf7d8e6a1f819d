"""The application view (办件详情): what a scanned or looked-up 办件编号 opens.

Shows status, due date (the 预警 words and colour), applicant (masked for the role),
decisions, materials, visits and results handed over, with the actions that apply as buttons
with Alt mnemonics. The dialog only shows and asks: each button emits `requested(action)` and
`ApplicationActions` does the work. Scanning another notice while it is open shows that one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.intake.application_view import ApplicationDetails, MaterialLine
from clerk_app.ui.lists.due_format import due_cell
from clerk_app.ui.widgets import (
    ERROR_COLOUR,
    NOTE_COLOUR,
    MessageLine,
    fit_to_screen,
    plain_label,
    tooltip,
)


class Action(StrEnum):
    """What the clerk can do from the view."""

    REOPEN = "reopen"  # 补交材料
    HAND_OVER = "hand_over"  # 出件
    POST = "post"  # 邮寄送达
    REPRINT = "reprint"  # 补打通知书
    VIEW_NOTICE = "view_notice"  # 查看通知书
    PAUSE = "pause"  # 特别程序暂停计时
    RESUME = "resume"  # 恢复计时
    EXTEND = "extend"  # 延期


BUTTONS: tuple[tuple[Action, str, str], ...] = (
    (Action.REOPEN, _("补交材料(&B)"), _("打开该办件，登记补交的材料后重新决定")),
    (Action.HAND_OVER, _("出件(&C)"), _("核验领取人，交付办理结果，打印送达回证")),
    (Action.POST, _("邮寄送达(&Y)"), _("登记邮寄地址、寄出或签收")),
    (Action.REPRINT, _("补打通知书(&R)"), _("重新打印当前通知书，印“补打”字样并记入操作日志")),
    (Action.VIEW_NOTICE, _("查看通知书(&K)"), _("只查看，不打印")),
    (Action.PAUSE, _("暂停计时(&T)"), _("特别程序（检验、检测、鉴定、专家评审等）暂停计时")),
    (Action.RESUME, _("恢复计时(&H)"), _("特别程序结束，恢复计时")),
    (Action.EXTEND, _("延期(&E)"), _("经负责人批准延长办理期限")),
)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def _table(headers: Sequence[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(22)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]],
          alert: frozenset[int] = frozenset()) -> None:
    """Plain-text cells; rows in `alert` in the error colour."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(tooltip(text) if len(text) > 12 else "")
            if r in alert:
                item.setForeground(QBrush(QColor(ERROR_COLOUR)))
            table.setItem(r, c, item)


def _material_state(line: MaterialLine) -> str:
    if line.overdue:
        return _("容缺，逾期未补")
    return _("容缺，待补交") if line.owed else line.state_label


class ApplicationDialog(QDialog):
    """One application and its actions.

    Signals:
        requested(str): an `Action` value, for the application shown.
    """

    requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details: ApplicationDetails | None = None
        self.setWindowTitle(_("办件详情"))
        layout = QVBoxLayout(self)
        self.number = plain_label()
        self.number.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.matter = plain_label(wrap=True)
        self.matter.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.summary = plain_label(wrap=True)
        self.due = QLabel()
        self.due.setTextFormat(Qt.TextFormat.PlainText)
        self.due.setContentsMargins(6, 2, 6, 2)
        top = QHBoxLayout()
        top.addWidget(self.number)
        top.addWidget(self.matter, 1)
        layout.addLayout(top)
        line = QHBoxLayout()
        line.addWidget(self.summary, 1)
        line.addWidget(self.due, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(line)
        self.applicant = plain_label(wrap=True)
        self.results = plain_label(wrap=True)
        self.results.setStyleSheet(f"color: {NOTE_COLOUR};")
        layout.addWidget(self.applicant)
        layout.addWidget(self.results)

        grid = QGridLayout()
        self.decisions = _table((_("决定时间"), _("结论"), _("经办人"), _("文书编号")), 1)
        self.materials = _table((_("材料"), _("状态"), _("承诺补交日"), _("说明")), 0)
        self.visits = _table((_("时间"), _("事由"), _("经办人")), 1)
        for row, column, title, table in (
                (0, 0, _("受理决定"), self.decisions), (1, 0, _("跑动记录"), self.visits),
                (0, 1, _("材料"), self.materials)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            grid.addWidget(box, row, column, 1 if column == 0 else 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid, 1)

        self.message = MessageLine()
        layout.addWidget(self.message)
        actions = QHBoxLayout()
        self.buttons: dict[Action, QPushButton] = {}
        for action, text, tip in BUTTONS:
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, a=action: self._request(a))
            self.buttons[action] = button
            actions.addWidget(button)
        actions.addStretch(1)
        self.close_button = QPushButton(_("关闭 (Esc)"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        actions.addWidget(self.close_button)
        layout.addLayout(actions)
        self.resize(1040, 600)
        fit_to_screen(self)
        self.show_loading("")

    # -- showing ------------------------------------------------------------------------------

    def show_loading(self, number: str) -> None:
        self.details = None
        self.number.setText(number)
        self.matter.setText(_("正在读取……") if number else "")
        for widget in (self.summary, self.applicant, self.results, self.due):
            widget.setText("")
        self.due.hide()
        self.message.clear_message()
        for table in (self.decisions, self.materials, self.visits):
            table.setRowCount(0)
        for button in self.buttons.values():
            button.setEnabled(False)

    def show_problem(self, number: str, problem: str) -> None:
        self.show_loading(number)
        self.matter.setText("")
        self.message.show_error(problem)

    def show_details(self, details: ApplicationDetails) -> None:
        self.details = details
        self.number.setText(details.number)
        self.matter.setText(details.matter_name)
        parts = [_("状态：{s}").format(s=details.status.label)]
        if details.outcome_label:
            parts.append(_("结论：{o}").format(o=details.outcome_label))
        parts.append(_("收件日 {d}").format(d=_day(details.received_on)))
        if details.window:
            parts.append(_("{w}窗口").format(w=details.window))
        if details.clerk:
            parts.append(_("经办 {c}").format(c=details.clerk))
        parts.append(_("送达方式：{m}").format(m=details.delivery_method))
        self.summary.setText(" · ".join(parts))
        self._show_due(details)
        applicant = _("申请人 {name}　{doc}　电话 {phone}").format(
            name=details.applicant_name, doc=details.applicant_document,
            phone=details.applicant_phone or _("（无）"))
        if details.agent_name:
            applicant += "　" + _("代理人 {name}").format(name=details.agent_name)
        self.applicant.setText(applicant)
        self.results.setText(self._results_text(details))
        self.results.setVisible(bool(self.results.text()))
        _fill(self.decisions, [(_when(d.decided_at), d.outcome_label, d.clerk, d.serial)
                               for d in details.decisions])
        _fill(self.materials, [(m.name, _material_state(m), _day(m.promised_date), m.note)
                               for m in details.materials],
              frozenset(i for i, m in enumerate(details.materials) if m.overdue))
        _fill(self.visits, [(_when(v.visited_at), v.purpose, v.clerk) for v in details.visits])
        self._enable(details)

    def _show_due(self, details: ApplicationDetails) -> None:
        if details.due is not None:
            text, colour, tip = due_cell(details.due)
            self.due.setText(_("承诺办结：{text}").format(text=text))
            self.due.setToolTip(tooltip(tip))
            background = colour.name() if colour.isValid() else "transparent"
            self.due.setStyleSheet(f"background: {background}; border: 1px solid #c0c4c8;"
                                   " font-weight: bold;")
            self.due.show()
        elif details.due_date is not None:
            self.due.setText(_("承诺办结日 {d}").format(d=_day(details.due_date)))
            self.due.setToolTip("")
            self.due.setStyleSheet("")
            self.due.show()
        else:
            self.due.hide()

    @staticmethod
    def _results_text(details: ApplicationDetails) -> str:
        lines = []
        for _id, at, role in details.handovers:
            lines.append(_("{at} 已出件（{role}领取）").format(at=_when(at), role=role))
        if details.postal_stage is not None:
            lines.append(_("邮寄送达：{stage}").format(stage=details.postal_stage.label))
        if details.clock is not None and details.clock.special_pause_since is not None:
            lines.append(_("特别程序暂停计时：自 {d} 起，{r}").format(
                d=_day(details.clock.special_pause_since), r=details.clock.special_pause_reason))
        return "\n".join(lines)

    def _enable(self, details: ApplicationDetails) -> None:
        clock = details.clock
        supervisor = details.may_pause_clock and clock is not None
        enabled = {
            Action.REOPEN: details.can_reopen,
            Action.HAND_OVER: details.can_hand_over,
            Action.POST: details.can_post,
            Action.REPRINT: details.has_notice and details.may_reprint,
            Action.VIEW_NOTICE: details.has_notice,
            Action.PAUSE: supervisor and clock is not None and clock.special_pause_since is None,
            Action.RESUME: supervisor and clock is not None
            and clock.special_pause_since is not None,
            Action.EXTEND: supervisor and clock is not None and not clock.paused
            and clock.extension_left > 0,
        }
        for action, button in self.buttons.items():
            button.setEnabled(enabled[action])
        for action in (Action.PAUSE, Action.RESUME, Action.EXTEND):
            self.buttons[action].setVisible(details.may_pause_clock)
        first = next((self.buttons[a] for a in Action if enabled[a]), self.close_button)
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _request(self, action: Action) -> None:
        if self.details is not None and self.buttons[action].isEnabled():
            self.message.clear_message()
            self.requested.emit(action.value)
