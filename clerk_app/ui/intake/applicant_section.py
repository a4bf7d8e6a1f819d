"""The applicant part of the intake page: natural or legal person, 经办人, agent, delivery."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.catalogue import DELIVERY_WAYS, Matter
from clerk_app.domain.checklist import ApplicantType
from clerk_app.i18n import _
from clerk_app.services.intake.intake_form import FieldProblem, IntakeForm, PersonInput
from clerk_app.ui.intake.person_form import PersonForm
from clerk_app.ui.widgets import MessageLine


class ApplicantSection(QWidget):
    """Who applies: a person, or an organisation with its 经办人; optionally through an agent.

    Signals:
        changed(): anything edited.
        document_ready(str, str, str): (prefix, doc_type, number) of a valid document typed.
    """

    changed = Signal()
    document_ready = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        type_row = QHBoxLayout()
        self.natural = QRadioButton(_("自然人(&Z)"))
        self.legal = QRadioButton(_("法人或其他组织(&O)"))
        self.natural.setChecked(True)
        self._types = QButtonGroup(self)
        self._types.addButton(self.natural)
        self._types.addButton(self.legal)
        type_row.addWidget(self.natural)
        type_row.addWidget(self.legal)
        type_row.addStretch(1)
        layout.addLayout(type_row)

        self.person = PersonForm("applicant", _("申请人"), mnemonics=True)
        self.organisation = PersonForm("applicant", _("申请单位"), organisation=True,
                                       mnemonics=True)
        self.contact = PersonForm("contact", _("经办人"))
        org_page = QWidget()
        org_layout = QVBoxLayout(org_page)
        org_layout.setContentsMargins(0, 0, 0, 0)
        org_layout.addWidget(self.organisation)
        contact_box = QGroupBox(_("经办人（到窗口办理的人员）"))
        QVBoxLayout(contact_box).addWidget(self.contact)
        org_layout.addWidget(contact_box)
        self.org_page = org_page
        org_page.hide()  # shown instead of the person's fields for 法人或其他组织
        layout.addWidget(self.person)
        layout.addWidget(org_page)

        # the agent switch and the delivery share the type's line: one line less to scroll
        self.has_agent = QCheckBox(_("代理人/代办员代为申请(&G)"))
        type_row.addWidget(self.has_agent)
        self.agent_box = QGroupBox(_("代理人（代办员）"))
        self.agent = PersonForm("agent", _("代理人"))
        QVBoxLayout(self.agent_box).addWidget(self.agent)
        self.agent_box.hide()
        layout.addWidget(self.agent_box)

        self.delivery = QComboBox()
        delivery_label = QLabel(_("结果送达方式(&S)"))
        delivery_label.setBuddy(self.delivery)
        type_row.addSpacing(12)
        type_row.addWidget(delivery_label)
        type_row.addWidget(self.delivery)
        self.general = MessageLine()
        layout.addWidget(self.general)
        layout.addStretch(1)

        self.natural.toggled.connect(self._type_changed)
        self.has_agent.toggled.connect(self._agent_toggled)
        self.delivery.currentIndexChanged.connect(lambda _i: self._emit_changed())
        for form in self._forms():
            form.changed.connect(self._emit_changed)
            form.document_ready.connect(
                lambda doc_type, number, f=form: self.document_ready.emit(f.prefix, doc_type,
                                                                          number))

    # -- values ---------------------------------------------------------------------------

    def applicant_type(self) -> ApplicantType:
        return ApplicantType.NATURAL_PERSON if self.natural.isChecked() else (
            ApplicantType.LEGAL_PERSON)

    def applicant_form(self) -> PersonForm:
        return self.person if self.natural.isChecked() else self.organisation

    def fill(self, form: IntakeForm) -> IntakeForm:
        """The form with this section's values (people, agent, delivery, reasons) put in."""
        overrides = dict(self.applicant_form().overrides())
        if self.applicant_type() is ApplicantType.LEGAL_PERSON:
            overrides.update(self.contact.overrides())
        if self.has_agent.isChecked():
            overrides.update(self.agent.overrides())
        legal = self.applicant_type() is ApplicantType.LEGAL_PERSON
        return replace(
            form, applicant_type=self.applicant_type(), applicant=self.applicant_form().value(),
            contact=self.contact.value() if legal else PersonInput(),
            agent=self.agent.value() if self.has_agent.isChecked() else PersonInput(),
            has_agent=self.has_agent.isChecked(),
            delivery_method=str(self.delivery.currentData() or form.delivery_method),
            overrides=overrides)

    def load(self, matter: Matter, form: IntakeForm) -> None:
        self.blockSignals(True)
        try:
            for person_form in self._forms():
                person_form.clear()
            legal = form.applicant_type is ApplicantType.LEGAL_PERSON
            (self.legal if legal else self.natural).setChecked(True)
            self._show_type(legal)
            self.applicant_form().set_value(form.applicant)
            self.contact.set_value(form.contact if legal else PersonInput())
            self.has_agent.setChecked(form.has_agent)
            self.agent_box.setVisible(form.has_agent)
            self.agent.set_value(form.agent)
            for person_form in self._forms():
                person_form.set_overrides(form.overrides)
            self.delivery.clear()
            for way in matter.delivery or DELIVERY_WAYS:
                self.delivery.addItem(way, way)
            index = self.delivery.findData(form.delivery_method)
            self.delivery.setCurrentIndex(max(index, 0))
            self.general.clear_message()
        finally:
            self.blockSignals(False)

    # -- validation display ---------------------------------------------------------------

    def show_problems(self, problems: list[FieldProblem], overrides: dict[str, str],
                      reveal: bool) -> None:
        for form in self._forms():
            if form.isVisibleTo(self) or form is self.applicant_form():
                form.show_problems(problems, overrides, reveal)
        general = [p.message for p in problems if p.field == "applicant.phone"
                   and not self.applicant_form().phone.text().strip()]
        if general and (reveal or self.has_agent.isChecked()):
            self.general.show_error("；".join(general))
        else:
            self.general.clear_message()

    def reveal_all(self) -> None:
        for form in self._forms():
            form.reveal_all()

    # -- focus ----------------------------------------------------------------------------

    def first_input(self) -> QWidget:
        return self.applicant_form().first_input()

    def tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self.natural, self.legal]
        chain += self.person.tab_chain() + self.organisation.tab_chain() + self.contact.tab_chain()
        chain.append(self.has_agent)
        chain += self.agent.tab_chain()
        chain.append(self.delivery)
        return chain

    def field_widget(self, field: str) -> QWidget | None:
        """The input for a problem's field key (e.g. "agent.doc_number")."""
        prefix, _sep, key = field.partition(".")
        forms = {"applicant": self.applicant_form(), "contact": self.contact, "agent": self.agent}
        form = forms.get(prefix)
        if form is None or key not in form.fields:
            return None
        return form.fields[key].editor

    # -- internals ------------------------------------------------------------------------

    def _forms(self) -> list[PersonForm]:
        return [self.person, self.organisation, self.contact, self.agent]

    def _show_type(self, legal: bool) -> None:
        self.person.setVisible(not legal)
        self.org_page.setVisible(legal)

    def _type_changed(self) -> None:
        self._show_type(not self.natural.isChecked())
        self._emit_changed()

    def _agent_toggled(self, on: bool) -> None:
        self.agent_box.setVisible(on)
        self._emit_changed()

    def _emit_changed(self) -> None:
        if not self.signalsBlocked():
            self.changed.emit()
