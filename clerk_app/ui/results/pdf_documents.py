"""QtPdf documents are reused, never made anew for each PDF.

QtPdf keeps about 20 KB of native memory for every QPdfDocument ever created, even once it is
deleted (measured: 300 documents made, loaded and deleted grew the process by 5–7 MB; one
document reloaded 300 times, by nothing). A day at the counter previews and prints a notice
per case, so a preview borrows a document from a small pool and gives it back when it
closes, and each worker thread keeps one document for printing.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QDialog
from shiboken6 import delete, isValid

_free: list[QPdfDocument] = []  # the GUI thread's idle documents
_per_thread = threading.local()


def load(document: QPdfDocument, pdf: bytes) -> None:
    """Show `pdf` in `document` instead of what it showed (its previous bytes are freed)."""
    document.close()
    for old in document.findChildren(QBuffer):
        delete(old)
    buffer = QBuffer(document)  # the document's child: it lives exactly as long as needed
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)


def borrow(dialog: QDialog, pdf: bytes) -> QPdfDocument:
    """A document showing `pdf` for `dialog` (GUI thread); it returns to the pool when the
    dialog finishes, however it is closed."""
    document = _free.pop() if _free else QPdfDocument()
    load(document, pdf)
    dialog.finished.connect(lambda _result: _give_back(document))
    return document


def _give_back(document: QPdfDocument) -> None:
    if not isValid(document) or document in _free:
        return
    document.close()
    for old in document.findChildren(QBuffer):
        delete(old)
    _free.append(document)


def for_this_thread(pdf: bytes) -> QPdfDocument:
    """This thread's own document showing `pdf` (for rasterizing on a worker thread)."""
    document: QPdfDocument | None = getattr(_per_thread, "document", None)
    if document is None or not isValid(document):
        document = _per_thread.document = QPdfDocument()
    load(document, pdf)
    return document
