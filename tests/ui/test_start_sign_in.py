"""Start-up dialogs: sign-in that unwraps the key off the GUI thread, conversion progress, the
recovery code shown once, and 用恢复码找回."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from clerk_app.config import Config
from clerk_app.services.station.settings import CentreSettings
from clerk_app.services.station.station_access import set_up
from clerk_app.store import keys
from clerk_app.store.database import is_plain_sqlite
from clerk_app.ui.station.login_dialog import LoginDialog
from clerk_app.ui.station.recovery_dialog import RecoverDialog, RecoveryCodeDialog
from tests.keys.test_conversion import make_plain_station

PASSWORD = "admin2026x"


def station(folder: Path) -> tuple[Config, str]:
    config = Config(data_dir=folder)
    opened = set_up(config, CentreSettings(centre_name="青石镇便民服务中心", region_code="510104",
                                           station_code="001"), "admin", "王管理", PASSWORD,
                    log_to_file=False)
    opened.services.close()
    assert opened.recovery_code
    return config, opened.recovery_code


def test_sign_in_at_start_unwraps_off_the_gui_thread(qtbot: QtBot, tmp_path: Path,
                                                     cheap_kdf: None) -> None:
    config, _code = station(tmp_path / "d")
    dialog = LoginDialog(None, None, config=config)
    qtbot.addWidget(dialog)
    dialog.username.setText("admin")
    dialog.password.setText("wrong2026x")
    dialog.buttons.accepted.emit()
    assert dialog.worker.running and not dialog.buttons.isEnabled()  # returned at once
    dialog.reject()  # Esc while unwrapping does not leave half-way
    qtbot.waitUntil(lambda: not dialog.worker.running, timeout=20_000)
    assert dialog.error.text() == "密码或密钥不正确" and dialog.password.text() == ""
    dialog.password.setText(PASSWORD)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=20_000)
    assert dialog.opened is not None and dialog.actor is not None
    assert dialog.opened.services.ctx.db.key is not None
    settings = dialog.opened.settings  # read on the worker for the window
    assert settings is not None and settings.centre_name == "青石镇便民服务中心"
    dialog.opened.services.close()


def test_the_key_is_derived_as_the_clerk_types_and_the_sign_in_takes_it(
        qtbot: QtBot, tmp_path: Path, cheap_kdf: None, monkeypatch: pytest.MonkeyPatch) -> None:
    config, _code = station(tmp_path / "d")
    derived: list[bytes] = []
    argon2id = keys._argon2id

    def counted(secret: bytes, salt: bytes, cost: keys.KdfCost) -> bytes:
        derived.append(secret)
        return argon2id(secret, salt, cost)

    monkeypatch.setattr(keys, "_argon2id", counted)
    dialog = LoginDialog(None, None, config=config)
    qtbot.addWidget(dialog)
    assert dialog.ahead is not None
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.waitUntil(lambda: dialog.ahead is not None and dialog.ahead._thread is None,
                    timeout=20_000)
    assert derived and derived[-1] == PASSWORD.encode()  # the newest pair, some coalesced
    ahead = len(derived)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=20_000)
    assert dialog.opened is not None and dialog.opened.services.ctx.db.key is not None
    assert len(derived) == ahead  # the unwrap took the key derived while typing
    dialog.opened.services.close()


def test_a_wrong_password_typed_ahead_is_refused_as_before(
        qtbot: QtBot, tmp_path: Path, cheap_kdf: None) -> None:
    config, _code = station(tmp_path / "d")
    dialog = LoginDialog(None, None, config=config)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "wrong2026x")
    qtbot.waitUntil(lambda: dialog.ahead is not None and dialog.ahead._thread is None,
                    timeout=20_000)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.worker.running, timeout=20_000)
    assert dialog.error.text() == "密码或密钥不正确" and dialog.opened is None
    qtbot.keyClicks(dialog.password, PASSWORD)  # typed again: derived ahead again
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=20_000)
    assert dialog.opened is not None
    dialog.opened.services.close()


def test_conversion_at_sign_in_shows_progress_and_the_recovery_code(
        qtbot: QtBot, tmp_path: Path, cheap_kdf: None) -> None:
    folder = make_plain_station(tmp_path / "old")
    dialog = LoginDialog(None, None, config=Config(data_dir=folder), converting=True)
    qtbot.addWidget(dialog)
    assert dialog.recover_button is None
    stages: list[str] = []
    dialog.worker.progress.connect(lambda stage, _f: stages.append(stage))
    dialog.username.setText("admin")
    dialog.password.setText(PASSWORD)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=60_000)
    opened = dialog.opened
    assert opened is not None and opened.recovery_code and opened.needs_reset == ["zhangli"]
    assert "export" in stages and stages[-1] == "done" and dialog.progress.value() == 100
    assert not is_plain_sqlite(folder / "clerk.sqlite")
    opened.services.close()
    shown = RecoveryCodeDialog(opened.recovery_code)
    qtbot.addWidget(shown)
    shown.show()
    shown.reject()  # Esc: the code stays on screen until it is copied
    assert shown.isVisible() and not shown.ok.isEnabled()
    shown.copied.setChecked(True)
    assert shown.ok.isEnabled()
    shown.ok.click()
    assert not shown.isVisible()


def test_recovery_code_sets_a_new_administrator_password(qtbot: QtBot, tmp_path: Path,
                                                         cheap_kdf: None) -> None:
    config, code = station(tmp_path / "d")
    dialog = RecoverDialog(config)
    qtbot.addWidget(dialog)
    dialog.code.setText("23456-78923-45678-92345-67892-34567")
    dialog.username.setText("admin")
    dialog.password.setText("newadmin2026")
    dialog.password_again.setText("newadmin2026")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=20_000)
    assert dialog.error.text() == "恢复码不正确"
    dialog.code.setText(code.replace("-", " ").lower())
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=20_000)
    assert dialog.opened is not None and dialog.opened.actor.username == "admin"
    dialog.opened.services.close()
    login = LoginDialog(None, None, config=config)
    qtbot.addWidget(login)
    login.username.setText("admin")
    login.password.setText("newadmin2026")
    login.buttons.accepted.emit()
    qtbot.waitUntil(lambda: login.opened is not None, timeout=20_000)
    assert login.opened is not None
    login.opened.services.close()
