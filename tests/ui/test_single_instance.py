"""One window per data directory, with real processes on the offscreen platform: a second
`python main.py` on the same directory brings the running window to the front and exits; a
lock left by a killed process is taken over; another directory is not affected."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOLDER = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from clerk_app.ui.station.single_instance import SingleInstance, bring_to_front

app = QApplication([])
instance = SingleInstance(Path(sys.argv[1]))
print("claimed" if instance.claim() else "second", flush=True)
window = QWidget()
window.show()
window.showMinimized()

def activated():
    bring_to_front()
    print("activated", "minimized" if window.isMinimized() else "shown", flush=True)
    app.quit()

instance.activate_requested.connect(activated)
QTimer.singleShot(30_000, app.quit)
app.exec()
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}


def _holder(data_dir: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir)], cwd=REPO,
                               env=_env(), stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process


def test_a_second_start_brings_the_first_window_to_the_front(tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    first = _holder(data_dir)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "claimed"
        other = _holder(tmp_path / "other-station")  # another directory: its own window
        assert other.stdout is not None and other.stdout.readline().strip() == "claimed"
        other.kill()
        other.wait(10)
        second = subprocess.run(  # the real program, as a clerk would start it again
            [sys.executable, "main.py", "--data-dir", str(data_dir)], cwd=REPO, env=_env(),
            capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert first.stdout.readline().split() == ["activated", "shown"]
        assert first.wait(20) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)


def test_a_lock_left_by_a_killed_window_is_taken_over(tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    first = _holder(data_dir)
    assert first.stdout is not None and first.stdout.readline().strip() == "claimed"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    assert (data_dir / "clerk.lock").exists()  # left behind
    again = _holder(data_dir)
    try:
        assert again.stdout is not None and again.stdout.readline().strip() == "claimed"
    finally:
        again.kill()
        again.wait(10)


def test_restore_waits_for_the_window_to_close(tmp_path: Path) -> None:
    from clerk_app.store.instance_lock import window_holding

    data_dir = tmp_path / "station"
    holder = _holder(data_dir)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "claimed"
        assert window_holding(data_dir) == holder.pid
        backup = tmp_path / "b.clkbak"
        backup.write_bytes(b"CLERKBAK")
        refused = subprocess.run(
            [sys.executable, "main.py", "--data-dir", str(data_dir), "--user", "admin",
             "restore", str(backup)], cwd=REPO, env=_env(), capture_output=True, text=True,
            timeout=60)
        assert refused.returncode == 1 and "请先关闭窗口" in refused.stderr
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    assert window_holding(data_dir) is None  # a killed window's lock does not count
