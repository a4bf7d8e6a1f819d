"""Preview of a village paper (代办回执, 材料交接单) with print and save."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from clerk_app.i18n import _
from clerk_app.ui.qt_locale import in_documents
from clerk_app.ui.results import pdf_documents, pdf_print
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, fit_to_screen, plain_label


class PaperDialog(QDialog):
    """Shows one PDF; Ctrl+P to the default printer, Ctrl+S to a file, Esc closes."""

    def __init__(self, title: str, number: str, pdf: bytes, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.title, self.number, self.pdf, self.taskman = title, number, pdf, taskman
        self.choose_path: Callable[[str], str] = self._ask_path
        self.setWindowTitle(_("{title}预览").format(title=title))
        layout = QVBoxLayout(self)
        heading = plain_label(_("{title}　编号 {n}").format(title=title, n=number))
        heading.setStyleSheet("font-weight: bold; font-size: 13pt;")
        layout.addWidget(heading)
        self.document = pdf_documents.borrow(self, pdf)  # reused (pdf_documents.py)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self.message = MessageLine()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("快速打印 (Ctrl+P)"))
        self.save_button = QPushButton(_("另存为 PDF… (Ctrl+S)"))
        self.close_button = QPushButton(_("关闭 (Esc)"))
        for button in (self.print_button, self.save_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+P"), self, self.quick_print)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_pdf)
        self.print_button.clicked.connect(self.quick_print)
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.resize(820, 680)
        fit_to_screen(self)
        self.print_button.setFocus()

    def quick_print(self) -> None:
        info = pdf_print.default_printer()
        if info is None:
            self.message.show_error(_("本机没有默认打印机：请先“另存为 PDF”，到有打印机的电脑上打印"))
            return
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        pdf_print.set_up_printer(printer, self.document.pagePointSize(0))
        pdf = self.pdf
        self.taskman.read(lambda: pdf_print.rasterize(pdf, pdf_print.PRINT_DPI),
                          on_success=lambda images: self._paint(printer, images),
                          context=_("准备打印"))

    def _paint(self, printer: QPrinter, images: list[QImage]) -> None:
        if pdf_print.paint_pages(printer, images):
            self.message.show_ok(_("已送往打印机（{n} 页）").format(n=len(images)))
        else:
            self.message.show_error(_("无法打印：打印机未就绪。请检查后重试，或先另存为 PDF"))

    def _ask_path(self, name: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, _("另存为 PDF"), in_documents(name),
                                                    _("PDF 文件 (*.pdf)"))
        return path

    def save_pdf(self) -> None:
        path = self.choose_path(f"{self.number}-{self.title}.pdf")
        if not path:
            return
        target = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
        data = self.pdf

        def write() -> str:
            try:
                target.write_bytes(data)
            except OSError as exc:
                return str(exc.strerror or exc)
            return ""

        self.taskman.read(write, on_success=lambda error: self.message.show_error(
            _("无法保存到 {p}：{e}").format(p=target, e=error)) if error
            else self.message.show_ok(_("已保存到 {p}").format(p=target)),
            context=_("保存 PDF"))
