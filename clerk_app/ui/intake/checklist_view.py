"""The checklist table: keyboard-editable, with digit keys 1-7 choosing a material's state.

Keys on a row: 1 已收取, 2 电子证照已核验, 3 容缺, 4 告知承诺, 5 免交, 6 缺失, 7 不符合要求 (only
those the matter allows); after 容缺 the promised date opens for editing, after 免交 and 不符合要求
the note; otherwise the cursor moves to the next material that applies. Space ticks a condition
the clerk judges; F2 or Enter edits the current cell; Up/Down/Left/Right move.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from clerk_app.domain.catalogue import MATERIAL_FORMS
from clerk_app.domain.checklist import MaterialState
from clerk_app.i18n import _
from clerk_app.ui.intake.checklist_model import (
    MAX_COPIES,
    STATE_ORDER,
    ChecklistModel,
    Column,
    allowed_states,
    state_key,
)
from clerk_app.ui.widgets import qdate

Index = QModelIndex | QPersistentModelIndex

_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, len(STATE_ORDER) + 1)}
_NEEDS_INPUT = {MaterialState.DEFERRED: Column.PROMISED, MaterialState.WAIVED: Column.NOTE,
                MaterialState.DEFECTIVE: Column.NOTE}


class ChecklistDelegate(QStyledItemDelegate):
    """Editors for the checklist cells: state and form menus, copies, date, note."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        model = cast(ChecklistModel, index.model())
        column = Column(index.column())
        if column is Column.STATE:
            combo = QComboBox(parent)
            for state in allowed_states(model.material(index.row())):
                combo.addItem(f"{state_key(state)} {state.label}", state.value)
            return combo
        if column is Column.FORM:
            combo = QComboBox(parent)
            for form in MATERIAL_FORMS:
                combo.addItem(form, form)
            return combo
        if column is Column.COPIES:
            spin = QSpinBox(parent)
            spin.setRange(0, MAX_COPIES)
            return spin
        if column is Column.PROMISED:
            edit = QDateEdit(parent)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            edit.setMinimumWidth(edit.sizeHint().width())  # the whole date, day included
            return edit
        line = QLineEdit(parent)
        line.setMaxLength(500)
        return line

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, QDateEdit):
            model = cast(ChecklistModel, index.model())
            editor.setDate(value if isinstance(value, QDate) and value.isValid()
                           else qdate(model.default_promise()))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        value: Any
        if isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, QSpinBox):
            value = editor.value()
        elif isinstance(editor, QDateEdit):
            value = editor.date()
        elif isinstance(editor, QLineEdit):
            value = editor.text()
        else:
            return
        model.setData(index, value, Qt.ItemDataRole.EditRole)


# Widths of the columns beside the (stretching, wrapping) material name, in pixels.
COLUMN_WIDTHS = {Column.REQUIREMENT: 150, Column.REQUIRED: 118, Column.STATE: 80,
                 Column.FORM: 78, Column.COPIES: 56, Column.PROMISED: 100, Column.NOTE: 90}


class ChecklistTable(QTableView):
    """The material checklist, driven from the keyboard.

    Signals:
        hint(str): a short message for the clerk (what a key did, or why it was refused).
    """

    hint = Signal(str)

    def __init__(self, model: ChecklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setItemDelegate(ChecklistDelegate(self))
        self.setTabKeyNavigation(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        # Material names in full: they wrap and the rows grow (never "…"); the other columns
        # are as narrow as their words allow on a 1366-pixel screen.
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        for column, width in COLUMN_WIDTHS.items():
            self.setColumnWidth(column, width)
        # the name and its requirement (a condition can be a sentence) share what is left
        header.setSectionResizeMode(Column.REQUIREMENT, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(26)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setToolTip(_("1 已收取  2 电子证照已核验  3 容缺  4 告知承诺  5 免交  6 缺失  "
                          "7 不符合要求；空格 勾选条件；F2 或 Enter 修改单元格"))
        model.modelReset.connect(self._after_reset)

    def focus_first(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.currentIndex().isValid() and self._model.rowCount() > 0:
            self.setCurrentIndex(self._model.index(self._first_applicable(0), Column.STATE))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if index.isValid() and modifiers == Qt.KeyboardModifier.NoModifier:
            key = Qt.Key(event.key())
            if key in _DIGITS:
                self._choose_state(index.row(), STATE_ORDER[_DIGITS[key] - 1])
                return
            if key == Qt.Key.Key_Space and self._model.toggle_clerk_condition(index.row()):
                self.hint.emit(_("已切换「{name}」的条件").format(
                    name=self._model.material(index.row()).name))
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                    self.state() != QAbstractItemView.State.EditingState) and (
                    self._model.flags(index) & Qt.ItemFlag.ItemIsEditable):
                self.edit(index)
                return
        super().keyPressEvent(event)

    def _choose_state(self, row: int, state: MaterialState) -> None:
        problem = self._model.set_state(row, state)
        name = self._model.material(row).name
        if problem:
            self.hint.emit(problem)
            return
        column = _NEEDS_INPUT.get(state)
        if column is not None:
            index = self._model.index(row, column)
            self.setCurrentIndex(index)
            self.edit(index)
            what = _("承诺补交日期") if column is Column.PROMISED else _("理由或问题")
            self.hint.emit(_("「{name}」：{state}，请填写{what}后按 Enter").format(
                name=name, state=state.label, what=what))
            return
        self.hint.emit(_("「{name}」：{state}").format(name=name, state=state.label))
        following = self._first_applicable(row + 1)
        if following < self._model.rowCount():
            self.setCurrentIndex(self._model.index(following, Column.STATE))

    def closeEditor(self, editor: QWidget,
                    hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, hint)
        self._after_edit(self.currentIndex())

    def _after_edit(self, index: QModelIndex) -> None:
        """A promised date or note just typed: the hint that asked for it is answered."""
        column = Column(index.column()) if index.isValid() else None
        if column not in (Column.PROMISED, Column.NOTE):
            return
        row = index.row()
        entry, name = self._model.entry(row), self._model.material(row).name
        if column is Column.PROMISED and entry.promised_date is not None:
            self.hint.emit(_("「{name}」：{state}，承诺{day}前补交").format(
                name=name, state=entry.state.label, day=entry.promised_date.isoformat()))
        elif column is Column.NOTE and entry.note.strip():
            self.hint.emit(_("「{name}」：{state}，已填写说明").format(
                name=name, state=entry.state.label))

    def _first_applicable(self, start: int) -> int:
        row = start
        while row < self._model.rowCount() and not self._model.applicable(row):
            row += 1
        return row if row < self._model.rowCount() else max(start - 1, 0)

    def _after_reset(self) -> None:
        if self._model.rowCount() > 0:
            self.setCurrentIndex(self._model.index(0, Column.STATE))
