"""The strip under the checklist: the current material's pages as thumbnails, and what is sent.

Keys (anywhere in the window): Ctrl+J add files (附件), Ctrl+K document camera (高拍仪),
Ctrl+Shift+J large view (reorder with Ctrl+←/→, remove with Delete there).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import human_size
from clerk_app.services.attachments.service import PageInfo
from clerk_app.ui.attachments.thumbnails import THUMB_SIDE

NO_CAMERA = "未检测到高拍仪"
ADD_KEYS, CAMERA_KEYS, VIEW_KEYS = "Ctrl+J", "Ctrl+K", "Ctrl+Shift+J"


class PagesStrip(QWidget):
    """Thumbnails of one material's pages with the buttons that add or show them.

    Signals:
        add_files(): the clerk wants to add page files.
        camera(): the clerk wants to capture pages with the document camera.
        view(int): open the large view at this page (row).
    """

    add_files = Signal()
    camera = Signal()
    view = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(_("材料页面：请先在清单中选择一项材料"))
        self.statement = QLabel("")
        self.statement.setStyleSheet("color: #555;")
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.list.setFixedHeight(THUMB_SIDE + 30)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.itemActivated.connect(lambda item: self.view.emit(self.list.row(item)))
        self.add_button = QPushButton(_("添加文件… (Ctrl+J)"))
        self.camera_button = QPushButton(_("高拍仪拍摄 (Ctrl+K)"))
        self.view_button = QPushButton(_("查看与整理 (Ctrl+Shift+J)"))
        self.add_button.clicked.connect(self.add_files.emit)
        self.camera_button.clicked.connect(self.camera.emit)
        self.view_button.clicked.connect(lambda: self.view.emit(max(0, self.list.currentRow())))
        buttons = QVBoxLayout()
        buttons.setSpacing(2)
        for button in (self.add_button, self.camera_button, self.view_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.statement, 1)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addLayout(body)
        for keys, signal in ((ADD_KEYS, self.add_files), (CAMERA_KEYS, self.camera)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(signal.emit)
        view_key = QShortcut(QKeySequence(VIEW_KEYS), self)
        view_key.setContext(Qt.ShortcutContext.WindowShortcut)
        view_key.activated.connect(lambda: self.view.emit(max(0, self.list.currentRow())))
        self.set_material(None)

    def set_camera_available(self, available: bool) -> None:
        self.camera_button.setEnabled(available)
        self.camera_button.setText(_("高拍仪拍摄 (Ctrl+K)") if available else _(NO_CAMERA))

    def set_material(self, name: str | None, number: int = 0) -> None:
        """Which material the strip is about (None: nothing chosen or no intake open)."""
        enabled = name is not None
        self.add_button.setEnabled(enabled)
        self.view_button.setEnabled(False)
        self.list.clear()
        self.statement.setText("")
        self.title.setText(_("材料 {n}「{name}」的页面：").format(n=number, name=name) if enabled
                           else _("材料页面：请先在清单中选择一项材料"))

    def show_pages(self, pages: list[tuple[PageInfo, QPixmap]], statement: str) -> None:
        self.list.clear()
        for info, pixmap in pages:
            label = (_("PDF {n}页").format(n=info.page_count) if info.is_pdf
                     else f"{info.position + 1}") + f" · {human_size(info.size)}"
            item = QListWidgetItem(QIcon(pixmap) if not pixmap.isNull() else QIcon(), label)
            item.setToolTip(info.original_name)
            self.list.addItem(item)
        self.view_button.setEnabled(bool(pages))
        self.statement.setText(statement)
