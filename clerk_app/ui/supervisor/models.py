"""Item models of the supervisor's screen: counts, application rows, accounts, AB岗 lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from clerk_app.i18n import _
from clerk_app.services.station.permissions import Role
from clerk_app.services.supervision.accounts import AccountInfo
from clerk_app.services.supervision.reassign import OpenApplication
from clerk_app.services.supervision.reports import LogRow

Index = QModelIndex | QPersistentModelIndex
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1
T = TypeVar("T")


class ListTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of items, one column per (title, getter)."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[T], Any]]],
                 number: Callable[[T], str] | None = None,
                 centred: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self._columns = list(columns)
        self._items: list[T] = []
        self._number = number
        self._centred = centred

    def set_items(self, items: Sequence[T]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> T:
        return self._items[row]

    def items(self) -> list[T]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self._columns)):
            return self._columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._columns[index.column()][1](item)
            return "" if value is None else str(value)
        if role == NUMBER_ROLE and self._number is not None:
            return self._number(item)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._centred:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def counts_model(label: str = "") -> ListTableModel[tuple[str, int]]:
    """(label, count) pairs: by matter, window, clerk, outcome; `label` heads the first
    column (事项, 窗口, 经办人, 办理方式)."""
    return ListTableModel([(label or _("项目"), lambda pair: pair[0]),
                           (_("件数"), lambda pair: pair[1])],
                          centred=frozenset({1}))


def rows_model() -> ListTableModel[LogRow]:
    """Applications (overdue / due soon); NUMBER_ROLE gives the 办件编号 to open."""
    return ListTableModel([
        (_("办件编号"), lambda r: r.number),
        (_("事项"), lambda r: r.matter_name),
        (_("申请人"), lambda r: r.applicant),
        (_("状态"), lambda r: r.status_label),
        (_("承诺办结日"), lambda r: r.due_date.isoformat() if r.due_date else ""),
        (_("预警"), lambda r: r.light_label),
        (_("窗口"), lambda r: r.window),
        (_("经办人"), lambda r: r.clerk),
    ], number=lambda r: r.number, centred=frozenset({5}))


def _role_label(role: str) -> str:
    return Role(role).label if role in Role._value2member_map_ else role


def accounts_model() -> ListTableModel[AccountInfo]:
    return ListTableModel([
        (_("用户名"), lambda a: a.username),
        (_("姓名"), lambda a: a.display_name),
        (_("角色"), lambda a: _role_label(a.role)),
        (_("窗口"), lambda a: a.window),
        (_("状态"), lambda a: _("已停用") if not a.active else _("已锁定") if a.locked
         else _("正常")),
    ])


def open_applications_model() -> ListTableModel[OpenApplication]:
    return ListTableModel([
        (_("办件编号"), lambda a: a.number),
        (_("事项"), lambda a: a.matter_name),
        (_("状态"), lambda a: a.status_label),
        (_("收件日期"), lambda a: a.received_on.isoformat()),
        (_("承诺办结日"), lambda a: a.due_date.isoformat() if a.due_date else ""),
    ], number=lambda a: a.number)
