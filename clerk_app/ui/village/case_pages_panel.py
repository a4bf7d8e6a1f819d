"""In the centre's 材料交接单 dialog: the selected case's material pages, as the village point
photographed them, to check against the paper. Enter (or Ctrl+Shift+J) opens the large view.

The pages come from the platform on a worker (those already held here are not fetched
again), are kept with the case in one write, and their thumbnails are made on a worker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget
from shiboken6 import isValid

from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import human_size
from clerk_app.services.attachments.service import MaterialPages, PageInfo
from clerk_app.services.station.context import Actor
from clerk_app.services.village.centre_pages import CasePages, CentrePages
from clerk_app.sync.api import PlatformError
from clerk_app.ui.attachments.page_viewer import PageViewer
from clerk_app.ui.attachments.thumbnails import VIEW_SIDE, pixmap_of, thumbnail_bytes
from clerk_app.ui.errors import problems_of
from clerk_app.ui.taskman import TaskManager

PageFetcher = Callable[[str], CasePages]
THUMB = 96
READ_ONLY = "←/→ 翻页　Esc 关闭（代办点拍摄的页面，与纸质材料逐页核对）"


class CasePagesPanel(QWidget):
    """Thumbnails of every page of one case, material by material."""

    def __init__(self, service: CentrePages, actor: Actor, taskman: TaskManager,
                 fetch: PageFetcher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service, self.actor, self.taskman, self.fetch = service, actor, taskman, fetch
        self.number = ""
        self.pages: list[PageInfo] = []
        self.names: dict[str, str] = {}
        self.title = QLabel(_("材料页面："))
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 56, THUMB + 30))
        self.list.setFixedHeight(THUMB + 40)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.itemActivated.connect(lambda item: self.open_viewer(self.list.row(item)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        view = QShortcut(QKeySequence("Ctrl+Shift+J"), self)
        view.setContext(Qt.ShortcutContext.WindowShortcut)
        view.activated.connect(lambda: self.open_viewer(max(0, self.list.currentRow())))

    def show_case(self, number: str) -> None:
        """Load and show the pages of case `number` (again when `number` is already shown)."""
        self.number, self.pages = number, []
        self.list.clear()
        self.title.setText(_("材料页面：正在从平台读取……"))
        fetch = self.fetch

        def ask() -> CasePages | PlatformError:
            try:
                return fetch(number)
            except PlatformError as exc:  # offline: the pages kept here are still shown
                return exc

        self.taskman.read(ask, on_success=lambda got: self._fetched(number, got),
                          on_error=self._failed, context=_("读取材料页面"))

    def _fetched(self, number: str, got: CasePages | PlatformError) -> None:
        if number != self.number:
            return
        service, actor = self.service, self.actor
        if isinstance(got, PlatformError):
            note = _("（无法连接平台：{m}；显示本机已有的页面）").format(m=got.message)
            self.taskman.read(lambda: service.attachments.application_pages(number),
                              on_success=lambda kept: self._kept(number, kept, note),
                              on_error=self._failed, context=_("读取材料页面"))
            return
        note = (_("（另有 {k} 页代办点尚未上传完，同步后再看）").format(k=got.waiting)
                if got.waiting else "")
        self.taskman.write(lambda: service.keep(actor, got),
                           on_success=lambda kept: self._kept(number, kept, note),
                           on_error=self._failed, context=_("保存材料页面"))

    def _kept(self, number: str, kept: dict[str, MaterialPages], note: str) -> None:
        if number != self.number:
            return
        service = self.service

        def thumbs() -> tuple[dict[str, str], list[PageInfo], list[bytes]]:
            names = service.material_names(number)
            order = list(names)
            pages = [p for mid in sorted(kept, key=lambda m: order.index(m) if m in order
                                         else len(order)) for p in kept[mid].pages]
            return names, pages, [thumbnail_bytes(service.attachments, p, THUMB) for p in pages]

        self.taskman.read(thumbs, on_success=lambda got: self._show(number, *got, note),
                          on_error=self._failed, context=_("生成缩略图"))

    def _show(self, number: str, names: dict[str, str], pages: list[PageInfo],
              thumbs: list[bytes], note: str) -> None:
        if number != self.number:
            return
        self.names, self.pages = names, pages
        self.list.clear()
        for page, data in zip(pages, thumbs, strict=True):
            pixmap = pixmap_of(data)
            label = _("材料{m} 第{i}页").format(
                m=self.names.get(page.material_id, "?").split(" ")[0], i=page.position + 1)
            item = QListWidgetItem(QIcon(pixmap) if not pixmap.isNull() else QIcon(), label)
            item.setToolTip("　".join((self.names.get(page.material_id, ""), _(
                "PDF {n}页").format(n=page.page_count) if page.is_pdf else human_size(page.size))))
            self.list.addItem(item)
        self.title.setText((_("材料页面（代办点拍摄，共 {n} 页，回车查看大图）：").format(n=len(pages))
                            if pages else _("材料页面：代办点没有上传页面")) + note)

    def _failed(self, exc: Exception) -> None:
        self.title.setText(_("材料页面：{m}").format(m="；".join(problems_of(exc))))

    def open_viewer(self, row: int) -> None:
        if not self.pages:
            return
        pages, service = list(self.pages), self.service.attachments
        viewer = PageViewer(_("办件 {n} 的材料页面").format(n=self.number), self.window())
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def load() -> dict[str, bytes]:
            return {p.sha256: thumbnail_bytes(service, p, VIEW_SIDE) for p in pages}

        def show(data: dict[str, bytes]) -> None:
            if not isValid(viewer):  # closed before the pages were read
                return
            pixmaps: dict[str, QPixmap] = {sha: pixmap_of(b) for sha, b in data.items()}
            viewer.show_pages(pages, pixmaps, editable=False, current=viewer.current,
                              help_text=_(READ_ONLY))

        viewer.show_pages(pages, {}, editable=False, current=row, help_text=_(READ_ONLY))
        viewer.open()
        self.taskman.read(load, on_success=show, on_error=self._failed, context=_("读取页面"))
