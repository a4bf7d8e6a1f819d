"""QR code for the progress-query address, encoded with reportlab's QR encoder and drawn
as one vector path (reportlab's QrCodeWidget makes a shape per module: ~100x slower).

The encoder's Reed-Solomon step (error-correction codewords by polynomial division, in pure
Python: ~4 of its ~6 ms per symbol) is replaced at import by `create_bytes`, which computes the
same codewords with a shift register and precomputed products; the symbol is unchanged
(tests/documents/test_qr_codewords.py compares the two).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property, lru_cache
from urllib.parse import quote

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

QUIET_MODULES = 4
# Any of the eight mask patterns is valid (ISO/IEC 18004 §7.8); the encoder's search for the
# lowest-penalty one costs ~40 ms in pure Python, so one fixed pattern is used.
MASK_PATTERN = 2


_EXP = qrencoder.EXP_TABLE
_LOG = qrencoder.LOG_TABLE
_original_create_bytes = qrencoder.QRCode.createBytes  # reportlab's, for comparison in tests


@lru_cache(maxsize=64)
def _products(ec_count: int) -> list[list[int]]:
    """For each byte value f, f times the generator polynomial (after its leading 1)."""
    generator = qrencoder.QRUtil.getErrorCorrectPolynomial(ec_count).num
    logs = [_LOG[c] for c in generator[1:]]
    if len(logs) != ec_count or 0 in generator:
        raise ValueError(f"unexpected generator polynomial for {ec_count} codewords")
    rows = [[0] * ec_count]
    rows += [[_EXP[(_LOG[f] + g) % 255] for g in logs] for f in range(1, 256)]
    return rows


def ec_codewords(data: list[int], ec_count: int) -> list[int]:
    """The `ec_count` Reed-Solomon codewords of `data`: the remainder of data * x^ec_count
    divided by the QR generator polynomial."""
    rows = _products(ec_count)
    remainder = [0] * ec_count
    for byte in data:
        row = rows[byte ^ remainder[0]]
        remainder = [a ^ b for a, b in zip(remainder[1:] + [0], row, strict=True)]
    return remainder


def create_bytes(buffer: qrencoder.QRBitBuffer, rs_blocks: list[object]) -> list[int]:
    """``QRCode.createBytes``: data and error-correction codewords, interleaved by block."""
    data_blocks: list[list[int]] = []
    ec_blocks: list[list[int]] = []
    offset = 0
    for block in rs_blocks:
        data_count = block.dataCount  # type: ignore[attr-defined]
        ec_count = block.totalCount - data_count  # type: ignore[attr-defined]
        data_blocks.append(buffer.buffer[offset : offset + data_count])
        offset += data_count
        ec_blocks.append(ec_codewords(data_blocks[-1], ec_count))
    interleaved = itertools.chain(
        itertools.zip_longest(*data_blocks), itertools.zip_longest(*ec_blocks)
    )
    return [d for column in interleaved for d in column if d is not None]


qrencoder.QRCode.createBytes = staticmethod(create_bytes)


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
        canvas.addLiteral(
            f"q 0 g {module:.4f} 0 0 {module:.4f} {origin_x:.3f} {origin_y:.3f} cm {self._rects} f Q"
        )

    @cached_property
    def _rects(self) -> str:
        """The modules as one path, written once per symbol (it is drawn on every page).

        One module is one unit after the transform, so every rectangle is whole numbers:
        rows grow downward from the top-left corner of the symbol."""
        return " ".join(f"{col} {-row - 1} {length} 1 re" for row, col, length in self.runs)


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
