"""Cold start to an intake-ready window, next to a bare PySide6 window started the same way.

Each run is a fresh process (offscreen platform) started as a clerk starts Clerk: `main.py
--data-dir D` (clerk_app/launch.py → ui/run.py), on a station set up as the setup dialog does
(key file, SQLCipher database) with a clerk account. A small driver in the child (it creates
the QApplication that run_gui then uses) watches the focus and prints, each stamped by this
process when the line arrives:
- LOGIN: the login dialog is shown, painted, with the cursor in 用户名;
- ENTER: the driver has typed the name and password and presses Enter;
- READY: the main window is shown and painted with the cursor in the matter search (the
  clerk signed in: key unwrapped with argon2id, database opened and migration-checked,
  services built, window built). The driver then types "dbsq" into the search (timed: the
  first keystrokes must not wait for anything) and waits for the window's first loads
  (today's list, warnings, search index, drafts: they start after the first paint) —
  LOADED, reported as a stage after READY.
Two ways of signing in, each timed from spawn:
- "at once": Enter the moment the dialog appears (no typing time): spawn → READY is all the
  start-up work, the worst case;
- "after typing": the name and password typed key by key (KEY_MS apart, as a quick clerk
  types), Enter KEY_MS after the last key, PAUSE_S after the dialog appeared; what the clerk
  waits is spawn → LOGIN plus ENTER → READY. The window's modules load on a worker while the
  dialog waits (clerk_app/ui/station/warm_up.py), so they are hidden behind the typing; the
  key is derived as the password is typed (ui/station/unlock_ahead.py), so at Enter the
  unwrap finds it ready or waits for the last key's derivation; the database open is not
  hidden (it needs the key).
The baseline is an empty QWidget shown and painted. Median of RUNS process runs each.

Bytecode: every child runs with a bytecode cache (PYTHONPYCACHEPREFIX in the temporary
folder), filled by one warm-up run of each kind first, as an installed copy has it (the frozen
bundle ships .pyc files; a source checkout writes __pycache__ on its first start). The
development shell sets PYTHONDONTWRITEBYTECODE=1, which would compile clerk_app's sources at
every start (~0.25 s more) — a cost no clerk pays.

Run: python -m tests.bench.bench_startup [--runs 5] [--pause 2.0]

Profiles (the commands used for issue 16; D is a station made by `_prepare`):
  imports: PYTHONPYCACHEPREFIX=/tmp/pyc QT_QPA_PLATFORM=offscreen python -X importtime \\
      -c "$DRIVER" D 0 clerk bench2026x 2> imports.txt   (DRIVER below; sort by column 2)
  GUI thread from sign-in to paint: cProfile around MainWindow(...), showMaximized() and
      the first processEvents() (pstats sorted by cumulative time, print_callers on hot spots).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.stats import median

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "clerk", "bench2026x"

BARE = """
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget(); w.resize(1366, 768); w.show(); app.processEvents()
print("READY", flush=True)
"""

DRIVER = """
import sys, time
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

DATA_DIR, PAUSE_MS, USER, PASSWORD = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
app = QApplication(sys.argv[:1])
seen = {"login": False}


def focus_changed(_old, new):
    if new is None:
        return
    window = new.window()
    if not seen["login"] and hasattr(window, "password") and hasattr(window, "worker"):
        seen["login"] = True
        QTimer.singleShot(0, lambda: login_shown(window))
    elif new is getattr(getattr(window, "search_panel", None), "field", None):
        app.focusChanged.disconnect(focus_changed)
        QTimer.singleShot(0, lambda: ready(window))


KEY_MS = 120  # a clerk typing ~8 keys a second; Enter comes one key after the last


