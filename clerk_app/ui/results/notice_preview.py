"""Preview of a rendered notice (通知书预览): the exact PDF, then print, quick print or save.

打印 (Ctrl+P) opens the system print dialog (any installed printer, copies, pages);
快速打印 (Ctrl+Shift+P) goes straight to the default printer and says so in Chinese when there
is none; 另存为 PDF (Ctrl+S) writes the same bytes. When the notice has characters no bundled
font can draw (`RenderedNotice.unprintable`), the dialog names them at the top and asks once
more before anything is printed. Pages are rendered for the printer on a worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clerk_app.documents.notice_data import NoticeKind
from clerk_app.i18n import _
from clerk_app.services.intake.notices import RenderedNotice
from clerk_app.ui.qt_locale import in_documents
from clerk_app.ui.results import pdf_documents, pdf_print
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, fit_to_screen, plain_label

log = logging.getLogger(__name__)

PRINT_KEYS = "Ctrl+P"
QUICK_PRINT_KEYS = "Ctrl+Shift+P"
SAVE_KEYS = "Ctrl+S"
PathChooser = Callable[[str], str]  # suggested file name -> chosen path ("" when cancelled)


def notice_title(kind: NoticeKind) -> str:
    """The notice's title as printed on it (受理通知书, 送达回证, …)."""
    try:
        from clerk_app.documents.wording import load_wording  # reportlab: on first use

        return load_wording().kinds[kind][0].title
    except Exception:  # the wording file is checked at render time; a title is only a caption
        return kind.value


