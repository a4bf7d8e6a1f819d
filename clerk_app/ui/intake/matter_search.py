"""Matter search (事项检索) as the clerk types: name words, code, full pinyin or initials.

F2 focuses the field; Up/Down move through the results, Enter chooses. Withdrawn matters
are listed greyed with the reason and cannot be chosen for intake.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.intake.search import SearchHit
from clerk_app.ui.widgets import NOTE_COLOUR, plain_label, tooltip

Index = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class MatterResultsModel(QAbstractListModel):
    """Search hits, best first; withdrawn matters are shown but not selectable."""

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit:
        return self._hits[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._hits[index.row()].active:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.ItemIsEnabled

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = f"{hit.name}\n{hit.code}"
            if not hit.active:
                text += "\n" + _("已停用：{reason}").format(
                    reason=hit.withdrawn_reason or _("未说明原因"))
            return text
        if role == Qt.ItemDataRole.ForegroundRole and not hit.active:
            return QBrush(QColor("#9a9a9a"))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = f"{hit.name}\n{hit.code}"
            if not hit.active:
                text += "\n" + _("已停用，不能受理：{reason}").format(
                    reason=hit.withdrawn_reason or _("未说明原因"))
            return tooltip(text)
        if role == CODE_ROLE:
            return hit.code
        return None


class MatterHitDelegate(QStyledItemDelegate):
    """Per hit: the matter's name (wrapped), its code (one line), and why it is withdrawn."""

    PADDING = 4

    def _lines(self, index: Index) -> tuple[str, str, str]:
        parts = str(index.data(Qt.ItemDataRole.DisplayRole) or "").split("\n", 2)
        parts += [""] * (3 - len(parts))
        return parts[0], parts[1], parts[2]

    def _width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        return max(width - 2 * self.PADDING, 40)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        name, _code, reason = self._lines(index)
        width = self._width(option)
        flags = int(Qt.TextFlag.TextWordWrap)
        name_height = QFontMetrics(option.font).boundingRect(0, 0, width, 10_000, flags, name).height()
        small = QFontMetrics(_small(option.font))
        height = name_height + small.height() + 3 * self.PADDING
        if reason:
            height += small.boundingRect(0, 0, width, 10_000, flags, reason).height()
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        name, code, reason = self._lines(index)
        option_text = option.text
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        option.text = option_text
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        active = bool(index.flags() & Qt.ItemFlag.ItemIsSelectable)
        rect = option.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        flags = int(Qt.TextFlag.TextWordWrap)
        painter.save()
        palette = option.palette
        main = palette.highlightedText().color() if selected else (
            palette.text().color() if active else QColor("#9a9a9a"))
        painter.setPen(main)
        painter.setFont(option.font)
        name_rect = painter.boundingRect(rect, flags, name)
        painter.drawText(rect, flags, name)
        small = _small(option.font)
        metrics = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(main if selected else QColor(NOTE_COLOUR if active else "#9a9a9a"))
        top = name_rect.height() + self.PADDING // 2
        code = metrics.elidedText(code, Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(rect.adjusted(0, top, 0, 0), 0, code)
        if reason:
            painter.drawText(rect.adjusted(0, top + metrics.height(), 0, 0), flags, reason)
        painter.restore()


def _small(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * 0.85)
    return small


class MatterSearchPanel(QWidget):
    """The search field and its ranked results.

    Signals:
        matter_chosen(str): the code of the matter the clerk chose for intake.
    """

    matter_chosen = Signal(str)

    def __init__(self, search: Callable[[str], list[SearchHit]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = plain_label(_("查找事项 (F2)"))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        self.field = QLineEdit()
        self.field.setPlaceholderText(_("名称、编码或拼音，如 dbsq"))
        self.field.setClearButtonEnabled(True)
        self.field.setMaxLength(100)
        title.setBuddy(self.field)
        layout.addWidget(self.field)
        self.model = MatterResultsModel()
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setItemDelegate(MatterHitDelegate(self.results))
        self.results.setUniformItemSizes(False)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.results, 1)
        self.count = plain_label(wrap=True)
        self.count.setStyleSheet(f"color: {NOTE_COLOUR};")
        layout.addWidget(self.count)

        self.field.textChanged.connect(self._update)
        self.field.installEventFilter(self)
        self.results.activated.connect(self._choose_index)

    def focus_search(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def rerun(self) -> None:
        """Search again for what is typed (after the catalogue changed)."""
        self._update(self.field.text())

    def current_code(self) -> str | None:
        index = self.results.currentIndex()
        if not index.isValid() or not self.model.hit(index.row()).active:
            return None
        return self.model.hit(index.row()).code

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                index = self.results.currentIndex()
                if not index.isValid():  # nothing highlighted (the list was refreshed): the top
                    first = self._first_active()
                    index = self.model.index(first) if first is not None else index
                self._choose_index(index)
                return True
            if key == Qt.Key.Key_Escape and self.field.text():
                self.field.clear()
                return True
        return super().eventFilter(watched, event)

    def _first_active(self) -> int | None:
        """The row of the best hit that can be taken in, if any."""
        return next((row for row in range(self.model.rowCount()) if self.model.hit(row).active),
                    None)

    def _update(self, text: str) -> None:
        hits = self._search(text) if text.strip() else []
        self.model.set_hits(hits)
        first = self._first_active()
        if first is not None:
            self.results.setCurrentIndex(self.model.index(first))
        if not text.strip():
            self.count.setText("")
        elif not hits:
            self.count.setText(_("未找到匹配的事项：可输入名称中的字词、事项编码、全拼或拼音首字母"))
        elif first is None:
            self.count.setText(_("共 {n} 项，均已停用，不能受理").format(n=len(hits)))
        else:
            self.count.setText(_("共 {n} 项；↑↓ 选择，Enter 开始受理").format(n=len(hits)))

    def _move(self, step: int) -> None:
        rows = [row for row in range(self.model.rowCount()) if self.model.hit(row).active]
        if not rows:
            return
        current = self.results.currentIndex().row()
        if current not in rows:
            target = rows[0] if step > 0 else rows[-1]
        else:
            position = rows.index(current) + step
            target = rows[max(0, min(position, len(rows) - 1))]
        self.results.setCurrentIndex(self.model.index(target))
        self.results.scrollTo(self.model.index(target))

    def _choose_index(self, index: QModelIndex) -> None:
        if not index.isValid():
            if self.field.text().strip():
                self.count.setText(_("没有可以受理的事项，请换个说法查找"))
            return
        hit = self.model.hit(index.row())
        if not hit.active:
            self.count.setText(_("「{name}」已停用，不能受理").format(name=hit.name))
            return
        self.matter_chosen.emit(hit.code)
