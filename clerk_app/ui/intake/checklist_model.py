"""The material checklist (材料清单) as a table model: one row per material of the matter.

Which materials apply and what is still wrong is decided in `domain.checklist`; this model
only holds what the clerk recorded and offers the states the matter allows for each material.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from clerk_app.domain.catalogue import MATERIAL_FORMS, ConditionSubject, MaterialRequirement, Matter
from clerk_app.domain.checklist import (
    ApplicantType,
    ChecklistContext,
    MaterialEntry,
    MaterialState,
    applies,
)
from clerk_app.i18n import _
from clerk_app.ui.widgets import qdate, tooltip

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    REQUIREMENT = 1
    REQUIRED = 2
    STATE = 3
    FORM = 4
    COPIES = 5
    PROMISED = 6
    NOTE = 7


HEADERS = {
    Column.NAME: _("材料名称"),
    Column.REQUIREMENT: _("要求"),
    Column.REQUIRED: _("应交"),
    Column.STATE: _("状态"),
    Column.FORM: _("实收形式"),
    Column.COPIES: _("实收份数"),
    Column.PROMISED: _("承诺补交日"),
    Column.NOTE: _("说明"),  # 免交理由 or what is wrong (the header's tooltip says so)
}

# The keys 1-7 on a checklist row choose these states (shown in the state menu too).
STATE_ORDER = (
    MaterialState.RECEIVED, MaterialState.E_LICENCE, MaterialState.DEFERRED,
    MaterialState.COMMITTED, MaterialState.WAIVED, MaterialState.MISSING,
    MaterialState.DEFECTIVE)

_GREY = QColor("#8a8a8a")
_STATE_COLOURS = {
    MaterialState.RECEIVED: QColor("#1e7d32"),
    MaterialState.E_LICENCE: QColor("#1e7d32"),
    MaterialState.WAIVED: QColor("#1e7d32"),
    MaterialState.DEFERRED: QColor("#9a5b00"),
    MaterialState.COMMITTED: QColor("#9a5b00"),
    MaterialState.MISSING: QColor("#b3261e"),
    MaterialState.DEFECTIVE: QColor("#b3261e"),
}
MAX_COPIES = 99
_NOTE_STATES = (MaterialState.WAIVED, MaterialState.DEFECTIVE)
def allowance_marks(material: MaterialRequirement) -> str:
    """What the matter allows for a material, marked in its 要求 cell: the clerk sees which
    ones may be 容缺 or replaced by 告知承诺 without trying each key."""
    marks = [label for allowed, label in ((material.deferrable, _("可容缺")),
                                          (material.commitment_allowed, _("可承诺")))
             if allowed]
    return "（" + "、".join(marks) + "）" if marks else ""


DEFAULT_PROMISE_DAYS = 7  # offered as the promised date of a 容缺 material; the clerk edits it


def allowed_states(material: MaterialRequirement) -> list[MaterialState]:
    """Only the states the matter allows: 容缺, 告知承诺 and 电子证照 where permitted."""
    return [s for s in STATE_ORDER if not (
        (s is MaterialState.E_LICENCE and not material.e_licence)
        or (s is MaterialState.DEFERRED and not material.deferrable)
        or (s is MaterialState.COMMITTED and not material.commitment_allowed))]


def state_key(state: MaterialState) -> int:
    """The digit key (1-7) that chooses a state."""
    return STATE_ORDER.index(state) + 1


def required_text(material: MaterialRequirement) -> str:
    text = _("{form} {n}份").format(form=material.form, n=material.copies)
    if material.medium != "纸质":
        text += _("（{medium}）").format(medium=material.medium)
    return text


def is_clerk_condition(material: MaterialRequirement) -> bool:
    return material.condition is not None and material.condition.subject is ConditionSubject.CLERK


class ChecklistModel(QAbstractTableModel):
    """Materials of one matter with the clerk's record of each.

    Signals:
        changed(): the clerk changed a material's record or a clerk-judged condition.
    """

    changed = Signal()

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self._today = today
        self._materials: tuple[MaterialRequirement, ...] = ()
        self._entries: dict[str, MaterialEntry] = {}
        self._context = ChecklistContext()
        self._editable = True

    # -- loading and reading ----------------------------------------------------------------

    def load(self, matter: Matter | None, entries: dict[str, MaterialEntry],
             context: ChecklistContext) -> None:
        self.beginResetModel()
        self._materials = matter.materials if matter is not None else ()
        self._entries = dict(entries)
        self._context = context
        self.endResetModel()

    def set_context(self, applicant_type: ApplicantType, has_agent: bool) -> None:
        """The applicant changed: conditional materials may now apply or not."""
        context = replace(self._context, applicant_type=applicant_type, has_agent=has_agent)
        if context != self._context:
            self._context = context
            self._all_changed()

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self._all_changed()

    def entries(self) -> dict[str, MaterialEntry]:
        return dict(self._entries)

    def clerk_applies(self) -> frozenset[str]:
        return self._context.clerk_applies

    def material(self, row: int) -> MaterialRequirement:
        return self._materials[row]

    def entry(self, row: int) -> MaterialEntry:
        return self._entries.get(self._materials[row].id, MaterialEntry())

    def applicable(self, row: int) -> bool:
        return applies(self._materials[row], self._context)

    def default_promise(self) -> date:
        return self._today() + timedelta(days=DEFAULT_PROMISE_DAYS)

    def row_of(self, material_id: str) -> int:
        for row, material in enumerate(self._materials):
            if material.id == material_id:
                return row
        return -1

    # -- changes by the clerk ---------------------------------------------------------------

    def set_state(self, row: int, state: MaterialState) -> str:
        """Set a row's state; returns a reason (Chinese) when it is not allowed, else ""."""
        material = self._materials[row]
        if not self._editable:
            return _("当前办件已确认或正在提交，不能修改")
        if not self.applicable(row):
            return _("「{name}」本次不需要提交").format(name=material.name)
        if state not in allowed_states(material):
            return _("「{name}」不能选「{state}」").format(name=material.name, state=state.label)
        entry = self.entry(row)
        new = replace(entry, state=state)
        if state is MaterialState.RECEIVED:
            new = replace(new, form_received=entry.form_received or material.form,
                          copies_received=entry.copies_received or material.copies)
        else:
            new = replace(new, form_received="", copies_received=0)
        if state is not MaterialState.DEFERRED:
            new = replace(new, promised_date=None)
        if entry.state in _NOTE_STATES and state is not entry.state:
            new = replace(new, note="")  # a 免交 reason or a defect does not carry over
        self._store(row, new)
        return ""

    def toggle_clerk_condition(self, row: int) -> bool:
        material = self._materials[row]
        if not self._editable or not is_clerk_condition(material):
            return False
        ids = set(self._context.clerk_applies)
        ids.symmetric_difference_update({material.id})
        self._context = replace(self._context, clerk_applies=frozenset(ids))
        self._row_changed(row)
        self.changed.emit()
        return True

    def _store(self, row: int, entry: MaterialEntry) -> None:
        self._entries[self._materials[row].id] = entry
        self._row_changed(row)
        self.changed.emit()

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._materials)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal and (
                section == Column.NOTE):
            return _("免交理由，或材料不符合要求之处")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            return HEADERS[Column(section)]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._materials):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row, column = index.row(), Column(index.column())
        material = self._materials[row]
        if column is Column.REQUIREMENT and is_clerk_condition(material):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if self._editable and self.applicable(row) and self._is_editable(row, column):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _is_editable(self, row: int, column: Column) -> bool:
        state = self.entry(row).state
        if column in (Column.STATE, Column.NOTE):
            return True
        if column in (Column.FORM, Column.COPIES):
            return state is MaterialState.RECEIVED
        if column is Column.PROMISED:
            return state is MaterialState.DEFERRED
        return False

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._materials):
            return None
        row, column = index.row(), Column(index.column())
        material, entry = self._materials[row], self.entry(row)
        applicable = self.applicable(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(material, entry, column, applicable)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(entry, column)
        if role == Qt.ItemDataRole.CheckStateRole and column is Column.REQUIREMENT and (
                is_clerk_condition(material)):
            return (Qt.CheckState.Checked if material.id in self._context.clerk_applies
                    else Qt.CheckState.Unchecked)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not applicable:
                return QBrush(_GREY)
            if column is Column.STATE:
                return QBrush(_STATE_COLOURS[entry.state])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self._tooltip(material, applicable))
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.COPIES:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, material: MaterialRequirement, entry: MaterialEntry, column: Column,
                 applicable: bool) -> str:
        if column is Column.NAME:
            return material.name + ("" if applicable else _("（本次不需要）"))
        if column is Column.REQUIREMENT:
            return material.requirement_label + allowance_marks(material)
        if column is Column.REQUIRED:
            return required_text(material)
        if not applicable:
            return ""
        if column is Column.STATE:
            return f"{state_key(entry.state)} {entry.state.label}"
        if column is Column.FORM:
            return entry.form_received if entry.state is MaterialState.RECEIVED else ""
        if column is Column.COPIES:
            return str(entry.copies_received) if entry.state is MaterialState.RECEIVED else ""
        if column is Column.PROMISED:
            if entry.state is not MaterialState.DEFERRED:
                return ""
            return entry.promised_date.isoformat() if entry.promised_date else _("（请填写）")
        return entry.note

    def _edit_value(self, entry: MaterialEntry, column: Column) -> Any:
        if column is Column.STATE:
            return entry.state.value
        if column is Column.FORM:
            return entry.form_received
        if column is Column.COPIES:
            return entry.copies_received
        if column is Column.PROMISED:
            return qdate(entry.promised_date) if entry.promised_date else QDate()
        if column is Column.NOTE:
            return entry.note
        return None

    def _tooltip(self, material: MaterialRequirement, applicable: bool) -> str:
        lines = [material.name, material.requirement_label,
                 _("应交：{req}；来源：{src}").format(req=required_text(material), src=material.source)]
        if material.core:
            lines.append(_("核心材料"))
        if material.e_licence:
            lines.append(_("可用电子证照代替：{name}").format(name=material.e_licence))
        if material.deferrable:
            lines.append(_("可容缺受理"))
        if material.commitment_allowed:
            lines.append(_("可告知承诺"))
        if material.notes:
            lines.append(material.notes)
        if is_clerk_condition(material):
            lines.append(_("条件是否成立由窗口人员判断：选中本行按空格键切换"))
        if not applicable:
            lines.append(_("本次申请不需要此材料"))
        return "\n".join(lines)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = index.row(), Column(index.column())
        if role == Qt.ItemDataRole.CheckStateRole and column is Column.REQUIREMENT:
            wanted = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(
                value, bool) else value
            if wanted != (self._materials[row].id in self._context.clerk_applies):
                return self.toggle_clerk_condition(row)
            return False
        if role != Qt.ItemDataRole.EditRole or not (
                self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        entry = self.entry(row)
        if column is Column.STATE:
            try:
                state = MaterialState(str(value))
            except ValueError:
                return False
            return self.set_state(row, state) == ""
        if column is Column.FORM:
            if str(value) not in MATERIAL_FORMS:
                return False
            self._store(row, replace(entry, form_received=str(value)))
            return True
        if column is Column.COPIES:
            try:
                copies = int(value)
            except (TypeError, ValueError):
                return False
            if not 0 <= copies <= MAX_COPIES:
                return False
            self._store(row, replace(entry, copies_received=copies))
            return True
        if column is Column.PROMISED:
            promised = _to_date(value)
            self._store(row, replace(entry, promised_date=promised))
            return True
        if column is Column.NOTE:
            self._store(row, replace(entry, note=str(value)))
            return True
        return False

    # -- helpers ----------------------------------------------------------------------------

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _all_changed(self) -> None:
        if self._materials:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._materials) - 1, len(Column) - 1))


def _to_date(value: Any) -> date | None:
    if isinstance(value, QDate):
        return value.toPython() if value.isValid() else None  # type: ignore[return-value]
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