class NoticePreviewDialog(QDialog):
    """Shows one rendered notice; prints it or saves it.

    Signals:
        printed(str): the printer's name (or the file) once the pages went out.
    """

    printed = Signal(str)

    def __init__(self, rendered: RenderedNotice, taskman: TaskManager, *,
                 reprint: bool = False, view_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rendered = rendered
        self.taskman = taskman
        self.choose_path: PathChooser = self._ask_path
        self.question: QMessageBox | None = None
        self.print_dialog: QPrintDialog | None = None
        self.busy = False
        title = notice_title(rendered.kind)
        self.setWindowTitle(_("通知书预览 — {title}").format(title=title))
        layout = QVBoxLayout(self)
        heading = plain_label(_("{title}　办件编号 {n}").format(title=title, n=rendered.number))
        heading.setStyleSheet("font-weight: bold; font-size: 13pt;")
        layout.addWidget(heading)
        if reprint:
            layout.addWidget(plain_label(_("补打件：通知书上印有“补打”字样和补打时间，已记入操作日志")))
        self.glyph_warning = MessageLine()
        layout.addWidget(self.glyph_warning)
        if rendered.unprintable:
            self.glyph_warning.show_error(self._unprintable_text())

        self.document = pdf_documents.borrow(self, rendered.pdf)  # reused (pdf_documents.py)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        layout.addWidget(self.view, 1)

        self.message = MessageLine()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("打印… ({keys})").format(keys=PRINT_KEYS))
        self.quick_button = QPushButton(_("快速打印 ({keys})").format(keys=QUICK_PRINT_KEYS))
        self.quick_button.setToolTip(_("直接用本机默认打印机打印"))
        self.save_button = QPushButton(_("另存为 PDF… ({keys})").format(keys=SAVE_KEYS))
        self.close_button = QPushButton(_("关闭 (Esc)"))
        for button in (self.print_button, self.quick_button, self.save_button):
            buttons.addWidget(button)
            button.setAutoDefault(False)
        buttons.addStretch(1)
        self.pages = plain_label(_("共 {n} 页").format(n=self.document.pageCount()))
        buttons.addWidget(self.pages)
        buttons.addWidget(self.close_button)
        self.close_button.setAutoDefault(False)
        layout.addLayout(buttons)
        if view_only:
            for button in (self.print_button, self.quick_button, self.save_button):
                button.hide()
            self.message.show_note(_("仅供查看。需要纸质件时请用“补打通知书”（会印“补打”字样）"))
        else:
            QShortcut(QKeySequence(PRINT_KEYS), self, self.print_with_dialog)
            QShortcut(QKeySequence(QUICK_PRINT_KEYS), self, self.quick_print)
            QShortcut(QKeySequence(SAVE_KEYS), self, self.save_pdf)
        self.print_button.clicked.connect(self.print_with_dialog)
        self.quick_button.clicked.connect(self.quick_print)
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.resize(820, 680)
        fit_to_screen(self)
        (self.close_button if view_only else self.print_button).setFocus()

    def _unprintable_text(self) -> str:
        chars = "、".join(f"“{c}”(U+{ord(c):04X})" for c in self.rendered.unprintable)
        return _("注意：通知书中的 {chars} 没有可用字形，打印出来会是方框。请核对姓名、地址等，"
                 "必要时打印后手写补正。").format(chars=chars)

    # -- before printing ----------------------------------------------------------------------

    def _confirm_then(self, go: Callable[[], None]) -> None:
        """Run `go`, after the clerk confirmed printing with characters that have no glyph."""
        if not self.rendered.unprintable:
            go()
            return
        box = QMessageBox(QMessageBox.Icon.Warning, _("有字符无法打印"), "",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self._unprintable_text() + "\n\n" + _("仍要打印吗？"))
        box.button(QMessageBox.StandardButton.Yes).setText(_("仍要打印(&Y)"))
        box.button(QMessageBox.StandardButton.No).setText(_("不打印(&N)"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda answer: go() if answer == QMessageBox.StandardButton.Yes
                             else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.question = box
        box.open()

    # -- printing -----------------------------------------------------------------------------

    def print_with_dialog(self) -> None:
        """The system print dialog: any installed printer, copies and pages."""
        if self.busy:
            return

        def ask() -> None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            pdf_print.set_up_printer(printer, self.document.pagePointSize(0))
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(_("打印{title}").format(title=notice_title(self.rendered.kind)))
            dialog.setMinMax(1, max(1, self.document.pageCount()))
            dialog.accepted.connect(lambda: self.print_to(printer))
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.print_dialog = dialog
            dialog.show()

        self._confirm_then(ask)

    def quick_print(self) -> None:
        """Straight to the default printer; a clear word when there is none."""
        if self.busy:
            return
        info = pdf_print.default_printer()
        if info is None:
            self.message.show_error(_(
                "本机没有安装打印机，或没有设置默认打印机，无法快速打印。请在系统“打印机和扫描仪”中"
                "添加并设为默认，或先“另存为 PDF”，到有打印机的电脑上打印。"))
            return

        def go() -> None:
            printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
            pdf_print.set_up_printer(printer, self.document.pagePointSize(0))
            self.print_to(printer)

        self._confirm_then(go)

    def print_to(self, printer: QPrinter) -> None:
        """Render the pages on a worker, then paint them onto `printer`."""
        first, last = pdf_print.page_range(printer, self.document.pageCount())
        pdf = self.rendered.pdf
        self.busy = True
        self.message.show_note(_("正在准备打印……"))
        self.taskman.read(lambda: pdf_print.rasterize(pdf, pdf_print.PRINT_DPI, first, last),
                          on_success=lambda images: self._paint(printer, images),
                          on_error=lambda _exc: self._print_failed(),
                          context=_("准备打印通知书"))

    def _paint(self, printer: QPrinter, images: list[QImage]) -> None:
        self.busy = False
        where = printer.printerName() or printer.outputFileName()
        if not pdf_print.paint_pages(printer, images):
            self._print_failed()
            return
        log.info("notice printed: kind=%s pages=%d", self.rendered.kind.value, len(images))
        self.message.show_ok(_("已送往打印机 {name}（{n} 页）").format(name=where, n=len(images)))
        self.printed.emit(where)

    def _print_failed(self) -> None:
        self.busy = False
        self.message.show_error(_("无法打印：打印机未就绪或已断开。请检查打印机后重试，"
                                  "或先“另存为 PDF”"))

    # -- saving -------------------------------------------------------------------------------

    def _ask_path(self, name: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, _("另存为 PDF"), in_documents(name),
                                                    _("PDF 文件 (*.pdf)"))
        return path

    def save_pdf(self) -> None:
        name = f"{self.rendered.number}-{notice_title(self.rendered.kind)}.pdf"
        path = self.choose_path(name)
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        data = self.rendered.pdf

        def write() -> OSError | None:
            try:
                Path(path).write_bytes(data)
            except OSError as exc:  # disk full, read-only stick: the clerk's to fix
                return exc
            return None

        self.taskman.read(write, on_success=lambda error: self._saved(path, error),
                          context=_("保存通知书 PDF"))

    def _saved(self, path: str, error: OSError | None) -> None:
        if error is not None:
            self.message.show_error(_("无法保存到 {path}：{e}").format(
                path=path, e=error.strerror or error))
            return
        self.message.show_ok(_("已保存：{path}").format(path=path))
