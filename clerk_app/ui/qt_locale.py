"""Qt in Chinese: Qt's own translations (OK/Cancel, file dialogs, context menus), the Chinese
locale for dates and numbers, and file dialogs that start in the user's documents folder."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QStandardPaths, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
# qtbase: message boxes, file dialogs, line edit menus; qt: what older modules still carry
CATALOGUES = ("qtbase_zh_CN", "qt_zh_CN")
# What the shipped zh_CN catalogue leaves in English (PySide6 6.x): (context, source) -> text.
MISSING = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "Look in:"): "查找范围：",
    ("QFileDialog", "Files of type:"): "文件类型：",
    ("QFileDialog", "File &name:"): "文件名(&N)：",
    ("QFileDialog", "Detail View"): "详细信息",
    ("QFileDialog", "List View"): "列表",
    ("QFileDialog", "Back"): "后退",
    ("QFileDialog", "Forward"): "前进",
    ("QFileDialog", "Parent Directory"): "上一级",
    ("QFileDialog", "Create New Folder"): "新建文件夹",
    ("QFileDialog", "Sidebar"): "侧边栏",
}


class _Missing(QTranslator):
    """The few strings the shipped catalogue lacks; consulted after Qt's own."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        return MISSING.get((context, source), "")

    def isEmpty(self) -> bool:
        return False


def install_chinese(app: QApplication) -> list[QTranslator]:
    """Load Qt's zh_CN translations shipped with PySide6 and make zh_CN the default locale.

    Returns the installed translators (kept alive by `app` as their parent)."""
    QLocale.setDefault(CHINESE)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    missing = _Missing(app)
    app.installTranslator(missing)  # installed first: searched last
    installed: list[QTranslator] = [missing]
    for name in CATALOGUES:
        translator = QTranslator(app)
        if translator.load(CHINESE, name.removesuffix("_zh_CN"), "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, folder)
    return installed


def documents_dir() -> str:
    """The user's documents folder (文档), where file dialogs start; home if there is none."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def in_documents(name: str) -> str:
    """A suggested file name placed in the documents folder (a bare name would land in the
    program's folder)."""
    return name if Path(name).is_absolute() else str(Path(documents_dir()) / name)