def login_shown(dialog):
    app.processEvents()
    print("LOGIN", flush=True)
    if PAUSE_MS == 0:  # at once: the fields filled and Enter, no typing time
        dialog.username.setText(USER)
        dialog.password.setText(PASSWORD)
        QTimer.singleShot(0, lambda: enter(dialog))
        return
    keys = [(dialog.username, c) for c in USER] + [(dialog.password, c) for c in PASSWORD]
    first = max(0, PAUSE_MS - len(keys) * KEY_MS)
    for i, (field, char) in enumerate(keys):
        QTimer.singleShot(first + i * KEY_MS, lambda f=field, c=char: type_key(f, c))
    QTimer.singleShot(first + len(keys) * KEY_MS, lambda: enter(dialog))


def type_key(field, char):
    field.setFocus()
    QApplication.sendEvent(field, QKeyEvent(
        QEvent.Type.KeyPress, ord(char.upper()), Qt.KeyboardModifier.NoModifier, char))


def enter(dialog):
    dialog.password.setFocus()
    print("ENTER", flush=True)
    QApplication.sendEvent(dialog.password, QKeyEvent(
        QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier))


def ready(window):
    app.processEvents()
    painted = time.perf_counter()
    print("READY", flush=True)
    window.search_panel.field.setText("dbsq")  # the first keystrokes: served at once?
    searched = time.perf_counter()
    hits = window.search_panel.model.rowCount()

    def loaded():
        if not window.taskman.idle():
            QTimer.singleShot(5, loaded)
            return
        print("LOADED", flush=True)  # the window's first loads (lists, index) delivered
        stages = {}
        if Path("clerk_app/ui/station/warm_up.py").exists():  # not in earlier versions
            from clerk_app.ui.station.warm_up import TIMES
            stages = vars(TIMES)
        import gc
        print("TIMES " + json.dumps({**stages, "painted": painted,
                                     "first_search": searched - painted, "hits": hits,
                                     "gc_enabled": gc.isenabled()}), flush=True)
        QTimer.singleShot(0, app.quit)

    loaded()


import json
app.focusChanged.connect(focus_changed)
QTimer.singleShot(60_000, app.quit)
from pathlib import Path
if Path("clerk_app/launch.py").exists():  # what main.py calls (cwd: the tree under test)
    from clerk_app.launch import main
else:  # a version before launch.py: main.py called cli.main
    from clerk_app.cli import main
