"""What every page of a notice carries outside the type area: copy label, 办件编号 barcode,
progress QR code, reprint mark and page number."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from clerk_app.documents.barcode_vector import MAX_MODULE, QUIET_ZONE, BarPattern
from clerk_app.documents.components import draw_text
from clerk_app.documents.fonts import string_width
from clerk_app.documents.qr import QrMatrix
from clerk_app.documents.styles import (
    BLACK,
    FRAME_WIDTH,
    MARGIN_LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SEAL_RED,
)
from clerk_app.documents.text import fill

BARCODE_HEIGHT = 10 * mm
BARCODE_MAX_WIDTH = 78 * mm
QR_SIZE = 21 * mm
QR_TEXT_MAX_WIDTH = 72 * mm  # beside the QR code, clear of the barcode on the right


@dataclass
class PageDecor:
    """Draws the page furniture at the end of each page (PageTemplate ``onPageEnd``)."""

    barcode: BarPattern | None
    barcode_caption: str
    qr: QrMatrix | None
    qr_caption: str
    reprint_mark: str
    reprint_time: str
    page_number: str
    footer: str
    small_size: float
    copy_label: str = ""
    page_in_copy: int = 0
    qr_code_line: str = ""  # 查询码 beside the QR code (bold)
    qr_typed_lines: tuple[str, ...] = ()  # the address and how to use it, for people who type

    def start_copy(self, label: str) -> None:
        self.copy_label = label
        self.page_in_copy = 0

    def __call__(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        self.page_in_copy += 1
        canvas.saveState()
        canvas.setFillColor(BLACK)
        top = PAGE_HEIGHT
        right = MARGIN_LEFT + FRAME_WIDTH
        size = self.small_size
        if self.copy_label:
            draw_text(canvas, MARGIN_LEFT, top - 11 * mm, self.copy_label, size)
        if self.qr is not None:
            qr_y = top - 13 * mm - QR_SIZE
            self.qr.draw(canvas, MARGIN_LEFT - 2 * mm, qr_y, QR_SIZE)
            self._draw_qr_text(canvas, MARGIN_LEFT + QR_SIZE, qr_y + QR_SIZE / 2)
        self._draw_barcode(canvas, right, top - 8 * mm)
        if self.footer:
            footer_size = min(
                size * 0.9, size * 0.9 * FRAME_WIDTH / max(string_width(self.footer, size * 0.9), 1)
            )
            draw_text(canvas, PAGE_WIDTH / 2, 29 * mm, self.footer, footer_size, "centre")
        number = fill(self.page_number, {"page": str(self.page_in_copy)})
        draw_text(canvas, PAGE_WIDTH / 2, 19 * mm, number, 14, "centre")
        if self.reprint_mark:
            self._draw_reprint(canvas, right, top - 32 * mm)
        canvas.restoreState()

    def _draw_qr_text(self, canvas: Canvas, x: float, middle: float) -> None:
        """Caption, 查询码 and the typed address beside the QR code, centred on its middle."""
        size = self.small_size
        lines: list[tuple[str, float, bool]] = [(self.qr_caption, size * 0.85, False)]
        if self.qr_code_line:
            lines.append((self.qr_code_line, size * 1.15, True))
        for text in self.qr_typed_lines:
            width = max(string_width(text, size * 0.75), 1)
            lines.append((text, min(size * 0.75, size * 0.75 * QR_TEXT_MAX_WIDTH / width), False))
        heights = [line_size * 1.3 for _, line_size, _ in lines]
        baseline = middle + sum(heights) / 2
        for (text, line_size, bold), height in zip(lines, heights, strict=True):
            baseline -= height
            draw_text(canvas, x, baseline + height * 0.25, text, line_size, bold=bold)

    def _draw_barcode(self, canvas: Canvas, right: float, top: float) -> None:
        size = self.small_size
        if self.barcode is None:
            draw_text(canvas, right, top - size, self.barcode_caption, size, "right")
            return
        modules = self.barcode.modules + 2 * QUIET_ZONE
        module = min(MAX_MODULE, BARCODE_MAX_WIDTH / modules)
        width = self.barcode.modules * module
        x = right - QUIET_ZONE * module - width
        y = top - BARCODE_HEIGHT
        canvas.setFillColor(BLACK)
        self.barcode.draw(canvas, x, y, width, BARCODE_HEIGHT)
        draw_text(canvas, x + width / 2, y - size * 1.25, self.barcode_caption, size, "centre")

    def _draw_reprint(self, canvas: Canvas, right: float, baseline: float) -> None:
        """A red boxed 补打 at the right edge with the reprint time to its left."""
        size = 14.0
        pad = 1.8 * mm
        canvas.setFillColor(SEAL_RED)
        canvas.setStrokeColor(SEAL_RED)
        width = draw_text(
            canvas, right - pad, baseline, self.reprint_mark, size, "right", bold=True
        )
        canvas.setLineWidth(1.2)
        canvas.rect(right - width - 2 * pad, baseline - size * 0.3, width + 2 * pad, size * 1.25)
        draw_text(
            canvas, right - width - 3.5 * pad, baseline, self.reprint_time, self.small_size, "right"
        )


class CopyStart(Flowable):
    """Zero-size marker: the pages after it belong to the named copy (联)."""

    def __init__(self, decor: PageDecor, label: str) -> None:
        super().__init__()
        self.decor = decor
        self.label = label
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        self.decor.start_copy(self.label)
