"""Centre settings (中心设置): how the notices name and number the centre.

Centre name, address, phones, seal image, progress-query (QR) address, notice serial prefix,
黄灯 days and whether the applicant's copy shows the full ID number. Saving runs the
`save` callback (the `save_settings` service, which checks the permission and the values) on
the database writer; its refusal or its problems are shown here and nothing is lost. The
region and station codes are fixed at set-up (they are in every 办件编号) and only shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clerk_app.documents.notice_data import NoticeKind
from clerk_app.i18n import _
from clerk_app.services.intake.serials import DEFAULT_PREFIXES, KIND_LABELS
from clerk_app.services.station.settings import CentreSettings
from clerk_app.ui.errors import is_user_error, problems_of
from clerk_app.ui.qt_locale import documents_dir
from clerk_app.ui.station.setup_dialog import split_windows
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import NOTE_COLOUR, MessageLine, plain_label

Saver = Callable[[CentreSettings], None]
ImageChooser = Callable[[], str]  # -> a chosen image path, "" when cancelled
SEAL_PREVIEW = 96


def _save_or_problems(save: Saver, settings: CentreSettings) -> Callable[[], list[str]]:
    """The service's "the values are wrong" (ValueError) as a list of problems, not a fault."""
    def run() -> list[str]:
        try:
            save(settings)
        except ValueError as exc:
            return [line for line in str(exc).splitlines() if line.strip()]
        return []
    return run


