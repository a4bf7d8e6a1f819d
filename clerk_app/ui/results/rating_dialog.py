"""好差评 by the applicant (一次一评): five large levels, optional items and comment, or declined.

Made to face the applicant on a second screen (评价器): pass the `QScreen` to show on, and the
dialog centres itself there and stays on top. The applicant presses a level (or the keys 1–5:
1 = 非常不满意 … 5 = 非常满意), may rate 服务效率/服务水平/服务态度 and leave a comment, and
submits (Enter). Staff must not rate for the applicant (国办发〔2019〕51号); when the applicant
will not rate, "申请人不愿评价" records why. After a rating the dialog thanks and closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clerk_app.domain.rating import (
    FOLLOW_UP_WORKING_DAYS,
    MAX_COMMENT,
    RatingItem,
    RatingLevel,
    SkipReason,
)
from clerk_app.i18n import _
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.results.ratings import RatingResult, RatingService
from clerk_app.services.station.context import Actor
from clerk_app.ui.errors import is_user_error, problems_of
from clerk_app.ui.results.handover_dialog import attempt
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import NOTE_COLOUR, MessageLine, plain_label

_LEVEL_STYLE = (
    "QPushButton { border: 2px solid #9aa0a6; border-radius: 10px; padding: 10px;"
    " background: #ffffff; color: #202124; }"
    "QPushButton:checked { border-color: %s; background: %s; color: #ffffff; }")
_GOOD, _POOR = "#1e7d32", "#b3261e"


class ItemStars(QWidget):
    """One second-level item rated with 1–5 stars (optional: no star means not rated)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.value = 0
        self.stars: list[QToolButton] = []
        for n in range(1, 6):
            star = QToolButton()
            star.setAutoRaise(True)
            star.setStyleSheet("font-size: 20pt; color: #e8a200;")
            star.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            star.setToolTip(RatingLevel(n).label)
            star.clicked.connect(lambda _checked=False, v=n: self.set_value(v))
            self.stars.append(star)
            layout.addWidget(star)
        layout.addStretch(1)
        self.set_value(0)

    def set_value(self, value: int) -> None:
        self.value = 0 if value == self.value else value  # pressing the same star clears it
        for n, star in enumerate(self.stars, start=1):
            star.setText("★" if n <= self.value else "☆")


