"""The decision (受理决定): the outcome the domain proposes, explained, and the clerk's choice.

Shows the proposed outcome with its explanation, the 一次性补正 list (every missing or
defective material with what is required), everything that still blocks confirmation, the
refusal section (不予受理: ground, reason, legal basis, and the body to apply to) and, once
confirmed, the application number and due date.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.decision import Outcome, Refusal, RefusalGround
from clerk_app.domain.remedy import LICENCE_REFUSAL_BASIS
from clerk_app.i18n import _
from clerk_app.services.intake.intake import Assessment, ConfirmResult
from clerk_app.services.intake.intake_form import FieldProblem
from clerk_app.services.village.collection import CollectResult
from clerk_app.ui.widgets import ERROR_COLOUR, NOTE_COLOUR, OK_COLOUR, plain_label

CONFIRM_KEYS = "Ctrl+Enter"
DEFAULT_BASIS = LICENCE_REFUSAL_BASIS  # only for 行政许可; see set_default_basis

_OUTCOME_COLOURS = {
    Outcome.CORRECTION: "#9a5b00",
    Outcome.REFUSED: ERROR_COLOUR,
}


def confirm_text(outcome: Outcome) -> str:
    label = {
        Outcome.CORRECTION: _("出具一次性补正告知"),
        Outcome.REFUSED: _("确认不予受理"),
        Outcome.DONE_ON_SPOT: _("确认即办"),
    }.get(outcome, _("确认{outcome}").format(outcome=outcome.label))
    return f"{label} ({CONFIRM_KEYS})"


class DecisionPanel(QWidget):
    """Proposed outcome, problems, refusal and the confirm button.

    Signals:
        changed(): the refusal section was edited.
        confirm_requested(): the clerk pressed the confirm button.
    """

    changed = Signal()
    confirm_requested = Signal()
    collect_mode = False  # set_collect_mode(): an agent 代收 the matter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        details = QWidget()
        layout = QVBoxLayout(details)
        layout.setContentsMargins(0, 0, 4, 0)
        self.result = QFrame()
        layout.addWidget(self.result)
        self.outcome = plain_label()
        font = self.outcome.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.outcome.setFont(font)
        layout.addWidget(self.outcome)
        # The refusal fields sit right under the one-line outcome: blocker lines that come and
        # go below them never move the field being typed in.
        self.refusal_slot = QVBoxLayout()
        self.refusal_slot.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.refusal_slot)
        self.explanation = plain_label(wrap=True)
        layout.addWidget(self.explanation)
        self.blockers = plain_label(wrap=True)
        self.blockers.setStyleSheet(f"color: {ERROR_COLOUR};")
        layout.addWidget(self.blockers)
        self.correction_title = plain_label()
        self.correction_title.setStyleSheet("font-weight: bold;")
        self.correction = plain_label(wrap=True)
        self.correction.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.refuse = QCheckBox(_("不予受理(&R)"))
        self.refusal_box = QGroupBox(_("不予受理"))
        form = QFormLayout(self.refusal_box)
        self.ground = QComboBox()
        for ground in RefusalGround:
            self.ground.addItem(ground.label, ground.value)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("向申请人说明的理由"))
        self.reason.setMaxLength(1000)
        self.basis = QLineEdit()
        self.basis.setPlaceholderText(_("如：{basis}").format(basis=DEFAULT_BASIS))
        self.basis.setMaxLength(500)
        self.redirect = QLineEdit()
        self.redirect.setPlaceholderText(_("如：县市场监督管理局"))
        self.redirect.setMaxLength(200)
        form.addRow(_("理由类别"), self.ground)
        form.addRow(_("理由"), self.reason)
        form.addRow(_("法律依据"), self.basis)
        form.addRow(_("应向何机关申请"), self.redirect)
        self.refusal_box.hide()
        self.refusal_slot.addWidget(self.refusal_box)
        self._default_basis = ""
        layout.addWidget(self.correction_title)
        layout.addWidget(self.correction)

        self.confirm = QPushButton(confirm_text(Outcome.ACCEPTED))
        self.confirm.setToolTip(_("确认本次决定并生成办件编号（{keys}）").format(keys=CONFIRM_KEYS))
        self.confirm.setAutoDefault(False)
        self.confirm.setMinimumHeight(32)

        self.result.setFrameShape(QFrame.Shape.StyledPanel)
        result_layout = QVBoxLayout(self.result)
        self.result_title = plain_label()
        self.result_title.setStyleSheet(f"color: {OK_COLOUR}; font-weight: bold;")
        self.result_number = plain_label()  # 办件编号 above its 23 digits: fits the panel
        number_font = self.result_number.font()
        number_font.setPointSizeF(number_font.pointSizeF() * 1.3)
        number_font.setBold(True)
        self.result_number.setFont(number_font)
        self.result_number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_details = plain_label(wrap=True)
        for widget in (self.result_title, self.result_number, self.result_details):
            result_layout.addWidget(widget)
        self.result.hide()
        layout.addStretch(1)

        self.details_area = scroll = QScrollArea()
        scroll.setWidget(details)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        actions = QHBoxLayout()
        actions.addWidget(self.refuse)
        actions.addStretch(1)
        actions.addWidget(self.confirm)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addLayout(actions)

        self.refuse.toggled.connect(self._refuse_toggled)
        self.ground.currentIndexChanged.connect(self._ground_changed)
        for edit in (self.reason, self.basis, self.redirect):
            edit.textEdited.connect(lambda _text: self.changed.emit())
        self.confirm.clicked.connect(self.confirm_requested)
        self._ground_changed()

    # -- the refusal ----------------------------------------------------------------------

    def set_default_basis(self, basis: str) -> None:
        """The basis a refusal of the current matter cites unless the clerk writes another
        (行政许可法 第三十二条 for licences only; other matters their own 设定依据)."""
        self._default_basis = basis
        self.basis.setPlaceholderText(_("如：{basis}").format(basis=basis) if basis else "")

    def refusal(self) -> Refusal | None:
        if not self.refuse.isChecked():
            return None
        ground = RefusalGround(str(self.ground.currentData()))
        return Refusal(ground=ground, reason=self.reason.text(), legal_basis=self.basis.text(),
                       redirect_body=self.redirect.text() if ground is RefusalGround.NOT_OUR_MATTER
                       else "")

    def load_refusal(self, refusal: Refusal | None) -> None:
        self.blockSignals(True)
        try:
            self.refuse.setChecked(refusal is not None)
            self.ground.setCurrentIndex(max(self.ground.findData(
                refusal.ground.value if refusal else RefusalGround.NOT_ELIGIBLE.value), 0))
            self.reason.setText(refusal.reason if refusal else "")
            self.basis.setText(refusal.legal_basis if refusal else "")
            self.redirect.setText(refusal.redirect_body if refusal else "")
        finally:
            self.blockSignals(False)
        self.refusal_box.setVisible(refusal is not None)
        self._ground_changed()

    # -- showing the assessment -----------------------------------------------------------

    def show_assessment(self, assessment: Assessment) -> None:
        outcome = assessment.check.outcome
        self.outcome.setText(_("拟作结论：{outcome}").format(outcome=outcome.label))
        self.outcome.setStyleSheet(f"color: {_OUTCOME_COLOURS.get(outcome, OK_COLOUR)};")
        explanation = assessment.check.explanation
        if outcome is Outcome.REFUSED and assessment.proposed is not Outcome.REFUSED:
            explanation = _("按材料情况应为「{proposed}」；您选择了不予受理，须写明理由和法律依据").format(
                proposed=assessment.proposed.label)
        self.explanation.setText(explanation)
        problems = assessment.evaluation.problems if outcome is not Outcome.REFUSED else ()
        if problems:
            self.correction_title.setText(_("一次性补正告知（共 {n} 项）").format(n=len(problems)))
            self.correction.setText("\n".join(
                f"{n}. {p.material.name}：{p.required}" for n, p in enumerate(problems, 1)))
        else:
            self.correction_title.setText("")
            self.correction.setText("")
        self.correction_title.setVisible(bool(problems))
        self.correction.setVisible(bool(problems))
        self._show_blockers(list(assessment.check.blockers), list(assessment.field_problems))
        self.confirm.setText(confirm_text(outcome))
        if self.collect_mode:  # 代办员: the centre decides; the agent receives (代收)
            self.outcome.setText(_("代收：交中心受理"))  # one short line: the panel keeps its width
            self.explanation.setText(_("按材料情况，中心将作「{o}」。代收不是受理：材料送交中心后由中心"
                                       "作出决定，承诺时限从中心受理之日起算。缺少的材料在代办回执上"
                                       "一次告知。").format(o=outcome.label))
            self.confirm.setText(_("代收（交中心受理）"))

    def set_collect_mode(self, collect: bool) -> None:
        """An agent receives this matter for the centre (代收): 不予受理 is shown disabled with
        the reason, and the confirm button says 代收 instead of 受理."""
        self.collect_mode = collect
        if collect and self.refuse.isChecked():
            self.refuse.setChecked(False)
        self.refuse.setEnabled(not collect)
        self.refuse.setToolTip(_("代办员不能作不予受理决定：受理、不予受理由中心作出")
                               if collect else "")

    def _show_blockers(self, blockers: list[str], fields: list[FieldProblem]) -> None:
        lines = [f"• {m}" for m in blockers] + [f"• {p.message}" for p in fields]
        if lines:
            self.blockers.setText(_("确认前须处理：") + "\n" + "\n".join(lines))
        else:
            self.blockers.setText("")
        self.blockers.setVisible(bool(lines))

    def show_refused_confirm(self, problems: list[str]) -> None:
        """The service refused the confirmation: every problem, in red."""
        self.blockers.setText(_("未能确认：") + "\n" + "\n".join(f"• {p}" for p in problems))
        self.blockers.show()

    # -- states ---------------------------------------------------------------------------

    def ensure_visible(self, widget: QWidget) -> None:
        """Scroll the details so that `widget` (e.g. the refusal reason) can be seen."""
        self.details_area.ensureWidgetVisible(widget)

    def set_editable(self, editable: bool) -> None:
        for widget in (self.refuse, self.ground, self.reason, self.basis, self.confirm):
            widget.setEnabled(editable)
        if self.collect_mode:
            self.refuse.setEnabled(False)
        self._ground_changed()
        if not editable:
            self.redirect.setEnabled(False)

    def show_result(self, result: ConfirmResult) -> None:
        self.result_title.setText(_("已确认：{outcome}").format(outcome=result.outcome.label))
        self.result_number.setText(_("办件编号\n{number}").format(number=result.application_number))
        details = [_("办件状态：{status}").format(status=result.status.label)]
        if result.due_date is not None:
            due = result.due_date.isoformat()
            if result.due_provisional:
                due += _("（暂定，节假日安排未发布）")
            details.append(_("承诺办结日：{due}").format(due=due))
        details.append(_("跑动次数：{n}").format(n=result.visits))
        details.append(_("按 F2 开始下一件"))
        self.result_details.setText("\n".join(details))
        self.result_details.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.result.show()

    def show_collected(self, result: CollectResult) -> None:
        """After 代收: the number, what is still missing and what needs the applicant."""
        self.result_title.setText(_("已代收（交中心受理）"))
        self.result_number.setText(_("办件编号\n{number}").format(number=result.application_number))
        details = [_("请打印代办回执交申请人（村务 → 代办回执）")]
        if result.missing:
            details.append(_("一次性告知还缺：{m}").format(m="、".join(result.missing)))
        details.extend(result.appearance)
        details.append(_("跑动次数：{n}").format(n=result.visits))
        self.result_details.setText("\n".join(details))
        self.result_details.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.result.show()

    def reset(self) -> None:
        self.load_refusal(None)
        self.result.hide()
        self.outcome.setText("")
        self.explanation.setText("")
        self.correction_title.hide()
        self.correction.hide()
        self.blockers.hide()
        self.confirm.setText(confirm_text(Outcome.ACCEPTED))

    def tab_chain(self) -> list[QWidget]:
        return [self.refuse, self.ground, self.reason, self.basis, self.redirect, self.confirm]

    # -- internals ------------------------------------------------------------------------

    def _refuse_toggled(self, on: bool) -> None:
        if on and not self.basis.text().strip() and self._default_basis:
            self.basis.setText(self._default_basis)
        self.refusal_box.setVisible(on)
        if on:
            self.details_area.ensureWidgetVisible(self.refusal_box)
        if not self.signalsBlocked():
            self.changed.emit()

    def _ground_changed(self) -> None:
        not_ours = self.ground.currentData() == RefusalGround.NOT_OUR_MATTER.value
        self.redirect.setEnabled(not_ours and self.confirm.isEnabled())
        if not self.signalsBlocked():
            self.changed.emit()
