"""QR code for the progress-query address, encoded with reportlab's QR encoder and drawn
as one vector path (reportlab's QrCodeWidget makes a shape per module: ~100x slower)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

QUIET_MODULES = 4
# Any of the eight mask patterns is valid (ISO/IEC 18004 §7.8); the encoder's search for the
# lowest-penalty one costs ~40 ms in pure Python, so one fixed pattern is used.
MASK_PATTERN = 2


def progress_url(base_url: str, application_no: str) -> str:
    """``{base_url}{application_no}``, the number percent-encoded where a URL needs it."""
    return base_url + quote(application_no, safe="-_.~")


@dataclass(frozen=True)
class QrMatrix:
    """Dark modules of one QR symbol, as (row, first column, run length) triples."""

    size: int
    runs: tuple[tuple[int, int, int], ...]

    def draw(self, canvas: Canvas, x: float, y: float, side: float) -> None:
        """Draw the symbol with its quiet zone in a `side`-point square, lower-left at (x, y)."""
        module = side / (self.size + 2 * QUIET_MODULES)
        origin_y = y + side - QUIET_MODULES * module
        origin_x = x + QUIET_MODULES * module
        # One module is one unit after the transform, so every rectangle is whole numbers:
        # rows grow downward from the top-left corner of the symbol.
        rects = " ".join(f"{col} {-row - 1} {length} 1 re" for row, col, length in self.runs)
        canvas.addLiteral(
            f"q 0 g {module:.4f} 0 0 {module:.4f} {origin_x:.3f} {origin_y:.3f} cm {rects} f Q"
        )


@lru_cache(maxsize=64)
def qr_matrix(value: str) -> QrMatrix | None:
    """`value` as a level-M QR symbol, or None if empty or too long for any version."""
    if not value:
        return None
    try:
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(value)
        code.version = code.calculate_version()
        code.makeImpl(False, MASK_PATTERN)
    except Exception:  # the encoder raises a bare Exception on "code length overflow"
        return None
    runs: list[tuple[int, int, int]] = []
    for r, row in enumerate(code.modules):
        col = 0
        for dark, group in itertools.groupby(row):
            length = len(list(group))
            if dark:
                runs.append((r, col, length))
            col += length
    return QrMatrix(code.getModuleCount(), tuple(runs))