sys.exit(main(["--data-dir", DATA_DIR]))
"""


def _prepare(data_dir: Path) -> None:
    """A station set up as the setup dialog does (key file, encrypted database) with a clerk."""
    from clerk_app.config import Config
    from clerk_app.services.station.permissions import Role
    from clerk_app.services.station.settings import CentreSettings
    from clerk_app.services.station.station_access import set_up

    opened = set_up(Config(data_dir=data_dir), CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        "admin", "王管理", PASSWORD, log_to_file=False)
    opened.services.accounts.create(opened.actor, USER, "张丽", PASSWORD, Role.CLERK,
                                    "民生事务")
    opened.services.close()


def _env(pycache: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(script: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Spawn the child; the moment each marker line arrived (seconds from spawn)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert child.stdout is not None and child.stderr is not None
    marks: dict[str, float] = {}
    for line in child.stdout:
        word, _, rest = line.strip().partition(" ")
        if word == "TIMES":
            times = json.loads(rest)
            marks.update({f"t.{name}": value for name, value in times.items()})
        elif word:
            marks[word] = time.perf_counter() - started
    error = child.stderr.read()
    child.wait(timeout=60)
    if "READY" not in marks:
        raise RuntimeError(f"no READY (exit {child.returncode}):\n{error[-3000:]}")
    return marks


def _breakdown(marks: dict[str, float]) -> dict[str, float]:
    """Stages inside the child (its perf_counter marks, see warm_up.StartTimes)."""
    t = {name[2:]: value for name, value in marks.items() if name.startswith("t.")}
    return {
        "modules on the worker": t["modules_ready"] - t["begun"],
        "key unwrap (argon2id)": t["key_unwrapped"] - t["unwrap_began"],
        "sign-in waited for modules": max(0.0, t["modules_ready"] - t["key_unwrapped"]),
        "database open + sign-in": t["signed_in"] - max(t["key_unwrapped"], t["modules_ready"]),
        "window built": t["window_built"] - t["signed_in"],
        "shown + first paint": t["painted"] - t["window_built"],
        "first search (dbsq)": t["first_search"],
        "READY -> first loads delivered": marks["LOADED"] - marks["READY"],
    }


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=float, default=2.0,
                        help="seconds the clerk takes to type name and password")
    options = parser.parse_args()
    runs, pause_ms = options.runs, str(int(options.pause * 1000))
    import PySide6
    import sqlalchemy

    print(f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, "
          f"SQLAlchemy {sqlalchemy.__version__}; load average before: {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "station"
        _prepare(data_dir)
        env = _env(Path(tmp) / "pycache")
        clerk_args = [str(data_dir), "0", USER, PASSWORD]
        _run(BARE, [], env)  # bytecode cache and OS file cache, as any second start has
        _run(DRIVER, clerk_args, env)
        bare, at_once, typed = [], [], []
        for _ in range(runs):  # interleaved, so load drifts hit every kind
            bare.append(_run(BARE, [], env))
            at_once.append(_run(DRIVER, clerk_args, env))
            typed.append(_run(DRIVER, [str(data_dir), pause_ms, USER, PASSWORD], env))
    base = median([m["READY"] for m in bare])
    login = median([m["LOGIN"] for m in at_once + typed])
    ready_at_once = median([m["READY"] for m in at_once])
    after_enter = median([m["READY"] - m["ENTER"] for m in typed])
    waited = median([m["LOGIN"] + m["READY"] - m["ENTER"] for m in typed])
    print(f"cold start, offscreen, `main.py --data-dir`, median of {runs} process runs each; "
          f"load average after: {_load()}")
    print(f"  bare PySide6 window (baseline)                {base * 1000:7.0f} ms")
    print(f"  spawn -> login dialog painted                 {login * 1000:7.0f} ms"
          f"  {login / base:5.2f}x")
    print(f"  spawn -> intake-ready, Enter at once          {ready_at_once * 1000:7.0f} ms"
          f"  {ready_at_once / base:5.2f}x")
    print(f"  Enter -> intake-ready, after {options.pause:.1f} s of typing  "
          f"{after_enter * 1000:7.0f} ms")
    # each run next to the bare window started just before it: load drifts cancel out
    paired_waited = median([(m["LOGIN"] + m["READY"] - m["ENTER"]) / b["READY"]
                            for m, b in zip(typed, bare, strict=True)])
    paired_at_once = median([m["READY"] / b["READY"] for m, b in zip(at_once, bare, strict=True)])
    print(f"  the clerk waits (login + Enter -> ready)      {waited * 1000:7.0f} ms"
          f"  {waited / base:5.2f}x")
    print(f"  median of each run's ratio to the bare window started just before it: "
          f"waits {paired_waited:.2f}x, at once {paired_at_once:.2f}x; bare window "
          f"{min(b['READY'] for b in bare) * 1000:.0f}-{max(b['READY'] for b in bare) * 1000:.0f} ms")
    for label, kind in (("Enter at once", at_once), ("after typing", typed)):
        if "t.begun" not in kind[0]:
            print(f"  {label}: first search {median([m['t.first_search'] for m in kind]) * 1000:.0f}"
                  f" ms, READY -> first loads delivered "
                  f"{median([m['LOADED'] - m['READY'] for m in kind]) * 1000:.0f} ms")
            continue
        stages = [_breakdown(m) for m in kind]
        print(f"  stages, {label} (median ms): " + ", ".join(
            f"{name} {median([s[name] for s in stages]) * 1000:.0f}" for name in stages[0]))


if __name__ == "__main__":
    main()
