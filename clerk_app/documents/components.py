"""Drawn parts of a notice: title, issuer with seal, and canvas text with font fallback."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from clerk_app.documents.fonts import font_runs, string_width
from clerk_app.documents.styles import BLACK, GUIDE_GREY

log = logging.getLogger(__name__)

SEAL_DIAMETER = 42 * mm  # the usual round seal of an administrative body


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    anchor: str = "left",
    bold: bool = False,
) -> float:
    """Draw one line at baseline `y`, switching faces per run; returns its width.

    `anchor` is "left", "centre" or "right" of `x`. `bold` strokes the outline as well as
    filling it, the usual stand-in for a bold weight the bundled face does not have.
    """
    width = string_width(text, size)
    if anchor == "centre":
        x -= width / 2
    elif anchor == "right":
        x -= width
    obj = canvas.beginText(x, y)
    if bold:
        canvas.setLineWidth(size * 0.035)
        obj.setTextRenderMode(2)
    for name, run in font_runs(text):
        obj.setFont(name, size)
        obj.textOut(run)
    if bold:
        obj.setTextRenderMode(0)
    canvas.drawText(obj)
    return width


class Title(Flowable):
    """The notice title, centred, in a heavy Song face; shrinks to fit one line."""

    def __init__(self, text: str, size: float, min_size: float = 14) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.min_size = min_size
        self._lines: list[str] = [text]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        natural = string_width(self.text, self.size)
        if natural > availWidth:
            self.size = max(self.min_size, self.size * availWidth / natural)
        self._lines = _break_line(self.text, self.size, availWidth)
        self.height = self.size * 1.5 * len(self._lines)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(BLACK)
        canvas.setStrokeColor(BLACK)
        y = self.height - self.size * 1.15
        for line in self._lines:
            draw_text(canvas, self.width / 2, y, line, self.size, "centre", bold=True)
            y -= self.size * 1.5
        canvas.restoreState()


def _break_line(text: str, size: float, width: float) -> list[str]:
    """Split `text` by characters into lines no wider than `width`."""
    lines: list[str] = []
    current = ""
    for char in text:
        if current and string_width(current + char, size) > width:
            lines.append(current)
            current = char
        else:
            current += char
    return [*lines, current] if current or not lines else lines


@lru_cache(maxsize=8)
def _seal_reader(path: str, mtime: float) -> ImageReader:
    return ImageReader(path)


def seal_reader(path: Path | None) -> ImageReader | None:
    """The configured seal image, read once per file version; None if absent or unreadable."""
    if path is None:
        return None
    try:
        reader = _seal_reader(str(path), path.stat().st_mtime)
        reader.getSize()
    except Exception:  # any unreadable image: print the outline, never fail the notice
        log.warning("seal image %s cannot be read; printing the outline", path, exc_info=True)
        return None
    return reader


class IssuerBlock(Flowable):
    """Issuer name and date right of centre, under a seal image or a dashed seal outline.

    As GB/T 9704 asks, the date ends four characters from the right margin, the issuer is
    centred over it and the seal sits centred on both, the date in its lower half.
    """

    def __init__(self, issuer: str, date_text: str, size: float, seal: ImageReader | None) -> None:
        super().__init__()
        self.issuer = issuer
        self.date_text = date_text
        self.size = size
        self.seal = seal

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = SEAL_DIAMETER * 0.8  # the seal may reach a little above and below
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        size = self.size
        date_width = string_width(self.date_text, size)
        right = self.width - 4 * size
        centre_x = right - date_width / 2
        issuer_size = size
        issuer_width = string_width(self.issuer, size)
        if issuer_width > self.width:
            issuer_size = size * self.width / issuer_width
            issuer_width = self.width
        centre_x = min(max(centre_x, issuer_width / 2), self.width - issuer_width / 2)
        seal_cy = self.height / 2
        date_y = seal_cy - size * 1.2
        issuer_y = date_y + size * 1.7
        canvas.saveState()
        if self.seal is None:
            canvas.setStrokeColor(GUIDE_GREY)
            canvas.setLineWidth(0.6)
            canvas.setDash(3, 2)
            canvas.circle(centre_x, seal_cy, SEAL_DIAMETER / 2, stroke=1, fill=0)
            canvas.setDash()
        canvas.setFillColor(BLACK)
        draw_text(canvas, centre_x, issuer_y, self.issuer, issuer_size, "centre")
        draw_text(canvas, centre_x, date_y, self.date_text, size, "centre")
        if self.seal is not None:
            d = SEAL_DIAMETER
            canvas.drawImage(
                self.seal,
                centre_x - d / 2,
                seal_cy - d / 2,
                d,
                d,
                mask="auto",
                preserveAspectRatio=True,
                anchor="c",
            )
        canvas.restoreState()
