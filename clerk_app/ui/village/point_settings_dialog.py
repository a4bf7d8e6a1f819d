"""站点类型与代办点设置: 中心 or 代办点, the point's name and phone, and its limits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.village.point import PointSettings, StationKind, load_point, save_point
from clerk_app.ui.errors import problems_of
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine


class PointSettingsDialog(QDialog):
    """Edit the station kind and the village point's settings (saved on the writer thread)."""

    def __init__(self, ctx: ServiceContext, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.ctx, self.actor, self.taskman = ctx, actor, taskman
        self.setWindowTitle(_("站点类型与代办点设置"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for kind in StationKind:
            self.kind.addItem(kind.label, kind.value)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("如 青石村便民服务点"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("印在代办回执上"))
        self.warn_days, self.warn_cases, self.transit_days = QSpinBox(), QSpinBox(), QSpinBox()
        for box, top in ((self.warn_days, 60), (self.warn_cases, 1000), (self.transit_days, 30)):
            box.setRange(1, top)
        form.addRow(_("站点类型(&K)"), self.kind)
        form.addRow(_("代办点名称(&N)"), self.name)
        form.addRow(_("代办员电话(&P)"), self.phone)
        form.addRow(_("未发送超过几天提醒(&D)"), self.warn_days)
        form.addRow(_("未发送超过几件提醒(&C)"), self.warn_cases)
        form.addRow(_("在途超过几个工作日提醒(&T)"), self.transit_days)
        layout.addLayout(form)
        self.message = MessageLine()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        taskman.read(lambda: load_point(ctx), on_success=self._show, context=_("读取站点设置"))

    def _show(self, point: PointSettings) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(point.kind)))
        self.name.setText(point.point_name)
        self.phone.setText(point.point_phone)
        self.warn_days.setValue(point.offline_warn_days)
        self.warn_cases.setValue(point.offline_warn_cases)
        self.transit_days.setValue(point.transit_days)
        self.kind.setFocus()

    def settings(self) -> PointSettings:
        return PointSettings(kind=str(self.kind.currentData()), point_name=self.name.text(),
                             point_phone=self.phone.text(),
                             offline_warn_days=self.warn_days.value(),
                             offline_warn_cases=self.warn_cases.value(),
                             transit_days=self.transit_days.value())

    def save(self) -> None:
        settings, ctx, actor = self.settings(), self.ctx, self.actor
        self.taskman.write(lambda: save_point(ctx, actor, settings),
                           on_success=lambda _none: self.accept(),
                           on_error=lambda exc: self.message.show_error(
                               "；".join(problems_of(exc))),
                           context=_("保存站点设置"))
