"""Start-up in two lanes: the login dialog without the database layer, the window's modules on
a worker while the clerk types, the key unwrapped alongside; `main.py` to the search field."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from clerk_app.config import Config
from clerk_app.launch import plain_start
from clerk_app.services.station.settings import CentreSettings
from clerk_app.services.station.station_access import set_up, unlock
from clerk_app.store.database import KeyRejected
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.station import warm_up
from clerk_app.ui.taskman import TaskManager
from tests.bench.bench_startup import DRIVER

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "admin2026x"
HEAVY = ("sqlalchemy", "alembic", "reportlab", "requests", "clerk_app.app", "clerk_app.cli",
         "clerk_app.commands", "clerk_app.ui.main_window", "clerk_app.store.models")


def _station(folder: Path) -> Config:
    config = Config(data_dir=folder)
    opened = set_up(config, CentreSettings(centre_name="青石镇便民服务中心", region_code="510104",
                                           station_code="001"), "admin", "王管理", PASSWORD,
                    log_to_file=False)
    opened.services.close()
    return config


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}


def test_the_login_dialog_comes_up_without_the_database_layer(tmp_path: Path,
                                                               cheap_kdf: None) -> None:
    config = _station(tmp_path / "d")
    script = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from clerk_app.config import Config
from clerk_app.launch import plain_start
from clerk_app.ui import run
app = QApplication([])
state = run.station_state(Config(data_dir=Path(sys.argv[1])))
dialog = run.LoginDialog(None, None, config=Config(data_dir=Path(sys.argv[1])))
dialog.show(); app.processEvents()
print(json.dumps([state.value, sorted(sys.modules)]))
"""
    done = subprocess.run([sys.executable, "-c", script, str(config.data_dir)], cwd=REPO,
                          env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    state, modules = json.loads(done.stdout.splitlines()[-1])
    assert state == "encrypted"
    loaded = [name for name in modules if name.startswith(HEAVY)]
    assert loaded == []


@pytest.mark.parametrize(("argv", "expected"), [
    ([], (True, None)),
    (["--data-dir", "/d"], (True, Path("/d"))),
    (["--data-dir=/d", "gui"], (True, Path("/d"))),
    (["--user", "admin"], (True, None)),
    (["gui", "--data-dir", "/d"], (False, None)),  # cli.py rejects it: so does the fast path
    (["--data-dir"], (False, None)),  # cli.py says what is missing
    (["-h"], (False, None)),
    (["--version"], (False, None)),
    (["report", "daily"], (False, None)),
    (["--user", "admin", "restore", "b.clkbak"], (False, None)),
])
def test_only_a_plain_window_start_skips_the_command_line_parser(
        argv: list[str], expected: tuple[bool, Path | None]) -> None:
    assert plain_start(argv) == expected


def test_sign_in_at_start_unwraps_the_key_while_the_modules_load(tmp_path: Path,
                                                                 cheap_kdf: None) -> None:
    config = _station(tmp_path / "d")
    with pytest.raises(KeyRejected):
        warm_up.sign_in_at_start(config, "admin", "wrong2026x", lambda _s, _f: None)
    opened = warm_up.sign_in_at_start(config, "admin", PASSWORD, lambda _s, _f: None)
    try:
        assert opened.actor.username == "admin" and opened.recovery_code is None
        assert opened.services.ctx.db.key == unlock(config, "admin", PASSWORD)
        assert "clerk_app.ui.main_window" in sys.modules
        assert gc.isenabled() and gc.get_freeze_count() > 0  # the loaded modules frozen
        times = warm_up.TIMES
        assert 0 < times.begun <= times.modules_ready <= times.signed_in
        assert 0 < times.unwrap_began <= times.key_unwrapped <= times.signed_in
    finally:
        opened.services.close()


def test_main_py_goes_from_the_login_dialog_to_the_matter_search(tmp_path: Path,
                                                                  cheap_kdf: None) -> None:
    """The real entry point, as the start-up bench drives it: the dialog is shown, name and
    password typed and Enter pressed; READY only comes with the cursor in the matter search."""
    config = _station(tmp_path / "d")
    done = subprocess.run([sys.executable, "-c", DRIVER, str(config.data_dir), "300", "admin",
                           PASSWORD], cwd=REPO, env=_env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line for line in lines if not line.startswith("TIMES")] == [
        "LOGIN", "ENTER", "READY", "LOADED"]
    times = json.loads(lines[-1].removeprefix("TIMES "))
    assert times["hits"] > 0  # "dbsq" typed at READY finds 最低生活保障申请 (bundled catalogue)
    assert times["gc_enabled"] is True  # paused for the start only (warm_up.pause_gc)
    order = ["unwrap_began", "key_unwrapped", "signed_in", "window_built", "painted"]
    assert all(0 < times[a] <= times[b] for a, b in zip(order, order[1:], strict=False))
    assert 0 < times["begun"] <= times["modules_ready"] <= times["signed_in"]


def test_held_tasks_start_in_order_on_release_and_a_held_write_is_not_lost(
        qtbot: QtBot, tmp_path: Path) -> None:
    taskman = TaskManager(ErrorReporter())
    taskman.start_threads()
    ran: list[str] = []
    taskman.hold()
    taskman.read(lambda: ran.append("read"), context="read")
    taskman.write(lambda: ran.append("write 1"), context="write 1")
    qtbot.wait(50)
    assert ran == [] and not taskman.idle()  # queued, counted busy, not started
    taskman.release()
    qtbot.waitUntil(taskman.idle, timeout=5_000)
    assert sorted(ran) == ["read", "write 1"]
    taskman.hold()
    marker = tmp_path / "draft"
    taskman.write(lambda: marker.write_text("kept", encoding="utf-8"), context="draft")
    taskman.shutdown()  # quitting before the first paint: the write still runs
    assert marker.read_text(encoding="utf-8") == "kept"
