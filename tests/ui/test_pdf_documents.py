"""Previews and prints reuse QtPdf documents (QtPdf keeps native memory for every document
ever made): a closed preview's document serves the next one, showing the next PDF."""

from __future__ import annotations

import io

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from clerk_app.ui.results import pdf_documents, pdf_print


def _pdf(pages: int) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for page in range(pages):
        canvas.drawString(72, 720, f"page {page + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_a_closed_previews_document_serves_the_next(qtbot: QtBot) -> None:
    first, second = QDialog(), QDialog()
    for dialog in (first, second):
        qtbot.addWidget(dialog)
    shown = pdf_documents.borrow(first, _pdf(2))
    assert shown.pageCount() == 2
    first.reject()  # finished: the document goes back to the pool
    again = pdf_documents.borrow(second, _pdf(3))
    assert again is shown and again.pageCount() == 3
    third = QDialog()
    qtbot.addWidget(third)
    assert pdf_documents.borrow(third, _pdf(1)) is not again  # still in use by `second`
    second.reject()
    third.reject()


def test_printing_reuses_the_threads_document() -> None:
    assert len(pdf_print.rasterize(_pdf(2), dpi=30)) == 2
    document = pdf_documents.for_this_thread(_pdf(1))
    assert len(pdf_print.rasterize(_pdf(3), dpi=30)) == 3
    assert pdf_documents.for_this_thread(_pdf(1)) is document
