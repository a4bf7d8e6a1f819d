"""Printing a PDF made by `clerk_app.documents` on any installed printer, exactly as previewed.

The pages are rendered to images by QtPdf on a worker thread (`rasterize`, the thread's own
`QPdfDocument`: nothing shared with the GUI thread), then painted onto the `QPrinter` on the
GUI thread (`paint_pages`), which is quick. The printer is sized to the PDF's own paper (A4),
full page: the notice's margins are in the PDF already.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from clerk_app.ui.results import pdf_documents

PRINT_DPI = 300
"""Fine enough for small print, barcodes and the seal; an A4 page is about 35 MB at 300 dpi."""


def rasterize(pdf: bytes, dpi: int = PRINT_DPI, first: int = 0,
              last: int | None = None) -> list[QImage]:
    """Pages `first`..`last` (0-based, inclusive; all by default) as white-backed images.

    Safe on a worker thread: the document lives and dies in the calling thread."""
    document = pdf_documents.for_this_thread(pdf)
    count = document.pageCount()
    end = count - 1 if last is None else min(last, count - 1)
    images = []
    for page in range(max(0, first), end + 1):
        points = document.pagePointSize(page)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        rendered = document.render(page, size)
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.drawImage(0, 0, rendered)
        painter.end()
        images.append(image)
    document.close()
    return images


def set_up_printer(printer: QPrinter, paper: QSizeF) -> None:
    """Paper as the PDF's, full page, no margins of the printer's own added."""
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(paper, QPageSize.Unit.Point))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait
                               if paper.height() >= paper.width()
                               else QPageLayout.Orientation.Landscape)


def default_printer() -> QPrinterInfo | None:
    """The system's default printer, or None when none is installed (or none is default)."""
    info = QPrinterInfo.defaultPrinter()
    return None if info.isNull() else info


def page_range(printer: QPrinter, count: int) -> tuple[int, int]:
    """0-based first and last page the print dialog asked for (all when it asked for none)."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        return printer.fromPage() - 1, min(count, printer.toPage() or count) - 1
    return 0, count - 1


def paint_pages(printer: QPrinter, images: list[QImage]) -> bool:
    """Paint the page images onto the printer, each scaled to the full sheet; False when the
    printer could not be opened."""
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        first = True
        for _copy in range(copies):
            for image in images:
                if not first:
                    printer.newPage()
                first = False
                sheet = painter.viewport()
                fitted = image.size().scaled(sheet.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(sheet.topLeft(), fitted), image)
    finally:
        painter.end()
    return True