class SettingsDialog(QDialog):
    """Edit and save the centre settings.

    Signals:
        saved(object): the CentreSettings as saved.
    """

    saved = Signal(object)

    def __init__(self, settings: CentreSettings, save: Saver, taskman: TaskManager, *,
                 may_edit: bool, year: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.save_with = save
        self.taskman = taskman
        self.year = year or date.today().year
        self.choose_image: ImageChooser = self._ask_image
        self.setWindowTitle(_("中心设置"))
        layout = QVBoxLayout(self)
        self.permission_note = MessageLine()
        layout.addWidget(self.permission_note)
        if not may_edit:
            self.permission_note.show_note(_("只有管理员可以修改中心设置；您可以查看。"))
        form = QFormLayout()
        self.centre_name = self._line(settings.centre_name, 100)
        self.address = self._line(settings.address, 200)
        self.phone = self._line(settings.phone, 40)
        self.complaint_phone = self._line(settings.complaint_phone, 40)
        self.qr_base_url = self._line(settings.qr_base_url, 300)
        self.qr_base_url.setPlaceholderText(_("留空则用平台下发的地址；另设如 https://zwfw.example.gov.cn/q/"))
        self.qr_base_url.setToolTip(_("通知书二维码指向的进度查询网址。留空时使用平台注册时下发的地址"
                                      "（随同步更新）；填写则以此为准，办件编号接在后面。"))
        self.serial_prefix = self._line(settings.notice_serial_prefix, 20)
        self.serial_prefix.setPlaceholderText(_("如 青便受"))
        self.serial_example = plain_label()
        self.serial_example.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.windows = self._line("、".join(settings.window_names), 300)
        self.windows.setPlaceholderText(_("如 社会保障、民生事务、综合服务、商事登记"))
        # each other kind of document its own prefix (空 = the default shown)
        own = dict(settings.serial_prefixes)
        self.kind_prefixes: dict[str, QLineEdit] = {}
        prefixes = QGridLayout()
        prefixes.setContentsMargins(0, 0, 0, 0)
        others = [kind for kind in DEFAULT_PREFIXES if kind != NoticeKind.ACCEPTANCE.value]
        for i, kind in enumerate(others):
            edit = self._line(own.get(kind, ""), 20)
            edit.setPlaceholderText(DEFAULT_PREFIXES[kind])
            edit.setToolTip(KIND_LABELS[kind])
            self.kind_prefixes[kind] = edit
            prefixes.addWidget(QLabel(KIND_LABELS[kind]), i // 2, (i % 2) * 2)
            prefixes.addWidget(edit, i // 2, (i % 2) * 2 + 1)
        self.yellow_days = QSpinBox()
        self.yellow_days.setRange(0, 30)
        self.yellow_days.setValue(settings.yellow_days)
        self.yellow_days.setSuffix(_(" 个工作日"))
        self.full_id = QCheckBox(_("申请人留存联显示完整证件号码和电话（窗口存档联始终遮蔽）"))
        self.full_id.setChecked(settings.applicant_copy_full_id)

        self.seal_path = self._line(settings.seal_image, 500)
        self.seal_path.setPlaceholderText(_("公章图片（PNG，透明底），可不设"))
        self.seal_choose = QPushButton(_("选择…"))
        self.seal_clear = QPushButton(_("清除"))
        self.seal_preview = QLabel()
        self.seal_preview.setFixedSize(SEAL_PREVIEW, SEAL_PREVIEW)
        self.seal_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seal_preview.setStyleSheet("border: 1px dashed #c0c4c8;")
        self.seal_message = MessageLine()
        seal_row = QHBoxLayout()
        seal_row.addWidget(self.seal_path, 1)
        seal_row.addWidget(self.seal_choose)
        seal_row.addWidget(self.seal_clear)
        seal_box = QVBoxLayout()
        seal_box.addLayout(seal_row)
        seal_box.addWidget(self.seal_message)
        seal_box.addStretch(1)
        seal_line = QHBoxLayout()
        seal_line.addLayout(seal_box, 1)
        seal_line.addWidget(self.seal_preview)

        station = plain_label(_("{region} · {station}（初始设置时确定，不能在此修改）").format(
            region=settings.region_code, station=settings.station_code))
        station.setStyleSheet(f"color: {NOTE_COLOUR};")
        for label, field in (
                (_("中心名称(&N)"), self.centre_name), (_("地址(&A)"), self.address),
                (_("咨询电话(&P)"), self.phone), (_("投诉电话(&T)"), self.complaint_phone)):
            form.addRow(label, field)
        seal_label = QLabel(_("公章图片(&S)"))  # a layout in the field: the buddy by hand
        seal_label.setBuddy(self.seal_path)
        form.addRow(seal_label, seal_line)
        form.addRow(_("进度查询网址(&Q)"), self.qr_base_url)
        form.addRow(_("窗口(&W)"), self.windows)
        form.addRow(_("受理通知书编号前缀(&X)"), self.serial_prefix)
        form.addRow("", self.serial_example)
        form.addRow(_("其他文书编号前缀"), prefixes)
        form.addRow(_("黄灯预警(&Y)"), self.yellow_days)
        form.addRow("", self.full_id)
        form.addRow(_("行政区划 · 站点"), station)
        layout.addLayout(form)
        self.message = MessageLine()
        layout.addWidget(self.message)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("保存 (Ctrl+S)"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(_("关闭 (Esc)"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)
        layout.addWidget(buttons)

        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.seal_choose.clicked.connect(self._choose_seal)
        self.seal_clear.clicked.connect(lambda: self.seal_path.setText(""))
        self.seal_path.textChanged.connect(lambda _t: self._show_seal())
        self.serial_prefix.textChanged.connect(lambda _t: self._show_example())
        self._show_seal()
        self._show_example()
        if not may_edit:
            for widget in (self.centre_name, self.address, self.phone, self.complaint_phone,
                           self.qr_base_url, self.serial_prefix, self.seal_path, self.windows,
                           *self.kind_prefixes.values()):
                widget.setReadOnly(True)
            for other in (self.yellow_days, self.full_id, self.seal_choose, self.seal_clear,
                          self.save_button):
                other.setEnabled(False)
        self.resize(720, 500)
        self.centre_name.setFocus()

    @staticmethod
    def _line(text: str, length: int) -> QLineEdit:
        field = QLineEdit(text)
        field.setMaxLength(length)
        return field

    # -- seal and serial ------------------------------------------------------------------------

    def _ask_image(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(self, _("选择公章图片"), documents_dir(),
                                                    _("图片 (*.png *.jpg *.jpeg)"))
        return path

    def _choose_seal(self) -> None:
        path = self.choose_image()
        if path:
            self.seal_path.setText(path)

    def _show_seal(self) -> None:
        path = self.seal_path.text().strip()
        self.seal_preview.clear()
        self.seal_message.clear_message()
        if not path:
            self.seal_preview.setText(_("无公章"))
            return
        pixmap = QPixmap(path)
        if pixmap.isNull():
            self.seal_message.show_error(_("无法读取该图片，通知书上将不盖章"))
            return
        self.seal_preview.setPixmap(pixmap.scaled(
            SEAL_PREVIEW - 4, SEAL_PREVIEW - 4, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def _show_example(self) -> None:
        prefix = self.serial_prefix.text().strip() or _("受理")
        self.serial_example.setText(_("文书编号示例：{prefix}〔{year}〕12号").format(
            prefix=prefix, year=self.year))

    # -- saving ---------------------------------------------------------------------------------

    def edited(self) -> CentreSettings:
        """The settings as they stand in the dialog."""
        return replace(
            self.settings, centre_name=self.centre_name.text().strip(),
            address=self.address.text().strip(), phone=self.phone.text().strip(),
            complaint_phone=self.complaint_phone.text().strip(),
            seal_image=self.seal_path.text().strip(),
            qr_base_url=self.qr_base_url.text().strip(),
            notice_serial_prefix=self.serial_prefix.text().strip(),
            window_names=split_windows(self.windows.text()) or self.settings.window_names,
            serial_prefixes=tuple(sorted(
                (kind, edit.text().strip()) for kind, edit in self.kind_prefixes.items()
                if edit.text().strip())),
            yellow_days=self.yellow_days.value(),
            applicant_copy_full_id=self.full_id.isChecked())

    def save(self) -> None:
        settings = self.edited()
        self.message.show_note(_("正在保存……"))
        self.save_button.setEnabled(False)
        self.taskman.write(_save_or_problems(self.save_with, settings),
                           on_success=lambda problems: self._saved(settings, problems),
                           on_error=self._failed, context=_("保存中心设置"))

    def _saved(self, settings: CentreSettings, problems: list[str]) -> None:
        if problems:
            self.save_button.setEnabled(True)
            self.message.show_error("\n".join(problems))
            return
        self.settings = settings
        self.message.show_ok(_("中心设置已保存，新打印的通知书即按此设置"))
        self.save_button.setEnabled(True)
        self.saved.emit(settings)

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        self.message.show_error("\n".join(problems_of(exc)) if is_user_error(exc)
                                else _("保存时程序出错，填写的内容仍在，可重试"))
