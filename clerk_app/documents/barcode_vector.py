"""Code 128 of the 办件编号 drawn as vector bars: a python-barcode writer for reportlab."""

from __future__ import annotations

from dataclasses import dataclass

from barcode import Code128
from barcode.errors import BarcodeError
from barcode.writer import BaseWriter
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Bar:
    """One dark bar: left edge and width, in modules from the start of the symbol."""

    x: int
    width: int


@dataclass(frozen=True)
class BarPattern:
    """The bars of one symbol, in module units (quiet zones excluded)."""

    bars: tuple[Bar, ...]
    modules: int

    def draw(self, canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
        """Draw the symbol filling `width` x `height` points with its lower-left at (x, y)."""
        module = width / self.modules
        # After the transform one module is one unit wide and the bar height is one unit.
        rects = " ".join(f"{bar.x} 0 {bar.width} 1 re" for bar in self.bars)
        canvas.addLiteral(f"q 0 g {module:.5f} 0 0 {height:.3f} {x:.3f} {y:.3f} cm {rects} f Q")


class BarCollector(BaseWriter):
    """A python-barcode writer that records dark modules instead of painting pixels.

    With ``module_width=1`` and no quiet zone, each painted module's x position and width are
    whole module counts, so the pattern scales exactly to any printed width.
    """

    def __init__(self) -> None:
        super().__init__(self._start, self._paint_module, None, self._finish)
        self._bars: list[Bar] = []
        self._end = 0.0

    def _start(self, code: list[str]) -> None:
        self._bars = []
        self._end = 0.0

    def _paint_module(self, xpos: float, ypos: float, width: float, color: object) -> None:
        if color == self.foreground:
            self._bars.append(Bar(round(xpos), round(width)))
        self._end = max(self._end, xpos + width)

    def _finish(self) -> BarPattern:
        return BarPattern(tuple(self._bars), round(self._end))


def code128_pattern(value: str) -> BarPattern | None:
    """Bars for `value` as Code 128, or None when it holds characters Code 128 cannot carry."""
    if not value:
        return None
    try:
        symbol = Code128(value, writer=BarCollector())
        pattern = symbol.render({"module_width": 1, "quiet_zone": 0, "write_text": False})
    except (BarcodeError, ValueError, KeyError):
        return None
    return pattern if isinstance(pattern, BarPattern) else None


QUIET_ZONE = 10  # modules each side, as ISO/IEC 15417 asks
MAX_MODULE = 0.33 * mm
