"""The intake page: the matter chosen, the applicant, the checklist and the decision, laid out.

It turns what is on screen into an `IntakeForm` (and back); the controller decides what to do
with it. Sections: ① 申请人 (Alt+1), ② 材料清单 (Alt+2), ③ 受理决定 (Alt+3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.catalogue import Matter
from clerk_app.domain.remedy import refusal_basis
from clerk_app.i18n import _
from clerk_app.services.intake.intake import Assessment
from clerk_app.services.intake.intake_form import FieldProblem, IntakeForm
from clerk_app.ui.attachments.pages_strip import PagesStrip
from clerk_app.ui.intake.applicant_section import ApplicantSection
from clerk_app.ui.intake.checklist_model import ChecklistModel
from clerk_app.ui.intake.checklist_view import ChecklistTable
from clerk_app.ui.intake.decision_panel import DecisionPanel
from clerk_app.ui.widgets import NOTE_COLOUR, MessageLine, plain_label, tooltip


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


DECISION_WIDTH = 340  # the decision column at 1366 pixels; wider screens widen the checklist


class IntakePage(QWidget):
    """What the clerk fills in for one intake.

    Signals:
        changed(): anything on the form edited by the clerk.
    """

    changed = Signal()

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: IntakeForm | None = None
        self.matter: Matter | None = None
        self._loading = False
        self._applicant_height = 0

        self.title = plain_label()
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.meta = plain_label()
        self.meta.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.meta.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.applicant = ApplicantSection()
        self.checklist_model = ChecklistModel(today)
        self.checklist = ChecklistTable(self.checklist_model)
        self.checklist_hint = MessageLine()
        self.pages_strip = PagesStrip()
        self.decision = DecisionPanel()

        # Layout for a 1366x768 counter screen: the applicant (three lines for a person) over
        # the checklist on the left, the decision with everything that blocks it the whole
        # height on the right; the applicant scrolls only when an organisation with its
        # 经办人 and an agent needs more than half the height.
        applicant_box = QGroupBox(_("① 申请人 (Alt+1)"))
        self.applicant_area = _scrolled(self.applicant)
        QVBoxLayout(applicant_box).addWidget(self.applicant_area)
        checklist_box = QGroupBox(_("② 材料清单 (Alt+2)　数字键 1–7 选状态，空格 勾选条件，Enter 修改"))
        checklist_layout = QVBoxLayout(checklist_box)
        checklist_layout.addWidget(self.checklist, 1)
        checklist_layout.addWidget(self.checklist_hint)
        checklist_layout.addWidget(self.pages_strip)
        decision_box = QGroupBox(_("③ 受理决定 (Alt+3)"))
        QVBoxLayout(decision_box).addWidget(self.decision)
        self.boxes = (applicant_box, checklist_box, decision_box)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(applicant_box)
        self.splitter.addWidget(checklist_box)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 400])
        self.splitter.setChildrenCollapsible(False)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.splitter)
        top.addWidget(decision_box)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 0)
        top.setSizes([800, DECISION_WIDTH])
        top.setChildrenCollapsible(False)
        self.columns = top

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(2)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.meta, 1)
        content_layout.addLayout(header)
        content_layout.addWidget(self.columns, 1)
        self.empty = plain_label(_("按 F2 查找事项开始受理；申请人拿通知书回来时，扫描条码（或 Ctrl+L 输入编号）即打开该办件。"),
                                 wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.applicant.changed.connect(self._applicant_changed)
        self.checklist_model.changed.connect(self._emit_changed)
        self.checklist.hint.connect(self.checklist_hint.show_note)
        self.decision.changed.connect(self._emit_changed)

    # -- loading --------------------------------------------------------------------------

    def load(self, matter: Matter, form: IntakeForm) -> None:
        self._loading = True
        try:
            self.matter = matter
            self._base = form
            self.title.setText(matter.name)
            self.meta.setText(self._meta_text(matter, form))
            self.meta.setToolTip(tooltip(self.meta.text()))
            self.applicant.load(matter, form)
            self.checklist_model.load(matter, form.materials, form.context())
            self.checklist_hint.clear_message()
            self.decision.set_default_basis(refusal_basis(matter.kind, matter.legal_basis))
            self.decision.reset()
            self.decision.load_refusal(form.refusal)
            self.set_editable(True)
            self.stack.setCurrentIndex(1)
        finally:
            self._loading = False
        self.fit_checklist()

    def fit_checklist(self) -> None:
        """The applicant gets the height its fields need (at most half the column, then it
        scrolls); the checklist the rest, its rows as tall as their wrapped names."""
        self.checklist.resizeRowsToContents()
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        box = self.boxes[0]
        frame = box.sizeHint().height() - self.applicant_area.sizeHint().height()
        wanted = self.applicant.sizeHint().height() + max(frame, 0) + 4
        applicant = min(wanted, total // 2)
        self.splitter.setSizes([applicant, total - applicant])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.loaded:
            self.fit_checklist()

    def clear(self) -> None:
        self._base = None
        self.matter = None
        self.checklist_model.load(None, {}, IntakeForm("", 0).context())
        self.decision.reset()
        self.stack.setCurrentIndex(0)

    @property
    def loaded(self) -> bool:
        return self._base is not None

    @staticmethod
    def _meta_text(matter: Matter, form: IntakeForm) -> str:
        # what the clerk reads first comes first; the long code last (the tooltip has it all)
        parts = [_("窗口：{w}").format(w="、".join(matter.windows)), matter.kind,
                 matter.handling.label]
        if matter.promised_limit.days:
            parts.append(_("承诺 {limit}").format(limit=matter.promised_limit.label))
        parts.append(matter.code)
        text = " · ".join(parts)
        if form.application_number:
            text = _("补交材料 · 办件编号 {n} · ").format(n=form.application_number) + text
        return text

    # -- reading --------------------------------------------------------------------------

    def form(self) -> IntakeForm:
        """The intake as it stands on screen."""
        assert self._base is not None, "no intake loaded"
        form = self.applicant.fill(self._base)
        return replace(form, materials=self.checklist_model.entries(),
                       clerk_applies=self.checklist_model.clerk_applies(),
                       refusal=self.decision.refusal())

    # -- showing the assessment -----------------------------------------------------------

    def show_assessment(self, assessment: Assessment, all_field_problems: list[FieldProblem],
                        overrides: dict[str, str], reveal: bool) -> None:
        self.applicant.show_problems(all_field_problems, overrides, reveal)
        self.decision.show_assessment(assessment)

    def set_editable(self, editable: bool) -> None:
        self.applicant.setEnabled(editable)
        self.checklist_model.set_editable(editable)
        self.decision.set_editable(editable)

    # -- focus ----------------------------------------------------------------------------

    def focus_section(self, section: int) -> None:
        if not self.loaded:
            return
        if section == 1:
            self.applicant.first_input().setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif section == 2:
            self.checklist.focus_first()
        else:
            target = self.decision.confirm if self.decision.confirm.isEnabled() else (
                self.decision.refuse)
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def tab_chain(self) -> list[QWidget]:
        return self.applicant.tab_chain() + [self.checklist] + self.decision.tab_chain()

    # -- internals ------------------------------------------------------------------------

    def _applicant_changed(self) -> None:
        self.checklist_model.set_context(self.applicant.applicant_type(),
                                         self.applicant.has_agent.isChecked())
        height = self.applicant.sizeHint().height()
        if height != self._applicant_height:  # an organisation, an agent, a message line
            self._applicant_height = height
            self.fit_checklist()
        self._emit_changed()

    def _emit_changed(self) -> None:
        if not self._loading and self.loaded:
            self.changed.emit()
