"""A read-only case table for the village dialogs (rows of text, optional check boxes)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

LATE = QColor("#B00020")


class CaseTable(QTableWidget):
    """Rows of a case list; column 0 holds the 办件编号 (and a check box when `checkable`)."""

    def __init__(self, headers: Sequence[str], *, checkable: bool = False) -> None:
        super().__init__(0, len(headers))
        self.checkable = checkable
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self.setWordWrap(True)

    def fill(self, rows: Sequence[Sequence[str]], late: Sequence[bool] = ()) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c == 0 and self.checkable:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked)
                if r < len(late) and late[r]:
                    item.setForeground(QBrush(LATE))
                self.setItem(r, c, item)
        self.resizeRowsToContents()
        if rows:
            self.selectRow(0)

    def numbers(self, *, checked_only: bool = False) -> list[str]:
        found = []
        for r in range(self.rowCount()):
            item = self.item(r, 0)
            if item is None:
                continue
            if checked_only and item.checkState() != Qt.CheckState.Checked:
                continue
            found.append(item.text())
        return found

    def current_number(self) -> str:
        item = self.item(self.currentRow(), 0) if self.currentRow() >= 0 else None
        return item.text() if item is not None else ""

    def toggle_current(self) -> None:
        item = self.item(self.currentRow(), 0) if self.currentRow() >= 0 else None
        if item is not None and self.checkable:
            item.setCheckState(Qt.CheckState.Unchecked if item.checkState() ==
                               Qt.CheckState.Checked else Qt.CheckState.Checked)
