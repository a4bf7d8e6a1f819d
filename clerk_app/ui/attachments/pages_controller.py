"""Wires the pages strip to the attachment service: which material, loading thumbnails,
adding files or camera captures, and the large view — every read, normalization and write
off the GUI thread (TaskManager)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QModelIndex, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QTableView, QWidget

from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import (
    PreparedPage,
    prepare_bytes,
    prepare_file,
)
from clerk_app.services.attachments.service import AttachmentService, MaterialPages, PageInfo
from clerk_app.services.station.context import Actor
from clerk_app.ui.attachments.camera import DocumentCamera, camera_available, jpeg_of
from clerk_app.ui.attachments.page_viewer import PageViewer
from clerk_app.ui.attachments.pages_strip import PagesStrip
from clerk_app.ui.attachments.thumbnails import VIEW_SIDE, pixmap_of, thumbnail_bytes
from clerk_app.ui.intake.checklist_model import ChecklistModel
from clerk_app.ui.taskman import TaskManager

FILE_FILTER = "图片或 PDF (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp *.pdf);;所有文件 (*)"


CAMERA_CHECK_MS = 1500  # after the first paint of the window


@dataclass(frozen=True)
class PageOwner:
    """Whose pages: an open draft (before confirmation) or a confirmed application."""

    draft_id: int | None = None
    number: str | None = None


def owner_of_intake(controller: object) -> PageOwner | None:
    """The open draft of the intake controller, if any (pages go to it until confirmation)."""
    slot = getattr(controller, "slot", None)
    if slot is None or slot.closed or slot.draft_id is None:
        return None
    return PageOwner(draft_id=slot.draft_id)


class IntakePageOwner(QObject):
    """Whose pages the strip shows: the intake's open draft, or — once it is confirmed (or
    collected at a village point) — the application itself, so pages can still be added
    (after 受理 only added, audited).

    Signals:
        changed(): the owner changed (a decision was confirmed): the strip should reload.
    """

    changed = Signal()

    def __init__(self, controller: QObject) -> None:
        super().__init__(controller)
        self.controller = controller
        self.number: str | None = None
        confirmed = getattr(controller, "confirmed", None)
        if confirmed is not None:
            confirmed.connect(lambda result: self._decided(result.application_number))
        collected = getattr(controller, "collected", None)
        if collected is not None:
            collected.connect(self._decided)

    def _decided(self, number: str) -> None:
        self.number = number
        self.changed.emit()

    def __call__(self) -> PageOwner | None:
        draft = owner_of_intake(self.controller)
        if draft is not None:
            return draft
        if getattr(self.controller, "done", False) and self.number:
            return PageOwner(number=self.number)
        return None


class PagesController(QObject):
    """The strip under the checklist and its dialogs, for the material under the cursor."""

    def __init__(self, strip: PagesStrip, service: AttachmentService, taskman: TaskManager,
                 actor: Actor, owner: Callable[[], PageOwner | None], table: QTableView,
                 model: ChecklistModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.strip, self.service, self.taskman, self.actor = strip, service, taskman, actor
        self.owner, self.table, self.model = owner, table, model
        self.viewer: PageViewer | None = None
        self.pages: MaterialPages | None = None
        self._loading = 0
        # QtMultimedia and the device scan cost ~0.2 s: after the window is up, not before
        QTimer.singleShot(CAMERA_CHECK_MS, strip,
                          lambda: strip.set_camera_available(camera_available()))
        strip.add_files.connect(self.add_files)
        strip.camera.connect(self.capture)
        strip.view.connect(self.open_viewer)
        owner_changed = getattr(owner, "changed", None)
        if owner_changed is not None:
            owner_changed.connect(self.refresh)
        model.modelReset.connect(self.refresh)
        selection = table.selectionModel()
        if selection is not None:
            selection.currentRowChanged.connect(lambda *_args: self.refresh())

    # -- what is shown ----------------------------------------------------------------------

    def material(self) -> tuple[str, str, int] | None:
        """(id, name, 1-based number) of the material under the cursor."""
        row = self.table.currentIndex().row() if self.table.currentIndex().isValid() else -1
        if row < 0 or row >= self.model.rowCount(QModelIndex()):
            return None
        material = self.model.material(row)
        return material.id, material.name, row + 1

    def refresh(self) -> None:
        owner, material = self.owner(), self.material()
        if owner is None or material is None:
            self.strip.set_material(None)
            return
        material_id, name, number = material
        self.strip.set_material(name, number)
        self._loading += 1
        ticket = self._loading

        def load() -> tuple[MaterialPages | None, list[tuple[PageInfo, bytes]]]:
            pages = self._pages_of(owner).get(material_id)
            if pages is None:
                return None, []
            return pages, [(p, thumbnail_bytes(self.service, p)) for p in pages.pages]

        def show(result: tuple[MaterialPages | None, list[tuple[PageInfo, bytes]]]) -> None:
            if ticket != self._loading:
                return  # the clerk has moved on to another material
            self.pages = result[0]
            self.strip.show_pages([(info, pixmap_of(data)) for info, data in result[1]],
                                  result[0].statement() if result[0] else _("未附页面"))

        self.taskman.read(load, show, context=_("读取材料页面"))

    def _pages_of(self, owner: PageOwner) -> dict[str, MaterialPages]:
        if owner.draft_id is not None:
            return self.service.draft_pages(owner.draft_id)
        assert owner.number is not None
        return self.service.application_pages(owner.number)

    # -- adding -----------------------------------------------------------------------------

    def add_files(self) -> None:
        if self.owner() is None or self.material() is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        parent = self.strip.window() if isinstance(self.strip.window(), QWidget) else None
        paths, _chosen = QFileDialog.getOpenFileNames(parent, _("选择材料页面（图片或 PDF）"),
                                                      folder, FILE_FILTER)
        if paths:
            self.add_prepared(lambda: [prepare_file(Path(p)) for p in paths])

    def capture(self) -> None:
        if self.owner() is None or self.material() is None or not camera_available():
            return
        dialog = DocumentCamera(self.strip.window())
        dialog.accepted.connect(lambda: self.add_captured(list(dialog.images)))
        dialog.open()

    def add_captured(self, images: Sequence[QImage]) -> None:
        if images:
            self.add_prepared(lambda: [prepare_bytes(jpeg_of(image), _("高拍仪第{n}页").format(
                n=i)) for i, image in enumerate(images, start=1)])

    def add_prepared(self, prepare: Callable[[], list[PreparedPage]]) -> None:
        """Normalize on a reader thread, then store on the writer, then show the strip again."""
        owner, material = self.owner(), self.material()
        if owner is None or material is None:
            return
        material_id = material[0]

        def store(pages: list[PreparedPage]) -> None:
            def write() -> list[PageInfo]:
                if owner.draft_id is not None:
                    return self.service.add_to_draft(self.actor, owner.draft_id, material_id,
                                                     pages)
                assert owner.number is not None
                return self.service.add_to_application(self.actor, owner.number, material_id,
                                                       pages)
            self.taskman.write(write, lambda _added: self.refresh(), context=_("保存材料页面"))

        self.strip.statement.setText(_("正在处理页面…"))
        self.taskman.read(prepare, store, context=_("处理材料页面"))

    # -- the large view ---------------------------------------------------------------------

    def open_viewer(self, row: int) -> None:
        pages, owner, material = self.pages, self.owner(), self.material()
        if pages is None or owner is None or material is None or not pages.pages:
            return
        viewer = PageViewer(_("材料 {n}「{name}」的页面").format(n=material[2], name=material[1]),
                            self.strip.window())
        self.viewer = viewer
        viewer.reorder.connect(lambda ids: self._write(
            lambda: self.service.reorder(self.actor, ids, number=owner.number,
                                         draft_id=owner.draft_id), _("调整页面顺序")))
        viewer.remove.connect(lambda page_id: self._write(
            lambda: self.service.remove(self.actor, page_id, number=owner.number,
                                        draft_id=owner.draft_id), _("删除页面")))
        viewer.finished.connect(lambda _result: self.refresh())
        infos = list(pages.pages)

        def load() -> dict[str, bytes]:
            return {p.sha256: _view_bytes(self.service.page_bytes(p.sha256))
                    for p in infos if not p.is_pdf}

        def show(images: dict[str, bytes]) -> None:
            viewer.show_pages(infos, {sha: pixmap_of(data) for sha, data in images.items()},
                              pages.editable, row)

        viewer.show_pages(infos, {}, pages.editable, row)
        viewer.open()
        self.taskman.read(load, show, context=_("读取材料页面"))

    def _write(self, task: Callable[[], None], context: str) -> None:
        self.taskman.write(task, lambda _none: None, lambda _exc: self.refresh(), context=context)


def _view_bytes(data: bytes) -> bytes:
    """A page scaled for the screen (the stored page may be 2,000 px)."""
    image = Image.open(io.BytesIO(data))
    image.thumbnail((VIEW_SIDE, VIEW_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()

