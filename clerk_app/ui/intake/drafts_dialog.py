"""Unfinished drafts (未完成的草稿), offered after sign-in and from 办件 > 草稿 (Ctrl+D)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.masking import mask_name
from clerk_app.i18n import _
from clerk_app.services.intake.intake_form import IntakeForm
from clerk_app.ui.widgets import plain_label

DraftRow = tuple[int, IntakeForm, datetime]


def describe(form: IntakeForm, saved_at: datetime, matter_name: str) -> str:
    who = mask_name(form.applicant.name) if form.applicant.name.strip() else _("（未填申请人）")
    text = _("{matter} · 申请人 {who} · 保存于 {at:%Y-%m-%d %H:%M}").format(
        matter=matter_name, who=who, at=saved_at)
    if form.application_number:
        text += " · " + _("补交材料 {n}").format(n=form.application_number)
    return text


class DraftsDialog(QDialog):
    """Lists the clerk's unfinished drafts, newest first.

    Signals:
        restore_requested(int): restore this draft into the window.
        discard_requested(int): throw this draft away.
    """

    restore_requested = Signal(int)
    discard_requested = Signal(int)

    def __init__(self, drafts: list[DraftRow], matter_name: Callable[[str], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("未完成的草稿"))
        self._forms = {draft_id: form for draft_id, form, _at in drafts}
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("以下办件尚未确认，录入的内容已保存。选择一件继续办理："), wrap=True))
        self.list = QListWidget()
        for draft_id, form, saved_at in drafts:
            item = QListWidgetItem(describe(form, saved_at, matter_name(form.matter_code)))
            item.setData(Qt.ItemDataRole.UserRole, draft_id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.restore = buttons.addButton(_("恢复(&R)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard = buttons.addButton(_("丢弃(&D)"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.later = buttons.addButton(_("以后再说 (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.restore.setDefault(True)
        layout.addWidget(buttons)
        self.restore.clicked.connect(self._restore)
        self.discard.clicked.connect(self._discard)
        self.later.clicked.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self._restore())
        self.resize(620, 300)

    def form(self, draft_id: int) -> IntakeForm:
        return self._forms[draft_id]

    def _current(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _restore(self) -> None:
        draft_id = self._current()
        if draft_id is not None:
            self.accept()
            self.restore_requested.emit(draft_id)

    def _discard(self) -> None:
        draft_id = self._current()
        if draft_id is None:
            return
        self.discard_requested.emit(draft_id)
        self.list.takeItem(self.list.currentRow())
        if self.list.count() == 0:
            self.reject()
