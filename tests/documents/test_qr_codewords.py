"""The QR encoder's faster Reed-Solomon step gives reportlab's codewords and symbols."""

from __future__ import annotations

import random

import pytest
from reportlab.graphics.barcode import qrencoder

from clerk_app.documents import qr

LEVELS = (
    qrencoder.QRErrorCorrectLevel.L,
    qrencoder.QRErrorCorrectLevel.M,
    qrencoder.QRErrorCorrectLevel.Q,
    qrencoder.QRErrorCorrectLevel.H,
)


def test_reportlabs_encoder_uses_the_fast_step() -> None:
    assert qrencoder.QRCode.createBytes is qr.create_bytes


@pytest.mark.parametrize("level", LEVELS)
def test_codewords_are_reportlabs(level: int) -> None:
    rng = random.Random(level)
    for version in (*range(1, 11), 14, 22, 31, 40):  # every block layout kind; reportlab's own
        # division takes seconds for the largest symbols, so not all 40 versions
        blocks = qrencoder.QRRSBlock.getRSBlocks(version, level)
        total = sum(block.dataCount for block in blocks)
        for data in (
            [rng.randrange(256) for _ in range(total)],
            [0] * total,  # leading zero bytes: reportlab strips them from its polynomial
            [0, 0, 7] + [rng.randrange(256) for _ in range(total - 3)],
        ):
            buffer = qrencoder.QRBitBuffer()
            for byte in data:
                buffer.put(byte, 8)
            assert qr.create_bytes(buffer, blocks) == qr._original_create_bytes(buffer, blocks)


def test_symbols_are_reportlabs(monkeypatch: pytest.MonkeyPatch) -> None:
    links = [
        "https://zwfw.example.gov.cn/progress?no=20261126-0012&c=7K3M-Q9XZ",
        "HTTP://ZWFW.EXAMPLE.GOV.CN/P/2026112600012",
        "https://example.org/" + "长" * 60,
    ]
    fast = [qr.qr_matrix.__wrapped__(link) for link in links]
    monkeypatch.setattr(qrencoder.QRCode, "createBytes", staticmethod(qr._original_create_bytes))
    assert [qr.qr_matrix.__wrapped__(link) for link in links] == fast
    assert all(matrix is not None and matrix.runs for matrix in fast)
