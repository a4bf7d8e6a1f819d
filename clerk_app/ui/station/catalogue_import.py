"""文件 > 导入事项目录…: a catalogue file imported on the database writer, all or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from clerk_app.domain.catalogue import CatalogueError
from clerk_app.i18n import _
from clerk_app.services.intake.matter_search import MatterSearchService
from clerk_app.services.station.catalogue import CatalogueService, ImportResult
from clerk_app.services.station.context import Actor
from clerk_app.ui.errors import ErrorReporter, is_user_error, problems_of
from clerk_app.ui.qt_locale import documents_dir
from clerk_app.ui.taskman import TaskManager


class CatalogueImporter(QObject):
    """Asks for a file and imports it; the existing catalogue stays as it was on failure.

    Signals:
        imported(object): the ImportResult, after the search index was rebuilt.
    """

    imported = Signal(object)

    def __init__(self, catalogue: CatalogueService, matters: MatterSearchService, actor: Actor,
                 taskman: TaskManager, reporter: ErrorReporter, window: QWidget) -> None:
        super().__init__(window)
        self.catalogue = catalogue
        self.matters = matters
        self.actor = actor
        self.taskman = taskman
        self.reporter = reporter
        self.window = window

    def choose_and_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window, _("导入事项目录"), documents_dir(), _("事项目录 (*.json);;所有文件 (*)"))
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        self.taskman.write(lambda: self._import(path), on_success=self._done,
                           on_error=self._failed, context=_("导入事项目录"))

    def _import(self, path: Path) -> ImportResult:
        result = self.catalogue.import_file(self.actor, path)
        self.matters.refresh()
        return result

    def _done(self, result: ImportResult) -> None:
        self.reporter.message(_("导入完成"), [_("事项目录已导入：{summary}").format(
            summary=result.summary)], QMessageBox.Icon.Information)
        self.imported.emit(result)

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, CatalogueError):
            self.reporter.message(_("事项目录未导入"), [
                _("文件有以下问题，现有事项目录未作任何改动：")] + problems_of(exc))
        elif is_user_error(exc):
            self.reporter.user_error(exc, _("事项目录未导入"))
