"""A bundle as scanned or looked up: members, shared documents, what is ready; 补交, 告知书, 出件.

出件 waits by default until every member's result is ready (全部出件); the clerk may hand over
the ready ones first (先行出件) when the applicant asks. Each trip is counted on the bundle.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.handover import Collector, CollectorRole
from clerk_app.i18n import _
from clerk_app.services.bundles.handover import BundleReadiness
from clerk_app.services.bundles.view import BundleDetails
from clerk_app.ui.widgets import MessageLine, plain_label


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.verticalHeader().hide()
    return table


class BundleViewDialog(QDialog):
    """The bundle's page. Signals ask the controller to act (it owns the services).

    Signals:
        reopen_requested(str), notice_requested(str), handover_requested(str, object, bool):
        (number, Collector, early).
    """

    reopen_requested = Signal(str)
    notice_requested = Signal(str)
    handover_requested = Signal(str, object, bool)

    def __init__(self, details: BundleDetails, readiness: BundleReadiness,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(_("一件事 {n}").format(n=details.number))
        heading = plain_label(_("{name}　{number}").format(name=details.name,
                                                          number=details.number))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        heading.setFont(font)
        facts = [_("状态：{s}").format(s=details.status_label),
                 _("申请人：{n}（{d}）").format(n=details.applicant_name,
                                              d=details.applicant_document),
                 _("受理日期：{d}").format(d=details.received_on.isoformat()),
                 _("跑动次数：{t}").format(t=details.trips)]
        if details.combined_due:
            facts.append(_("联合办理承诺 {d} 前办结").format(d=details.combined_due.isoformat()))

        self.members = _table([_("事项"), _("办件编号"), _("结论"), _("状态"), _("办结期限"),
                               _("结果")])
        ready = {m.number for m in readiness.ready}
        self.members.setRowCount(len(details.members))
        for row, m in enumerate(details.members):
            due = m.due_date.isoformat() if m.due_date else "-"
            if m.due_date and m.due_provisional:
                due += _("（暂定）")
            result = _("可领取") if m.number in ready else (
                _("办理中") if m.status.is_open else m.status.label)
            for column, text in enumerate((m.matter_name, m.number, m.outcome_label,
                                           m.status.label, due, result)):
                self.members.setItem(row, column, QTableWidgetItem(text))
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.members.resizeRowsToContents()

        self.materials = _table([_("材料（收取一次）"), _("收取情况"), _("用于事项")])
        self.materials.setRowCount(len(details.materials))
        for row, line in enumerate(details.materials):
            state = (_("由「{m}」结果共享").format(m=line.shared_from) if line.shared_from
                     else line.state_label)
            for column, text in enumerate((line.name, state, "、".join(line.members))):
                self.materials.setItem(row, column, QTableWidgetItem(text))
        header = self.materials.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.materials.resizeRowsToContents()

        pending = readiness.pending
        summary = _("可领取 {r} 项；尚未办结 {p} 项").format(r=len(readiness.ready), p=len(pending))
        if pending:
            summary += _("（{names}）：默认待全部办结后一次领取").format(
                names="、".join(m.matter_name for m in pending))
        self.summary = plain_label(summary, wrap=True)

        self.collector_name = QLineEdit()
        self.collector_doc = QLineEdit()
        self.id_checked = QCheckBox(_("已核验申请人身份证件原件"))
        collector_box = QGroupBox(_("出件（申请人本人领取；他人代领请在各事项中办理）"))
        collector_form = QFormLayout(collector_box)
        collector_form.addRow(_("领取人姓名"), self.collector_name)
        collector_form.addRow(_("领取人身份证号码"), self.collector_doc)
        collector_form.addRow(self.id_checked)

        self.message = MessageLine()
        self.reopen_button = QPushButton(_("补交材料 (F5)"))
        self.notice_button = QPushButton(_("打印告知书 (Ctrl+P)"))
        self.all_button = QPushButton(_("全部出件"))
        self.early_button = QPushButton(_("先行出件（已办结的）"))
        close = QPushButton(_("关闭 (Esc)"))
        self.reopen_button.setEnabled(details.status == "correction")
        self.all_button.setEnabled(readiness.all_ready)
        self.early_button.setEnabled(bool(readiness.ready) and bool(pending))
        collector_box.setEnabled(bool(readiness.ready))
        for button in (self.reopen_button, self.notice_button, self.all_button,
                       self.early_button, close):
            button.setAutoDefault(False)
        self.reopen_button.clicked.connect(lambda: self.reopen_requested.emit(details.number))
        self.notice_button.clicked.connect(lambda: self.notice_requested.emit(details.number))
        self.all_button.clicked.connect(lambda: self._hand_over(False))
        self.early_button.clicked.connect(lambda: self._hand_over(True))
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence("F5"), self, self.reopen_button.click)
        QShortcut(QKeySequence("Ctrl+P"), self, self.notice_button.click)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(plain_label("　".join(facts), wrap=True))
        layout.addWidget(self.members, 2)
        layout.addWidget(self.materials, 3)
        layout.addWidget(self.summary)
        layout.addWidget(collector_box)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        for button in (self.reopen_button, self.notice_button, self.all_button,
                       self.early_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(1100, 680)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_rows)  # row heights for the columns' final widths

    def _fit_rows(self) -> None:
        self.members.resizeRowsToContents()
        self.materials.resizeRowsToContents()

    def _hand_over(self, early: bool) -> None:
        collector = Collector(CollectorRole.APPLICANT, self.collector_name.text().strip(),
                              "resident_id", self.collector_doc.text().strip(),
                              id_checked=self.id_checked.isChecked())
        self.handover_requested.emit(self.details.number, collector, early)
