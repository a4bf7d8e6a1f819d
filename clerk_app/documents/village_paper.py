"""What the village papers (代办回执, 材料交接单) share: data shapes, page frame with the
Code 128 barcode of their number, and the table and paragraph helpers."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table
from reportlab.platypus.tables import TableStyle

from clerk_app.documents.barcode_vector import MAX_MODULE, QUIET_ZONE, code128_pattern
from clerk_app.documents.components import Title, draw_text
from clerk_app.documents.fonts import main_font, to_markup
from clerk_app.documents.styles import (
    BLACK,
    FRAME_WIDTH,
    HEADER_FILL,
    MARGIN_LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Layout,
    Styles,
    styles_for,
)
from clerk_app.documents.text import clean_text

LAYOUT = Layout(title_size=20.0, body_size=12.0, small_size=10.5)


@functools.cache
def village_styles() -> Styles:
    """The paragraph styles of the village papers, made on first use (fonts load then)."""
    return styles_for(LAYOUT)

BAR_HEIGHT = 11 * mm
BAR_MAX_WIDTH = 80 * mm
TOP = 18 * mm  # room above the frame for the barcode
MARGIN_BOTTOM = 20 * mm


@dataclass(frozen=True)
class MaterialLine:
    """One material on a paper: name, form and copies asked for and received."""

    name: str
    form_required: str
    copies_required: int
    form_received: str
    copies_received: int
    state_label: str


def para(text: str, style: str = "first") -> Paragraph:
    return Paragraph(to_markup(clean_text(text)), getattr(village_styles(), style))


def table(rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    """A ruled table; the first row is the header."""
    styles = village_styles()
    cells = [[Paragraph(to_markup(clean_text(c)), styles.cell_head if i == 0 else styles.cell)
              for c in row] for i, row in enumerate(rows)]
    t = Table(cells, colWidths=list(widths), repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, BLACK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return t


def title(text: str) -> Flowable:
    return Title(clean_text(text), LAYOUT.title_size)


def render(story: list[Flowable], number: str, caption: str, doc_title: str,
           author: str) -> bytes:
    """Build an A4 PDF; every page carries the number's Code 128 and a page number."""
    pattern = code128_pattern(number)

    def furniture(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(BLACK)
        right = MARGIN_LEFT + FRAME_WIDTH
        if pattern is not None:
            modules = pattern.modules + 2 * QUIET_ZONE
            module = min(MAX_MODULE, BAR_MAX_WIDTH / modules)
            width = pattern.modules * module
            x = right - QUIET_ZONE * module - width
            y = PAGE_HEIGHT - 8 * mm - BAR_HEIGHT
            pattern.draw(canvas, x, y, width, BAR_HEIGHT)
            draw_text(canvas, x + width / 2, y - LAYOUT.small_size * 1.2, caption,
                      LAYOUT.small_size, "centre")
        draw_text(canvas, PAGE_WIDTH / 2, 10 * mm, f"- {doc.page} -", LAYOUT.small_size,
                  "centre")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), title=clean_text(doc_title),
                          author=clean_text(author), subject=number, creator="Clerk",
                          invariant=True, initialFontName=main_font())
    top = PAGE_HEIGHT - 8 * mm - BAR_HEIGHT - TOP
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, FRAME_WIDTH, top - MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("village", [frame], onPage=furniture)])
    doc.build(story)
    return buffer.getvalue()
