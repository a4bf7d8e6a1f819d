"""办件查询 (Ctrl+L): an application number (typed or scanned), or a document number, name or
phone to search for."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from clerk_app.domain.numbering import NUMBER_LENGTH, normalize, parse_number
from clerk_app.i18n import _
from clerk_app.ui.widgets import MessageLine, plain_label


class LookupField(QWidget):
    """Opens an application by number, or asks for a search by the applicant.

    Signals:
        number_entered(str): a well-formed application number (check character verified).
        search_requested(str): anything else (a document number, a name, a phone).
    """

    number_entered = Signal(str)
    search_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = plain_label(_("办件查询 (Ctrl+L)"))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        row = QHBoxLayout()
        self.field = QLineEdit()
        self.field.setPlaceholderText(_("编号/证件/姓名/电话"))
        self.field.setToolTip(_("办件编号：直接打开该办件；证件号码、姓名或电话：列出相关办件"))
        self.field.setMaxLength(40)
        title.setBuddy(self.field)
        row.addWidget(self.field, 1)
        self.open_button = QPushButton(_("打开"))
        self.open_button.setToolTip(_("打开办件或查询（Enter）"))
        self.open_button.setAutoDefault(False)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self.field.returnPressed.connect(self._submit)
        self.open_button.clicked.connect(self._submit)
        self.field.textEdited.connect(lambda _text: self.message.clear_message())

    def focus_field(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def _submit(self) -> None:
        text = self.field.text().strip()
        if not text:
            self.message.show_error(_("请输入办件编号"))
            return
        parsed = parse_number(text)
        if parsed is not None:
            self.message.clear_message()
            self.number_entered.emit(str(parsed))
            return
        digits = normalize(text)
        if len(digits) == NUMBER_LENGTH and digits[:-1].isdigit():
            self.message.show_error(_("办件编号格式或校验位不对，请核对（23位数字，末位可为X）"))
            return
        self.message.clear_message()
        self.search_requested.emit(text)
