"""The large view of a material's pages: look at each, put them in order, take one out.

Keys: ←/→ or PageUp/PageDown previous/next page; Ctrl+← / Ctrl+→ move the page earlier or
later; Delete removes it (only until the case is accepted); Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import human_size
from clerk_app.services.attachments.service import PageInfo


class PageViewer(QDialog):
    """One material's pages, one at a time, large.

    Signals:
        reorder(list): the page ids in their new order.
        remove(int): the id of the page to take out.
    """

    reorder = Signal(list)
    remove = Signal(int)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.resize(900, 700)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(400, 400)
        self.caption = QLabel()
        self.help = QLabel()
        self.help.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.help)
        self.pages: list[PageInfo] = []
        self.pixmaps: dict[str, QPixmap] = {}
        self.editable = False
        self.current = 0

    def show_pages(self, pages: list[PageInfo], pixmaps: dict[str, QPixmap], editable: bool,
                   current: int = 0, help_text: str = "") -> None:
        self.pages, self.pixmaps, self.editable = list(pages), pixmaps, editable
        self.current = min(max(0, current), max(0, len(self.pages) - 1))
        self.help.setText(
            help_text if help_text else
            _("←/→ 翻页　Ctrl+←/→ 调整顺序　Delete 删除此页　Esc 关闭") if editable else
            _("←/→ 翻页　Esc 关闭（办件已受理：页面只能补充，不能删除或调整顺序）"))
        self._paint()

    def _paint(self) -> None:
        if not self.pages:
            self.image.setText(_("本材料没有页面"))
            self.caption.setText("")
            return
        page = self.pages[self.current]
        pixmap = self.pixmaps.get(page.sha256, QPixmap())
        if page.is_pdf or pixmap.isNull():
            self.image.setText(_("PDF 文件，共 {n} 页（原样保存，上传平台）").format(
                n=page.page_count) if page.is_pdf else _("无法显示此页"))
        else:
            self.image.setPixmap(pixmap.scaled(
                self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        self.caption.setText(_("第 {i}/{n} 页　{name}　{size}　{kind}").format(
            i=self.current + 1, n=len(self.pages), name=page.original_name,
            size=human_size(page.size),
            kind="PDF" if page.is_pdf else (_("彩色") if page.colour else _("灰度"))))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and ctrl and self.editable:
            self._move(-1 if key == Qt.Key.Key_Left else 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self._go(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self._go(1)
        elif key == Qt.Key.Key_Delete and self.editable and self.pages:
            page = self.pages.pop(self.current)
            self.current = min(self.current, max(0, len(self.pages) - 1))
            self.remove.emit(page.id)
            self._paint()
        else:
            super().keyPressEvent(event)

    def _go(self, step: int) -> None:
        if self.pages:
            self.current = (self.current + step) % len(self.pages)
            self._paint()

    def _move(self, step: int) -> None:
        target = self.current + step
        if not self.pages or not 0 <= target < len(self.pages):
            return
        self.pages[self.current], self.pages[target] = self.pages[target], self.pages[self.current]
        self.current = target
        self.reorder.emit([page.id for page in self.pages])
        self._paint()
