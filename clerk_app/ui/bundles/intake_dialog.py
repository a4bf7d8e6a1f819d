"""One intake for a bundle (一件事一窗受理): the applicant once, one merged checklist with each
shared document once (showing the members it serves), the optional members ticked by the
clerk, and one decision step proposing an outcome per member.

Keys: Alt+1 申请人, Alt+2 材料, Alt+3 各事项结论; in the list, digits 1–7 choose the state of
the current document; Ctrl+Enter confirms; Esc closes (what is typed stays until confirmed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.bundles import Inclusion, line_applies
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.decision import Outcome, Refusal, RefusalGround
from clerk_app.i18n import _
from clerk_app.services.bundles.form import BundleForm
from clerk_app.services.bundles.service import (
    BundleConfirmResult,
    BundleFormAssessment,
    BundleService,
    with_chosen,
)
from clerk_app.services.intake.intake import IntakeError
from clerk_app.services.intake.intake_form import IntakeForm
from clerk_app.services.station.context import Actor
from clerk_app.ui.intake.applicant_section import ApplicantSection
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label

# digit keys 1–7 in the list, as in the single-matter checklist
STATE_KEYS = (MaterialState.RECEIVED, MaterialState.E_LICENCE, MaterialState.DEFERRED,
              MaterialState.COMMITTED, MaterialState.WAIVED, MaterialState.MISSING,
              MaterialState.DEFECTIVE)


class _Lines(QTableWidget):
    """The merged checklist; digits set the state of the current document."""

    state_keyed = Signal(int, object)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        text = event.text()
        if text in {str(i + 1) for i in range(len(STATE_KEYS))} and self.currentRow() >= 0:
            self.state_keyed.emit(self.currentRow(), STATE_KEYS[int(text) - 1])
            return
        super().keyPressEvent(event)


class BundleIntakeDialog(QDialog):
    """The bundle's one intake.

    Signals:
        confirmed(object): the BundleConfirmResult once written.
    """

    confirmed = Signal(object)

    def __init__(self, service: BundleService, form: BundleForm, statuses: Mapping[str, str],
                 actor: Actor, taskman: TaskManager,
                 print_notice: Callable[[str], None], parent: QWidget | None = None, *,
                 draft_id: int | None = None, revision: int = 0) -> None:
        super().__init__(parent)
        self.draft_id = draft_id  # the draft kept as typed (new intakes only)
        self.revision = revision
        self._saver = QTimer(self)
        self._saver.setSingleShot(True)
        self._saver.setInterval(400)
        self._saver.timeout.connect(self._save_draft)
        self.service = service
        self.form = form
        self.statuses = dict(statuses)
        self.actor = actor
        self.taskman = taskman
        self.print_notice = print_notice
        self.bundle = service.bundle(form)
        self.matters = service.members(self.bundle, form)
        self.assessment: BundleFormAssessment | None = None
        self._loading = False
        returning = bool(form.bundle_number)
        self.setWindowTitle(_("一件事受理 — {name}").format(name=self.bundle.name))

        heading = plain_label(self.bundle.name + (
            _("（补交材料：{n}）").format(n=form.bundle_number) if returning else ""))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        limit = self.bundle.combined_limit
        meta = plain_label(_("成员事项 {n} 个，分别受理、分别作出决定") .format(
            n=len(self.bundle.members)) + (_("；联合办理承诺 {d} 个工作日").format(d=limit.days)
                                          if limit else ""))

        self.options = QWidget()
        options_layout = QHBoxLayout(self.options)
        options_layout.setContentsMargins(0, 0, 0, 0)
        self.choices: dict[str, QCheckBox] = {}
        for member in self.bundle.members:
            if member.inclusion is Inclusion.OPTIONAL:
                box = QCheckBox(_("加办「{name}」（{when}）").format(
                    name=self.matters[member.matter_code].name, when=member.choose_when))
                box.setChecked(member.matter_code in form.chosen)
                box.setEnabled(not returning)
                box.toggled.connect(lambda on, c=member.matter_code: self._choose(c, on))
                options_layout.addWidget(box)
                self.choices[member.matter_code] = box
        options_layout.addStretch(1)

        self.applicant = ApplicantSection()
        first = self.matters[self.bundle.members[0].matter_code]
        self.applicant.load(first, IntakeForm(
            matter_code=first.code, matter_version=first.version,
            applicant_type=form.applicant_type, applicant=form.applicant, contact=form.contact,
            agent=form.agent, has_agent=form.has_agent, delivery_method=form.delivery_method,
            overrides=dict(form.overrides)))
        self.applicant.setEnabled(not returning)
        self.applicant.changed.connect(self._edited)

        self.lines = _Lines(0, 4)
        self.lines.setHorizontalHeaderLabels([_("材料（每项只收一份）"), _("要求"), _("用于事项"),
                                              _("收取情况")])
        self.lines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setWordWrap(True)
        self.lines.verticalHeader().hide()
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        self.lines.setColumnWidth(1, 230)
        self.lines.setColumnWidth(3, 230)
        self.lines.state_keyed.connect(self._set_state)

        self.members = QTableWidget(0, 3)
        self.members.setHorizontalHeaderLabels([_("事项"), _("建议结论"), _("说明")])
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.setWordWrap(True)
        self.members.verticalHeader().hide()
        self.members.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.refuse_ground = QComboBox()
        for ground in RefusalGround:
            self.refuse_ground.addItem(ground.label, ground.value)
        self.refuse_reason = QLineEdit()
        self.refuse_basis = QLineEdit()
        self.refuse_redirect = QLineEdit()
        self.refuse_redirect.setPlaceholderText(_("不属于本机关职权范围的，写明应向哪个机关申请"))
        self.refuse_button = QPushButton(_("所选事项不予受理(&R)"))
        self.unrefuse_button = QPushButton(_("撤销不予受理(&U)"))
        refuse_form = QFormLayout()
        refuse_form.addRow(_("不予受理情形"), self.refuse_ground)
        refuse_form.addRow(_("不予受理理由"), self.refuse_reason)
        refuse_form.addRow(_("法律依据"), self.refuse_basis)
        refuse_form.addRow(_("告知向何机关申请"), self.refuse_redirect)
        refuse_buttons = QHBoxLayout()
        refuse_buttons.addWidget(self.refuse_button)
        refuse_buttons.addWidget(self.unrefuse_button)
        refuse_buttons.addStretch(1)
        self.refuse_button.clicked.connect(self._refuse_selected)
        self.unrefuse_button.clicked.connect(lambda: self._refuse_selected(undo=True))

        applicant_box = QGroupBox(_("① 申请人 (Alt+1)　一表申请，各事项共用"))
        QVBoxLayout(applicant_box).addWidget(self.applicant)
        lines_box = QGroupBox(_("② 材料清单 (Alt+2)　数字键 1–7：已收取/电子证照/容缺/告知承诺/免交/缺失/不符合"))
        QVBoxLayout(lines_box).addWidget(self.lines)
        members_box = QGroupBox(_("③ 各事项结论 (Alt+3)"))
        members_layout = QVBoxLayout(members_box)
        members_layout.addWidget(self.members)
        members_layout.addLayout(refuse_form)
        members_layout.addLayout(refuse_buttons)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(applicant_box)
        top.addWidget(members_box)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 3)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(lines_box)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 3)
        body.setSizes([300, 420])

        self.message = MessageLine()
        self.confirm_button = QPushButton(_("确认 (Ctrl+Enter)"))
        self.confirm_button.setDefault(False)
        self.confirm_button.setAutoDefault(False)
        close = QPushButton(_("关闭 (Esc)"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self.confirm)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(heading)
        head.addWidget(meta, 1)
        layout.addLayout(head)
        layout.addWidget(self.options)
        layout.addWidget(body, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.confirm)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.confirm)
        QShortcut(QKeySequence("Alt+1"), self, lambda: self.applicant.first_input().setFocus())
        QShortcut(QKeySequence("Alt+2"), self, self._focus_lines)
        QShortcut(QKeySequence("Alt+3"), self, self.members.setFocus)
        self.resize(1300, 700)
        self._reassess()
        if returning:
            self._focus_lines()
        else:
            self.applicant.applicant_form().doc_number.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_rows)  # row heights for the columns' final widths

    def _fit_rows(self) -> None:
        self.lines.resizeRowsToContents()
        self.members.resizeRowsToContents()

    # -- editing --------------------------------------------------------------------------

    def _focus_lines(self) -> None:
        self.lines.setFocus()
        if self.lines.currentRow() < 0 and self.lines.rowCount():
            self.lines.selectRow(0)

    def _choose(self, code: str, on: bool) -> None:
        self.form = with_chosen(self.form, code, on)
        self._reassess()

    def _edited(self) -> None:
        if not self._loading:
            self._reassess()

    def _keep(self) -> None:
        """Save the form as typed a moment after the last edit (new intakes)."""
        if not self.form.bundle_number:
            self._saver.start()

    def _save_draft(self) -> None:
        self.revision += 1
        form, revision, draft_id = self.form, self.revision, self.draft_id

        def saved(new_id: int) -> None:
            self.draft_id = new_id

        self.taskman.write(lambda: self.service.save_draft(self.actor, draft_id, form, revision),
                           saved, lambda _exc: None, context=_("保存一件事草稿"), report=False)

    def _set_state(self, row: int, state: MaterialState) -> None:
        if self.assessment is None:
            return
        line = self.assessment.checklist.lines[row]
        req = line.requirement
        entry = (MaterialEntry(state, req.form, req.copies) if state is MaterialState.RECEIVED
                 else MaterialEntry(state))
        self.form = self.form.with_material(line.id, entry)
        self._reassess()
        lines = self.assessment.checklist.lines if self.assessment else ()
        following = [i for i in range(row + 1, len(lines)) if not lines[i].produced_by]
        self.lines.selectRow(following[0] if following else row)

    def _selected_member(self) -> str | None:
        row = self.members.currentRow()
        if self.assessment is None or row < 0:
            return None
        return self.assessment.result.members[row].matter.code

    def _refuse_selected(self, undo: bool = False) -> None:
        code = self._selected_member()
        if code is None:
            self.message.show_error(_("请先在“各事项结论”中选中一个事项"))
            return
        refusal = None if undo else Refusal(
            RefusalGround(str(self.refuse_ground.currentData())), self.refuse_reason.text(),
            self.refuse_basis.text(), self.refuse_redirect.text())
        self.form = self.form.with_refusal(code, refusal)
        self._reassess()

    def current_form(self) -> BundleForm:
        people = self.applicant.fill(self.form.people())
        return replace(self.form, applicant_type=people.applicant_type,
                       applicant=people.applicant, contact=people.contact, agent=people.agent,
                       has_agent=people.has_agent, delivery_method=people.delivery_method,
                       overrides=dict(people.overrides))

    # -- assessment (pure and cached: runs on every edit) ----------------------------------

    def _reassess(self, keep: bool = True) -> None:
        self.form = self.current_form()
        if keep and self.assessment is not None:
            self._keep()
        self.assessment = self.service.assess(self.form, statuses=self.statuses)
        self._show_lines()
        self._show_members()
        problems = [p.message for p in self.assessment.field_problems] + list(
            self.assessment.blockers)
        if problems:
            self.message.show_error("；".join(problems[:3]) + (
                _("……共 {n} 项").format(n=len(problems)) if len(problems) > 3 else ""))
        else:
            self.message.show_note(_("可以确认：各事项按上表分别受理"))
        self.confirm_button.setEnabled(self.assessment.can_confirm)

    def _show_lines(self) -> None:
        assert self.assessment is not None
        checklist = self.assessment.checklist
        context = self.form.context()
        lines = checklist.lines
        row = self.lines.currentRow()
        self.lines.setRowCount(len(lines))
        for index, line in enumerate(lines):
            req = line.requirement
            forms = {f for _n, f, _c in line.forms_by_member()}
            need = _("{form}{n}份").format(form=req.form, n=req.copies)
            detail = "；".join(dict.fromkeys(
                _("{m}：{f}{n}份").format(m=m, f=f, n=c) for m, f, c in line.forms_by_member()))
            if len(forms) > 1:
                need += _("（各事项要求不同）")
            entry = self.form.materials.get(line.id, MaterialEntry())
            if line.produced_by:
                state = _("由「{m}」结果共享，无需提交").format(
                    m=self.matters[line.produced_by].name)
            elif not line_applies(line, context, checklist):
                state = _("本次不需要")
            else:
                state = entry.state.label
            cells = (req.name, need, "、".join(line.member_names), state)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(detail if column == 1 else text)
                self.lines.setItem(index, column, item)
        self.lines.resizeRowsToContents()
        if 0 <= row < len(lines):
            self.lines.selectRow(row)

    def _show_members(self) -> None:
        assert self.assessment is not None
        members = self.assessment.result.members
        self.members.setRowCount(len(members))
        for index, member in enumerate(members):
            code = member.matter.code
            decided = code in self.assessment.to_decide
            outcome = member.check.outcome
            label = outcome.label if decided else _("已受理（本次不变）")
            note = member.check.explanation
            if member.check.blockers:
                note = "；".join(member.check.blockers)
            elif outcome is Outcome.CORRECTION and member.evaluation.problems:
                note = _("缺：{names}").format(names="、".join(
                    p.material.name for p in member.evaluation.problems))
            for column, text in enumerate((member.matter.name, label, note)):
                self.members.setItem(index, column, QTableWidgetItem(text))
        self.members.resizeColumnToContents(0)
        self.members.resizeRowsToContents()

    # -- confirmation ---------------------------------------------------------------------

    def confirm(self) -> None:
        self._reassess(keep=False)
        if self.assessment is None or not self.assessment.can_confirm:
            return
        form = self.form
        self.confirm_button.setEnabled(False)
        self._saver.stop()
        draft_id = self.draft_id

        def failed(exc: Exception) -> None:
            self.confirm_button.setEnabled(True)
            problems = exc.problems if isinstance(exc, IntakeError) else [str(exc)]
            self.message.show_error("；".join(problems))

        self.taskman.write(lambda: self.service.confirm(self.actor, form, draft_id),
                           self._confirmed,
                           failed, context=_("确认一件事受理"))

    def _confirmed(self, result: BundleConfirmResult) -> None:
        self.confirmed.emit(result)
        self.print_notice(result.number)
        self.accept()
