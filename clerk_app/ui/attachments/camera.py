"""The document camera (高拍仪): a USB camera shown live; Space captures a page, in order.

Qt Multimedia: QCamera + QMediaCaptureSession + QImageCapture with a QVideoWidget preview.
Without a camera the strip's button says 未检测到高拍仪 and this dialog is never opened.
The captured QImages are handed back as they are; encoding them is the caller's job on a
worker thread.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from clerk_app.i18n import _


def camera_available() -> bool:
    """Whether any video input (a document camera presents itself as one) is connected."""
    from PySide6.QtMultimedia import QMediaDevices

    return bool(QMediaDevices.videoInputs())


def jpeg_of(image: QImage, quality: int = 95) -> bytes:
    """A captured frame as JPEG bytes (worker thread: QImage is not a widget)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # the stubs say bytes, PySide6 6.11 accepts only str here
    image.save(buffer, "JPEG", quality)  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())


class DocumentCamera(QDialog):
    """Live preview of the first (or chosen) camera; Space captures, Enter finishes, Esc cancels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtMultimedia import (
            QCamera,
            QImageCapture,
            QMediaCaptureSession,
            QMediaDevices,
        )
        from PySide6.QtMultimediaWidgets import QVideoWidget

        super().__init__(parent)
        self.setWindowTitle(_("高拍仪拍摄"))
        self.setModal(True)
        self.resize(960, 720)
        self.images: list[QImage] = []
        self.preview = QVideoWidget()
        self.counter = QLabel()
        self.help = QLabel(_("空格 拍摄一页　Enter 完成并添加　Esc 放弃"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.counter)
        layout.addWidget(self.help)
        devices = QMediaDevices.videoInputs()
        self.camera = QCamera(devices[0]) if devices else QCamera()
        self.session = QMediaCaptureSession(self)
        self.capture = QImageCapture(self)
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.session.setVideoOutput(self.preview)
        self.capture.imageCaptured.connect(self._captured)
        self.capture.errorOccurred.connect(
            lambda _id, _error, text: self.counter.setText(_("拍摄失败：{t}").format(t=text)))
        self._show_count()
        self.camera.start()

    def _captured(self, _request: int, image: QImage) -> None:
        self.images.append(image.copy())
        self._show_count()

    def _show_count(self) -> None:
        self.counter.setText(_("已拍摄 {n} 页").format(n=len(self.images)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if self.capture.isReadyForCapture():
                self.capture.capture()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self.camera.stop()
        super().done(result)
