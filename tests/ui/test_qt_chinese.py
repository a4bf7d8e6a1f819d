"""Qt's own words in Chinese: message boxes, file dialogs, text box menus, dates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from clerk_app.ui.qt_locale import documents_dir, in_documents, install_chinese

ENGLISH = re.compile(r"[A-Za-z]{2,}")
# Words that are fine in a Chinese UI: file patterns and Qt's keyboard shortcut hints.
ALLOWED = re.compile(r"\*\.\w+|Ctrl|Shift|Alt|Del|Backspace|Ins|PDF")


@pytest.fixture
def chinese(qtbot: QtBot) -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QLocale()
    translators = install_chinese(app)
    assert translators, "PySide6 ships qtbase_zh_CN.qm"
    yield
    for translator in translators:
        app.removeTranslator(translator)
    QLocale.setDefault(before)


def english_in(texts: list[str]) -> list[str]:
    return [t for t in texts if ENGLISH.search(ALLOWED.sub("", t.replace("&", "")))]


def texts_of(widget: QWidget) -> list[str]:
    found = [b.text() for b in widget.findChildren(QAbstractButton) if b.isVisible()]
    found += [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    return [t for t in found if t]


def test_message_box_buttons_are_chinese(qtbot: QtBot, chinese: None) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "提示", "磁盘空间已满",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel
                      | QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDetailedText("详细信息")
    qtbot.addWidget(box)
    box.show()
    texts = texts_of(box)
    assert "确定" in [t.replace("(&O)", "") for t in texts] or any("确定" in t for t in texts)
    assert english_in(texts) == [], texts


def test_file_dialog_is_chinese_and_starts_in_documents(qtbot: QtBot, chinese: None) -> None:
    dialog = QFileDialog(None, "导入事项目录", documents_dir(), "事项目录 (*.json)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = texts_of(dialog)
    assert english_in(texts) == [], texts
    assert Path(dialog.directory().absolutePath()) == Path(documents_dir()).resolve()
    assert Path(in_documents("台账.pdf")).parent == Path(documents_dir())


def test_text_box_menu_is_chinese(qtbot: QtBot, chinese: None) -> None:
    edit = QLineEdit("张秀英")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts and english_in(texts) == [], texts


def test_dates_are_written_the_chinese_way(chinese: None) -> None:
    text = QLocale().toString(QDate(2026, 12, 6), QLocale.FormatType.LongFormat)
    assert "2026年12月6日" in text, text