class RatingDialog(QDialog):
    """The applicant's rating of one service.

    Signals:
        rated(object): the RatingResult once recorded.
        skipped(int): the id of the record saying the applicant did not rate.
    """

    rated = Signal(object)
    skipped = Signal(int)

    def __init__(self, ratings: RatingService, actor: Actor, taskman: TaskManager, number: str,
                 *, service_line: str = "", visit_id: int | None = None,
                 screen: QScreen | None = None, close_after_ms: int = 4000,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = ratings
        self.actor = actor
        self.taskman = taskman
        self.number = number
        self.visit_id = visit_id
        self.close_after_ms = close_after_ms
        self.finished_with: RatingResult | int | None = None
        self.setWindowTitle(_("服务评价"))
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        title = plain_label(_("请您对本次服务进行评价"))
        title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        line = plain_label(service_line, wrap=True)
        line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        line.setStyleSheet(f"color: {NOTE_COLOUR}; font-size: 12pt;")
        layout.addWidget(line)

        levels = QHBoxLayout()
        self.levels = QButtonGroup(self)
        self.level_buttons: dict[RatingLevel, QPushButton] = {}
        for level in RatingLevel.best_first():
            button = QPushButton(f"{level.stars}\n{level.label}\n" + _("（按 {n}）").format(
                n=level.value))
            button.setCheckable(True)
            button.setMinimumSize(140, 120)
            font = QFont(button.font())
            font.setPointSizeF(15)
            button.setFont(font)
            colour = _POOR if level.is_poor else _GOOD
            button.setStyleSheet(_LEVEL_STYLE % (colour, colour))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.levels.addButton(button, level.value)
            self.level_buttons[level] = button
            levels.addWidget(button)
        layout.addLayout(levels)
        self.hint = MessageLine()
        layout.addWidget(self.hint)

        self.details = QGroupBox(_("分项评价和意见（可不填）"))
        grid = QGridLayout(self.details)
        self.item_stars: dict[RatingItem, ItemStars] = {}
        for row, item in enumerate(RatingItem):
            label = plain_label(item.label)
            label.setStyleSheet("font-size: 13pt;")
            grid.addWidget(label, row, 0)
            self.item_stars[item] = ItemStars()
            grid.addWidget(self.item_stars[item], row, 1)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText(_("您的意见或建议（最多 {n} 字）").format(n=MAX_COMMENT))
        self.comment.setMaximumHeight(80)
        self.comment.setTabChangesFocus(True)
        grid.addWidget(self.comment, 0, 2, 3, 1)
        grid.setColumnStretch(2, 1)
        layout.addWidget(self.details)

        buttons = QHBoxLayout()
        self.skip_button = QPushButton(_("申请人不愿评价…"))
        self.skip_button.setFlat(True)
        self.skip_button.setAutoDefault(False)
        self.submit_button = QPushButton(_("提交评价 (Enter)"))
        self.submit_button.setMinimumHeight(48)
        self.submit_button.setStyleSheet("font-size: 16pt; padding: 4px 24px;")
        self.submit_button.setEnabled(False)
        self.submit_button.setAutoDefault(False)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        layout.addLayout(buttons)

        self.skip_box = QGroupBox(_("不评价的原因（由工作人员登记）"))
        skip_row = QHBoxLayout(self.skip_box)
        self.skip_reason = QComboBox()
        for reason in SkipReason:
            self.skip_reason.addItem(reason.label, reason.value)
        self.skip_note = QLineEdit()
        self.skip_note.setPlaceholderText(_("说明（可不填）"))
        self.skip_note.setMaxLength(MAX_COMMENT)
        self.skip_confirm = QPushButton(_("确认不评价"))
        self.skip_confirm.setAutoDefault(False)
        skip_row.addWidget(self.skip_reason)
        skip_row.addWidget(self.skip_note, 1)
        skip_row.addWidget(self.skip_confirm)
        self.skip_box.hide()
        layout.addWidget(self.skip_box)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self.thanks = plain_label()
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {_GOOD};")
        self.thanks.hide()
        layout.addWidget(self.thanks)
        layout.addStretch(1)

        self.levels.idToggled.connect(self._level_toggled)
        self.submit_button.clicked.connect(self.submit)
        self.skip_button.clicked.connect(self._show_skip)
        self.skip_confirm.clicked.connect(self.skip)
        self.resize(900, 560)
        self.place_on(screen)

    # -- placement --------------------------------------------------------------------------

    def place_on(self, screen: QScreen | None) -> None:
        """Centre the dialog on `screen` (the one facing the applicant)."""
        if screen is None:
            return
        self.setScreen(screen)
        area = screen.availableGeometry()
        self.resize(min(self.width(), area.width()), min(self.height(), area.height()))
        frame = self.frameGeometry()
        frame.moveCenter(area.center())
        self.move(frame.topLeft())

    # -- choosing ---------------------------------------------------------------------------

    def level(self) -> RatingLevel | None:
        chosen = self.levels.checkedId()
        return RatingLevel(chosen) if chosen in range(1, 6) else None

    def choose(self, level: RatingLevel) -> None:
        self.level_buttons[level].setChecked(True)

    def _level_toggled(self, level_id: int, checked: bool) -> None:
        if not checked:
            return
        level = RatingLevel(level_id)
        self.submit_button.setEnabled(self.finished_with is None)
        if level.is_poor:
            self.hint.show_error(_("很抱歉让您不满意。请在右侧写下原因（可不填），中心负责人会在 "
                                   "{n} 个工作日内回访整改。").format(n=FOLLOW_UP_WORKING_DAYS))
        else:
            self.hint.show_note(_("您选择了“{label}”，可补充分项评价和意见，然后按“提交评价”").format(
                label=level.label))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys 1–5 choose a level and Enter submits, unless a text field is being typed in."""
        typing = isinstance(QApplication.focusWidget(), QPlainTextEdit | QLineEdit)
        key = event.key()
        if not typing and Qt.Key.Key_1.value <= key <= Qt.Key.Key_5.value:
            self.choose(RatingLevel(key - Qt.Key.Key_0.value))
            return
        if not typing and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)

    # -- recording --------------------------------------------------------------------------

    def submit(self) -> None:
        level = self.level()
        if level is None or self.finished_with is not None:
            return
        items = {item.value: stars.value for item, stars in self.item_stars.items()
                 if stars.value}
        comment = self.comment.toPlainText()
        self._busy(True)
        self.taskman.write(
            attempt(lambda: self.service.record(self.actor, self.number, level, comment, items,
                                                visit_id=self.visit_id)),
            on_success=self._recorded, on_error=self._failed,
            context=_("登记服务评价"))

    def _show_skip(self) -> None:
        self.skip_box.setVisible(not self.skip_box.isVisible())

    def skip(self) -> None:
        if self.finished_with is not None:
            return
        reason = SkipReason(str(self.skip_reason.currentData()))
        note = self.skip_note.text()
        self._busy(True)
        self.taskman.write(
            attempt(lambda: self.service.skip(self.actor, self.number, reason, note,
                                              visit_id=self.visit_id)),
            on_success=self._recorded, on_error=self._failed,
            context=_("登记不评价"))

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        if is_user_error(exc):
            self.message.show_error("\n".join(problems_of(exc)))

    def _busy(self, busy: bool) -> None:
        for widget in (self.submit_button, self.skip_confirm):
            widget.setEnabled(not busy and (widget is self.skip_confirm or self.level() is not None))

    def _recorded(self, value: RatingResult | int | ResultsError) -> None:
        if isinstance(value, ResultsError):
            self._busy(False)
            self.message.show_error("\n".join(value.problems))
            return
        self.finished_with = value
        for button in self.level_buttons.values():
            button.setEnabled(False)
        for widget in (self.details, self.skip_box, self.skip_button, self.submit_button):
            widget.hide()
        self.hint.clear_message()
        self.message.clear_message()
        if isinstance(value, RatingResult):
            self.thanks.setText(_("感谢您的评价！"))
            self.rated.emit(value)
        else:
            self.thanks.setText(_("已登记：本次服务未评价"))
            self.skipped.emit(value)
        self.thanks.show()
        if self.close_after_ms >= 0:
            QTimer.singleShot(self.close_after_ms, self.accept)
