"""Guards against a broken Qt binding: a void Qt call must not release a reference to None.

PySide6 6.12.0 on Python 3.11 does, and the app aborts with "none_dealloc" after some hours.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_void_qt_calls_keep_none_alive(qapp: QApplication) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("办件")
        qapp.processEvents()
    assert sys.getrefcount(None) - before > -500
