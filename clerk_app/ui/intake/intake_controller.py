"""Runs the intake on the page: opens, restores or reopens its draft, saves every edit,
asks the domain for the decision, and confirms it on the database writer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from clerk_app.domain.catalogue import Matter
from clerk_app.i18n import _
from clerk_app.services.intake.intake import Assessment, ConfirmResult, IntakeService
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput, form_problems
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor
from clerk_app.services.village.collection import CollectionService, CollectResult
from clerk_app.services.village.powers import must_collect
from clerk_app.store.faults import known_fault
from clerk_app.ui.errors import ErrorReporter, is_user_error, problems_of
from clerk_app.ui.intake import draft_keeper
from clerk_app.ui.intake.draft_keeper import DraftSlot
from clerk_app.ui.intake.intake_page import IntakePage
from clerk_app.ui.taskman import TaskManager

log = logging.getLogger(__name__)

RETRY_SAVE_MS = 20_000  # a refused draft save is tried again this often


class IntakeController(QObject):
    """One intake at a time, from the matter chosen to the decision confirmed.

    Signals:
        confirmed(object): the ConfirmResult of a decision written to the database.
        status(str): a short message for the status bar.
    """

    confirmed = Signal(object)
    collected = Signal(str)  # an agent's 代收: the application number
    status = Signal(str)

    def __init__(self, page: IntakePage, intake: IntakeService, catalogue: CatalogueService,
                 revision_of: Callable[[int], int], actor: Actor, taskman: TaskManager,
                 reporter: ErrorReporter, today: Callable[[], date],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.intake = intake
        self.catalogue = catalogue
        self.revision_of = revision_of
        self.actor = actor
        self.taskman = taskman
        self.reporter = reporter
        self.today = today
        self.slot: DraftSlot | None = None
        self.busy = False  # a confirmation is on its way to the database
        self.done = False  # the decision on screen is confirmed
        self._reveal = False  # show "please fill in" for untouched fields too
        self._save_failing = False
        self.last_assessment: Assessment | None = None
        # a draft save the disk refused (full, folder gone) is tried again until it works
        self._retry_save = QTimer(self, singleShot=True, interval=RETRY_SAVE_MS)
        self._retry_save.timeout.connect(self._edited)
        page.changed.connect(self._edited)
        page.decision.confirm_requested.connect(self.confirm)
        page.applicant.document_ready.connect(self._look_up_person)

    # -- starting an intake ---------------------------------------------------------------

    def start(self, matter_code: str) -> bool:
        """A new intake of a matter (the clerk chose it in the search)."""
        if self.busy:
            return False
        try:
            matter = self.catalogue.matter(matter_code)
        except KeyError:
            self.reporter.message(_("无法受理"), [_("事项目录中没有编码为 {code} 的事项").format(
                code=matter_code)])
            return False
        if not matter.active:
            self.reporter.message(_("无法受理"), [_("事项「{name}」已停用：{reason}").format(
                name=matter.name, reason=matter.withdrawn_reason or _("未说明原因"))])
            return False
        slot = self._new_slot()
        form = IntakeForm(matter_code=matter.code, matter_version=matter.version,
                          delivery_method=matter.delivery[0] if matter.delivery else "窗口领取")
        self._show(matter, form)
        self.taskman.write(
            lambda: draft_keeper.open_new(slot, self.intake, self.actor, matter.code),
            on_error=lambda exc: self._open_failed(slot, exc), context=_("新建办件草稿"))
        self.page.focus_section(1)
        self.status.emit(_("开始受理：{name}").format(name=matter.name))
        return True

    def restore(self, draft_id: int, form: IntakeForm) -> bool:
        """Continue a draft saved earlier (after a restart or a crash)."""
        if self.busy:
            return False
        try:
            matter = self.catalogue.matter(form.matter_code, form.matter_version)
        except KeyError:
            self.reporter.message(_("无法恢复草稿"), [_("草稿对应的事项 {code} 已不在事项目录中").format(
                code=form.matter_code)])
            return False
        slot = self._new_slot()
        self._show(matter, form)
        self.taskman.write(lambda: draft_keeper.adopt(slot, draft_id, self.revision_of),
                           context=_("恢复草稿"))
        self.page.focus_section(1)
        self.status.emit(_("已恢复草稿：{name}").format(name=matter.name))
        return True

    def reopen(self, number: str) -> None:
        """The applicant comes back with materials for an application (补正/容缺)."""
        if self.busy:
            return
        slot = DraftSlot()
        self.taskman.write(
            lambda: draft_keeper.reopen(slot, self.intake, self.actor, number),
            on_success=lambda result: self._reopened(slot, result[1]),
            on_error=lambda exc: self._open_failed(slot, exc),
            context=_("打开办件补交材料"))

    def _reopened(self, slot: DraftSlot, form: IntakeForm) -> None:
        try:
            matter = self.catalogue.matter(form.matter_code, form.matter_version)
        except KeyError:
            self.reporter.message(_("无法打开"), [_("办件对应的事项 {code} 已不在事项目录中").format(
                code=form.matter_code)])
            return
        self._abandon_current()
        self.slot = slot
        self._show(matter, form)
        self.page.focus_section(2)
        self.status.emit(_("办件 {n} 已打开，请登记补交的材料后重新决定").format(
            n=form.application_number))

    def _open_failed(self, slot: DraftSlot, exc: Exception) -> None:
        if is_user_error(exc):
            self.reporter.user_error(exc)
        if slot is self.slot:
            self.slot = None
            self.page.clear()

    def _new_slot(self) -> DraftSlot:
        self._abandon_current()
        self.slot = DraftSlot()
        return self.slot

    def _abandon_current(self) -> None:
        """Leave the intake on screen: an untouched new draft is thrown away, others are kept."""
        old = self.slot
        if old is None or old.closed:
            return
        if self.page.loaded and self.page.form().application_number is None and not old.edited:
            self.taskman.write(lambda: draft_keeper.discard(old, self.intake, self.actor),
                               context=_("丢弃空白草稿"))
        else:
            self.status.emit(_("上一件尚未确认，已存为草稿（Ctrl+D 可恢复）"))

    def _show(self, matter: Matter, form: IntakeForm) -> None:
        self.done = False
        self._reveal = False
        self.page.load(matter, form)
        self.assess()

    # -- edits ----------------------------------------------------------------------------

    def _edited(self) -> None:
        slot = self.slot
        if slot is None or self.busy or self.done:
            return
        form = self.page.form()
        revision = slot.next_revision()
        self.taskman.write(lambda: draft_keeper.save(slot, self.intake, form, revision),
                           on_success=self._saved, on_error=self._save_failed,
                           context=_("保存草稿"), report=False)
        self.assess(form)

    def _saved(self, written: bool) -> None:
        if self._save_failing:
            self._save_failing = False
            self.status.emit(_("草稿已恢复保存"))

    def _save_failed(self, exc: Exception) -> None:
        fault = known_fault(exc)
        if fault is not None:  # the form stays in the window; said once by the task manager
            self._save_failing = True
            self.status.emit(_("{what}：草稿暂未保存，录入内容仍在窗口中，空间恢复后自动保存").format(
                what=fault.short))
            self._retry_save.start()
            return
        if not self._save_failing:
            self._save_failing = True
            self.reporter.program_error(exc, _("保存草稿"))
        self.status.emit(_("草稿未能保存，请勿关闭程序，并联系技术支持"))

    def _look_up_person(self, prefix: str, doc_type: str, number: str) -> None:
        self.taskman.read(lambda: self.intake.find_applicant(doc_type, number),
                          on_success=lambda person: self._found(prefix, number, person),
                          context=_("查找以往登记的申请人"))

    def _found(self, prefix: str, number: str, person: PersonInput | None) -> None:
        if person is None or not self.page.loaded or self.done:
            return
        forms = {"applicant": self.page.applicant.applicant_form(),
                 "contact": self.page.applicant.contact, "agent": self.page.applicant.agent}
        form = forms.get(prefix)
        if form is not None and form.doc_number.text().strip().upper() == number.upper():
            form.prefill(person)

    # -- the decision ---------------------------------------------------------------------

    def assess(self, form: IntakeForm | None = None) -> Assessment | None:
        """Ask the domain what the form leads to, and show it."""
        if not self.page.loaded:
            return None
        form = form or self.page.form()
        try:
            assessment = self.intake.assess(form, self.today())
            self.page.decision.set_collect_mode(must_collect(self.actor, assessment.matter))
            everything = form_problems(replace(form, overrides={}), self.today())
        except Exception as exc:  # a fault of the program: report, keep the form
            self.reporter.program_error(exc, _("核对材料与申请人信息"))
            return None
        self.page.show_assessment(assessment, everything, form.overrides, self._reveal)
        self.last_assessment = assessment
        return assessment

    def confirm(self) -> None:
        """Confirm the decision (Ctrl+Enter): checked here, then written on the worker."""
        slot = self.slot
        if slot is None or self.busy or self.done or not self.page.loaded:
            return
        form = self.page.form()
        assessment = self.assess(form)
        if assessment is None:
            return
        collect = self.page.decision.collect_mode
        if not (assessment.can_confirm or (collect and not assessment.field_problems)):
            self._reveal = True
            self.page.applicant.reveal_all()
            self.assess(form)
            self._focus_first_problem(assessment)
            count = len(assessment.check.blockers) + len(assessment.field_problems)
            self.status.emit(_("还有 {n} 项须处理，见“受理决定”").format(n=count))
            return
        self.busy = True
        self.page.set_editable(False)
        self.status.emit(_("正在确认……"))
        if collect:  # 代办员 代收: the centre decides
            collection = CollectionService(self.intake.ctx, self.intake)
            self.taskman.write(lambda: collection.collect(self.actor, slot.draft_id, form),
                               on_success=lambda result: self._collected(slot, result),
                               on_error=lambda exc: self._confirm_failed(slot, exc),
                               context=_("代收"))
            return
        self.taskman.write(lambda: draft_keeper.confirm(slot, self.intake, self.actor, form),
                           on_success=lambda result: self._confirmed(slot, result),
                           on_error=lambda exc: self._confirm_failed(slot, exc),
                           context=_("确认受理决定"))

    def _confirmed(self, slot: DraftSlot, result: ConfirmResult) -> None:
        self.busy = False
        if slot is not self.slot:
            return
        self.done = True
        self.page.decision.show_result(result)
        self.page.decision.confirm.setEnabled(False)
        self.status.emit(_("已确认：{outcome}，办件编号 {n}").format(
            outcome=result.outcome.label, n=result.application_number))
        self.confirmed.emit(result)

    def _collected(self, slot: DraftSlot, result: CollectResult) -> None:
        self.busy = False
        if slot is not self.slot:
            return
        slot.closed = True
        self.done = True
        self.page.decision.show_collected(result)
        self.page.decision.confirm.setEnabled(False)
        self.status.emit(_("已代收，办件编号 {n}：请打印代办回执").format(
            n=result.application_number))
        self.collected.emit(result.application_number)

    def _confirm_failed(self, slot: DraftSlot, exc: Exception) -> None:
        self.busy = False
        if slot is not self.slot:
            return
        self.page.set_editable(True)
        fault = known_fault(exc)
        if is_user_error(exc):
            self.page.decision.show_refused_confirm(problems_of(exc))
            self.status.emit(_("未能确认，请按“受理决定”中的提示处理"))
        elif fault is not None:
            self.status.emit(fault.message)
        else:
            self.status.emit(_("确认时程序出错，录入的内容仍在，可重试"))

    def _focus_first_problem(self, assessment: Assessment) -> None:
        if assessment.field_problems:
            widget = self.page.applicant.field_widget(assessment.field_problems[0].field)
            if widget is not None and widget.isVisible():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        refusal = self.page.decision.refusal()
        if refusal is not None:
            target = self.page.decision.reason if not refusal.reason.strip() else (
                self.page.decision.basis)
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            self.page.decision.ensure_visible(target)
            return
        self.page.checklist.focus_first()
