"""One person's fields on the intake form (申请人/经办人/代理人), validated as they are typed.

An invalid document number or phone is flagged at once with the reason in Chinese; the clerk
may keep it only by typing a reason, which is kept in `IntakeForm.overrides[field]`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain import identity
from clerk_app.domain.identity import DocumentType
from clerk_app.i18n import _
from clerk_app.services.intake import printability
from clerk_app.services.intake.intake_form import MAX_ADDRESS, MAX_NAME, FieldProblem, PersonInput
from clerk_app.ui.widgets import MessageLine, plain_label

NATURAL_DOCUMENTS = tuple(d for d in DocumentType if not d.is_organisation)
ORGANISATION_DOCUMENTS = (DocumentType.USCC,)
OVERRIDABLE = ("doc_number", "phone")
TEXT_FIELDS = ("name", "legal_representative", "address")  # printed as typed on notices


class _Field(QWidget):
    """An input with its message line and, for checked numbers, a reason to keep it anyway."""

    def __init__(self, editor: QWidget, overridable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setFocusProxy(editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self.reason: QLineEdit | None = None
        self.reason_row: QWidget | None = None
        if overridable:
            self.reason_row = QWidget()
            row = QHBoxLayout(self.reason_row)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(plain_label(_("仍要使用，理由：")))
            self.reason = QLineEdit()
            self.reason.setPlaceholderText(_("核实无误时写明理由，如：旧版证件、号码确如证件所载"))
            self.reason.setMaxLength(200)
            row.addWidget(self.reason, 1)
            layout.addWidget(self.reason_row)
            self.reason_row.hide()


class PersonForm(QWidget):
    """Document type and number, name, phone and address of one person or organisation.

    Signals:
        changed(): any field edited by the clerk.
        document_ready(str, str): a valid document (type, number) typed: look the person up.
    """

    changed = Signal()
    document_ready = Signal(str, str)

    def __init__(self, prefix: str, who: str, *, organisation: bool = False,
                 mnemonics: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefix = prefix
        self.who = who
        self.organisation = organisation
        self._touched: set[str] = set()
        self._last_ready = ""

        def label(text: str, key: str = "") -> QLabel:
            """A row label; with mnemonics, Alt+key moves to the row's input."""
            return QLabel(f"{text}(&{key})" if mnemonics and key else text)

        self.doc_type = QComboBox()
        for doc in ORGANISATION_DOCUMENTS if organisation else NATURAL_DOCUMENTS:
            self.doc_type.addItem(doc.label, doc.value)
        self.doc_number = QLineEdit()
        self.doc_number.setMaxLength(40)
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_NAME + 50)  # over-long text is flagged, not cut silently
        self.legal_representative = QLineEdit()
        self.legal_representative.setMaxLength(MAX_NAME + 50)
        self.phone = QLineEdit()
        self.phone.setMaxLength(40)
        self.address = QLineEdit()
        self.address.setMaxLength(MAX_ADDRESS + 500)

        self.fields: dict[str, _Field] = {
            "doc_number": _Field(self.doc_number, True),
            "name": _Field(self.name, False),
            "legal_representative": _Field(self.legal_representative, False),
            "phone": _Field(self.phone, True),
            "address": _Field(self.address, False),
        }
        # Two label/field pairs a line and the address on a line of its own: a person fits in
        # three lines (a 1366x768 screen shows the whole intake without scrolling).
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        cells: tuple[tuple[str, str, QWidget], ...]
        if organisation:
            self.doc_type.hide()
            cells = ((_("统一社会信用代码"), "D", self.fields["doc_number"]),
                     (_("单位名称"), "M", self.fields["name"]),
                     (_("法定代表人"), "", self.fields["legal_representative"]),
                     (_("联系电话"), "", self.fields["phone"]))
            address_label = _("住所")
        else:
            self.fields["legal_representative"].hide()
            cells = ((_("证件类型"), "T", self.doc_type),
                     (_("证件号码"), "D", self.fields["doc_number"]),
                     (_("姓名"), "M", self.fields["name"]),
                     (_("联系电话"), "P", self.fields["phone"]))
            address_label = _("住址")
        top = Qt.AlignmentFlag.AlignTop
        for i, (text, key, widget) in enumerate(cells):
            cell_label = label(text, key)
            cell_label.setBuddy(widget.focusProxy() or widget)
            cell_label.setMinimumHeight(self.doc_number.sizeHint().height())
            grid.addWidget(cell_label, i // 2, (i % 2) * 2, top)
            grid.addWidget(widget, i // 2, (i % 2) * 2 + 1, top)
        row = len(cells) // 2
        address_row_label = label(address_label, "" if organisation else "A")
        address_row_label.setBuddy(self.address)
        address_row_label.setMinimumHeight(self.doc_number.sizeHint().height())
        grid.addWidget(address_row_label, row, 0, top)
        grid.addWidget(self.fields["address"], row, 1, 1, 3, top)
        self.found_note = MessageLine()
        grid.addWidget(self.found_note, row + 1, 0, 1, 4)

        self.doc_type.currentIndexChanged.connect(self._doc_type_changed)
        for key, field in self.fields.items():
            editor = field.editor
            assert isinstance(editor, QLineEdit)
            editor.textEdited.connect(lambda _text, k=key: self._edited(k))
            if field.reason is not None:
                field.reason.textEdited.connect(lambda _text: self.changed.emit())
        self.doc_number.textChanged.connect(self._check_document_ready)

    # -- values ---------------------------------------------------------------------------

    def value(self) -> PersonInput:
        return PersonInput(
            name=self.name.text(), doc_type=str(self.doc_type.currentData()),
            doc_number=self.doc_number.text(), phone=self.phone.text(),
            address=self.address.text(),
            legal_representative=self.legal_representative.text() if self.organisation else "")

    def set_value(self, person: PersonInput) -> None:
        self.blockSignals(True)
        try:
            index = self.doc_type.findData(person.doc_type)
            self.doc_type.setCurrentIndex(max(index, 0))
            self.doc_number.setText(person.doc_number)
            self.name.setText(person.name)
            self.phone.setText(person.phone)
            self.address.setText(person.address)
            self.legal_representative.setText(person.legal_representative)
        finally:
            self.blockSignals(False)
        self._last_ready = self._valid_document()
        self.found_note.clear_message()

    def overrides(self) -> dict[str, str]:
        """Reasons typed to keep a flagged number, for the fields still flagged."""
        kept = {}
        for key in OVERRIDABLE:
            field = self.fields[key]
            if field.reason is not None and field.reason_row is not None and (
                    not field.reason_row.isHidden()) and field.reason.text().strip():
                kept[f"{self.prefix}.{key}"] = field.reason.text()
        return kept

    def set_overrides(self, overrides: dict[str, str]) -> None:
        for key in OVERRIDABLE:
            field = self.fields[key]
            assert field.reason is not None and field.reason_row is not None
            reason = overrides.get(f"{self.prefix}.{key}", "")
            field.reason.setText(reason)
            field.reason_row.setVisible(bool(reason))

    def clear(self) -> None:
        self.set_value(PersonInput(doc_type=self.doc_type.itemData(0)))
        self.set_overrides({})
        self._touched.clear()
        for field in self.fields.values():
            field.message.clear_message()

    def prefill(self, person: PersonInput) -> bool:
        """Fill the empty fields from a returning applicant's record; True when any was filled."""
        filled = False
        for editor, value in ((self.name, person.name), (self.phone, person.phone),
                              (self.address, person.address),
                              (self.legal_representative, person.legal_representative)):
            if value and not editor.text().strip():
                editor.setText(value)
                filled = True
        if filled:
            self.found_note.show_ok(_("已按证件号码调出以往登记的信息，请与本人核对"))
            self.changed.emit()
        return filled

    # -- validation display ---------------------------------------------------------------

    def show_problems(self, problems: list[FieldProblem], overrides: dict[str, str],
                      reveal: bool) -> None:
        """Show each field's problems; empty required fields only once touched or `reveal`."""
        by_field: dict[str, list[FieldProblem]] = {}
        for problem in problems:
            head, _sep, key = problem.field.partition(".")
            if head == self.prefix:
                by_field.setdefault(key, []).append(problem)
        for key, field in self.fields.items():
            editor = field.editor
            assert isinstance(editor, QLineEdit)
            items = by_field.get(key, [])
            visible = [p for p in items if editor.text().strip() or reveal or key in self._touched]
            flagged = [p for p in items if p.overridable]
            reason = overrides.get(f"{self.prefix}.{key}", "").strip()
            if field.reason_row is not None:
                field.reason_row.setVisible(bool(flagged))
            if flagged and reason:
                field.message.show_note(_("{msg}（已说明理由，可继续）").format(
                    msg="；".join(p.message for p in flagged)))
            elif visible:
                field.message.show_error("；".join(p.message for p in visible))
            elif key in TEXT_FIELDS and (missing := printability.check(editor.text()).missing):
                field.message.show_note(printability.missing_message(missing))  # 生僻字
            else:
                field.message.clear_message()

    def reveal_all(self) -> None:
        self._touched.update(self.fields)

    # -- focus ----------------------------------------------------------------------------

    def first_input(self) -> QWidget:
        return self.doc_number

    def tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [] if self.organisation else [self.doc_type]
        chain.append(self.doc_number)
        reason = self.fields["doc_number"].reason
        assert reason is not None
        chain += [reason, self.name]
        if self.organisation:
            chain.append(self.legal_representative)
        phone_reason = self.fields["phone"].reason
        assert phone_reason is not None
        chain += [self.phone, phone_reason, self.address]
        return chain

    # -- internals ------------------------------------------------------------------------

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        if key == "doc_number":
            self.found_note.clear_message()
        self.changed.emit()

    def _doc_type_changed(self) -> None:
        if not self.signalsBlocked():
            self._check_document_ready()
            self.changed.emit()

    def _valid_document(self) -> str:
        number = self.doc_number.text().strip()
        if not number:
            return ""
        doc = DocumentType(str(self.doc_type.currentData()))
        result = identity.validate_document(doc, number)
        return f"{doc.value}|{result.normalized}" if result.ok else ""

    def _check_document_ready(self) -> None:
        if self.signalsBlocked():
            return
        ready = self._valid_document()
        if ready and ready != self._last_ready:
            doc_type, _sep, number = ready.partition("|")
            self.document_ready.emit(doc_type, number)
        self._last_ready = ready
