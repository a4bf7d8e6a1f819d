"""Cold start to an intake-ready window, next to a bare PySide6 window started the same way.

Each run is a fresh process (offscreen platform) timed from spawn until the child prints
READY: for Clerk, once the clerk is signed in (the login dialog's service call, without
typing: the data key unwrapped from the key file with argon2id, the encrypted database opened
and migrated, the services built) and the main window is shown with the matter search focused; for the baseline, once an empty QWidget is shown. Median of 5.

Run: python -m tests.bench.bench_startup
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.stats import median

ROOT = Path(__file__).resolve().parents[2]

BARE = """
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget(); w.resize(1366, 768); w.show(); app.processEvents()
print("READY", flush=True)
"""

CLERK = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from clerk_app.config import Config
from clerk_app.services.station.settings import load_settings
from clerk_app.services.station.station_access import sign_in
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.fonts import install_fonts
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.qt_locale import install_chinese
from clerk_app.ui.taskman import TaskManager
app = QApplication([])
install_fonts(app)
install_chinese(app)
opened = sign_in(Config(data_dir=Path(sys.argv[1])), "clerk", "bench2026x", log_to_file=False)
services = opened.services
taskman = TaskManager(ErrorReporter(QApplication.activeWindow))
window = MainWindow(services, opened.actor, taskman=taskman, reporter=taskman.reporter,
                    settings=load_settings(services.ctx))
window.resize(1366, 768); window.show(); app.processEvents()
print("READY", flush=True)
taskman.shutdown(); services.close()
"""


def _prepare(data_dir: Path) -> None:
    """A station set up as the setup dialog does (key file, encrypted database) with a clerk."""
    from clerk_app.config import Config
    from clerk_app.services.station.permissions import Role
    from clerk_app.services.station.settings import CentreSettings
    from clerk_app.services.station.station_access import set_up

    opened = set_up(Config(data_dir=data_dir), CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        "admin", "王管理", "bench2026x", log_to_file=False)
    opened.services.accounts.create(opened.actor, "clerk", "张丽", "bench2026x", Role.CLERK,
                                    "民生事务")
    opened.services.close()


def _time(script: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.wait(timeout=60)
    if line.strip() != "READY":
        raise RuntimeError(child.stderr.read() if child.stderr else "no READY")
    return elapsed


def main(runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        _prepare(data_dir)
        _time(CLERK, str(data_dir))  # warm the OS file cache once, as any second start would
        clerk = [_time(CLERK, str(data_dir)) for _ in range(runs)]
        bare = [_time(BARE) for _ in range(runs)]
    print(f"cold start, offscreen, median of {runs} process runs")
    print(f"  bare PySide6 window        {median(bare) * 1000:8.0f} ms")
    print(f"  Clerk intake-ready window  {median(clerk) * 1000:8.0f} ms")
    print(f"  ratio Clerk / bare         {median(clerk) / median(bare):8.2f}x")


if __name__ == "__main__":
    main()
