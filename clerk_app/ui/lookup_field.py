"""The application-number field (Ctrl+L): typed or scanned from a notice's barcode."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from clerk_app.domain.numbering import parse_number
from clerk_app.i18n import _
from clerk_app.ui.widgets import MessageLine, plain_label


class LookupField(QWidget):
    """Opens an application by number for 补正/容缺 materials brought later.

    Signals:
        number_entered(str): a well-formed application number (check character verified).
    """

    number_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = plain_label(_("补交材料：办件编号 (Ctrl+L)"))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        row = QHBoxLayout()
        self.field = QLineEdit()
        self.field.setPlaceholderText(_("扫描通知书条码或输入编号"))
        self.field.setMaxLength(40)
        title.setBuddy(self.field)
        row.addWidget(self.field, 1)
        self.open_button = QPushButton(_("打开"))
        self.open_button.setToolTip(_("打开该办件，登记补交的材料（Enter）"))
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
        if parsed is None:
            self.message.show_error(_("办件编号格式或校验位不对，请核对（23位数字，末位可为X）"))
            return
        self.message.clear_message()
        self.number_entered.emit(str(parsed))
