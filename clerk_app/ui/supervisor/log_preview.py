"""The log's preview (台账预览) with print, save as PDF and export to Excel.

The PDF is built by the service (off the GUI thread) and shown with QtPdf; printing renders
one page per turn of the event loop so that a long log never freezes the window.

Signals:
    export_requested(str): the user chose a path for an Excel export (the screen builds it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPageLayout, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from clerk_app.i18n import _
from clerk_app.ui.qt_locale import in_documents
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine

log = logging.getLogger(__name__)

PRINT_DPI = 200  # pages are rendered at this resolution for the printer
PathChooser = Callable[[str, str], str]  # (suggested name, filter) -> chosen path or ""


def _ask_path(parent: QWidget) -> PathChooser:
    def ask(name: str, pattern: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(parent, _("保存台账"), in_documents(name),
                                                    pattern)
        return path

    return ask


ZOOM_STEP, MIN_ZOOM, MAX_ZOOM = 1.25, 0.25, 4.0


class LogPreview(QWidget):
    """Shows one built log; prints or saves it."""

    export_requested = Signal(str)

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.choose_path: PathChooser = _ask_path(self)
        self.pdf = b""
        self.suggested_name = "台账"
        self._buffer: QBuffer | None = None
        self._printing: list[int] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.print_button = QPushButton(_("打印(&P)…"))
        self.save_button = QPushButton(_("另存为 PDF(&S)…"))
        self.excel_button = QPushButton(_("导出 Excel(&E)…"))
        for button in (self.print_button, self.save_button, self.excel_button):
            button.setEnabled(False)
            bar.addWidget(button)
        bar.addStretch(1)
        # a log page is A4 landscape in small print: the clerk zooms to read it on screen
        self.zoom_out = QPushButton(_("缩小 (Ctrl+-)"))
        self.zoom_in = QPushButton(_("放大 (Ctrl++)"))
        self.zoom_fit = QPushButton(_("适合宽度 (Ctrl+0)"))
        for button, keys, slot in ((self.zoom_out, ("Ctrl+-",), lambda: self.zoom(1 / ZOOM_STEP)),
                                   (self.zoom_in, ("Ctrl++", "Ctrl+="),
                                    lambda: self.zoom(ZOOM_STEP)),
                                   (self.zoom_fit, ("Ctrl+0",), self.fit_width)):
            bar.addWidget(button)
            button.clicked.connect(slot)
            for key in keys:
                QShortcut(QKeySequence(key), self, slot)
        layout.addLayout(bar)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self.print_button.clicked.connect(self.print_log)
        self.save_button.clicked.connect(self.save_pdf)
        self.excel_button.clicked.connect(self._ask_excel)

    def zoom(self, factor: float) -> None:
        """Zoom in or out from what is shown now (within 25%–400%)."""
        current = self.view.zoomFactor()
        if self.view.zoomMode() is not QPdfView.ZoomMode.Custom:
            page = self.document.pagePointSize(0).width() if self.document.pageCount() else 0
            # what fit-to-width shows now, as a factor of the page's natural size
            current = self.view.viewport().width() / (page * 96 / 72) if page else 1.0
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(current * factor, MIN_ZOOM), MAX_ZOOM))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def show_pdf(self, pdf: bytes, suggested_name: str) -> None:
        """Show a freshly built log."""
        self.pdf, self.suggested_name = pdf, suggested_name
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        ready = self.document.status() == QPdfDocument.Status.Ready
        for button in (self.print_button, self.save_button, self.excel_button):
            button.setEnabled(ready)
        self.message.show_note(_("共 {n} 页").format(n=self.document.pageCount()))

    def set_enabled_export(self, enabled: bool) -> None:
        self.excel_button.setEnabled(enabled)

    def save_pdf(self) -> None:
        path = self.choose_path(self.suggested_name + ".pdf", _("PDF 文件 (*.pdf)"))
        if not path:
            return
        data = self.pdf
        self.taskman.read(lambda: Path(path).write_bytes(data),
                          on_success=lambda _n: self.message.show_ok(
                              _("已保存：{path}").format(path=path)),
                          on_error=lambda exc: self.message.show_error(
                              _("保存失败：{e}").format(e=exc)), context=_("保存台账 PDF"))

    def _ask_excel(self) -> None:
        path = self.choose_path(self.suggested_name + ".xlsx", _("Excel 工作簿 (*.xlsx)"))
        if path:
            self.export_requested.emit(path)

    # -- printing ---------------------------------------------------------------------------

    def print_log(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("打印台账"))
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self._print_dialog = dialog

    def print_to(self, printer: QPrinter) -> None:
        """Render every page onto `printer`, one page per event-loop turn."""
        painter = QPainter()
        if not painter.begin(printer):
            self.message.show_error(_("无法开始打印，请检查打印机"))
            return
        pages = list(range(self.document.pageCount()))
        self._printing = pages

        def next_page() -> None:
            if not self._printing:
                painter.end()
                self.message.show_ok(_("已送打印：{n} 页").format(n=len(pages)))
                return
            page = self._printing.pop(0)
            if page:
                printer.newPage()
            points = self.document.pagePointSize(page)
            image = self.document.render(page, QSize(int(points.width() * PRINT_DPI / 72),
                                                     int(points.height() * PRINT_DPI / 72)))
            viewport = painter.viewport()
            fitted = image.size().scaled(viewport.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(viewport.topLeft(), fitted), image)
            QTimer.singleShot(0, next_page)

        self.message.show_note(_("正在打印……"))
        next_page()
