"""The window's modules (database layer, services, main window) loaded on a worker at start.

The login dialog needs none of them, so they load on a plain thread while the clerk types;
the sign-in task unwraps the key meanwhile (argon2 releases the GIL) and waits here before
it opens the database. Only modules are imported: no Qt object is made off the GUI thread.
The imports are static statements, so PyInstaller collects them.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clerk_app.config import Config

if TYPE_CHECKING:
    from clerk_app.services.station.station_access import Opened

log = logging.getLogger(__name__)


@dataclass
class StartTimes:
    """Seconds spent at start (perf_counter marks; 0 while not reached), for the log and bench."""

    begun: float = 0.0
    modules_ready: float = 0.0
    unwrap_began: float = 0.0
    key_unwrapped: float = 0.0
    signed_in: float = 0.0
    window_built: float = 0.0

    def summary(self) -> str:
        def span(start: float, end: float) -> str:
            return f"{end - start:.3f} s" if start and end else "-"

        return (f"modules {span(self.begun, self.modules_ready)} (worker), "
                f"key unwrap {span(self.unwrap_began, self.key_unwrapped)}, "
                f"database and sign-in {span(max(self.key_unwrapped, self.modules_ready), self.signed_in)}, "
                f"window {span(self.signed_in, self.window_built)}")


TIMES = StartTimes()
_thread: threading.Thread | None = None
_ready = threading.Event()
_starting = threading.Lock()
_gc_was_enabled: bool | None = None


def _load_window_modules() -> None:
    import clerk_app.app
    import clerk_app.services.station.settings
    import clerk_app.services.station.station_access
    import clerk_app.ui.errors
    import clerk_app.ui.main_window
    import clerk_app.ui.station.recovery_dialog  # 用恢复码找回
    import clerk_app.ui.station.sync_worker
    import clerk_app.ui.supervisor
    import clerk_app.ui.taskman  # noqa: F401


def _configure_mappers() -> None:
    """SQLAlchemy sets up its mappers at the first query (~70 ms); done here instead."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


def pause_gc() -> None:
    """No cyclic garbage collection from here until the window's modules are loaded: the heap
    only grows meanwhile, and the collector scanned it again and again (~150 ms in all)."""
    global _gc_was_enabled
    with _starting:
        if _gc_was_enabled is None:
            _gc_was_enabled = gc.isenabled()
        gc.disable()


def _resume_gc() -> None:
    # what was loaded lives as long as the program: later collections skip it (a full
    # collection over it took ~60 ms on the GUI thread while the window was built)
    gc.freeze()
    with _starting:
        if _gc_was_enabled:
            gc.enable()


def _run() -> None:
    pause_gc()
    try:
        _load_window_modules()
        _configure_mappers()
    except Exception:  # the GUI thread imports them again and meets the error itself
        log.exception("loading the window's modules at start failed")
    finally:
        _resume_gc()
        TIMES.modules_ready = time.perf_counter()
        _ready.set()


def begin() -> None:
    """Start loading (once per process); returns at once."""
    global _thread
    with _starting:
        if _thread is not None:
            return
        TIMES.begun = time.perf_counter()
        _thread = threading.Thread(target=_run, name="clerk-warm-up", daemon=True)
        _thread.start()


def wait() -> None:
    """Block until the modules are loaded (a worker thread's call; at once if never begun)."""
    if _thread is not None:
        _ready.wait()


def sign_in_at_start(config: Config, username: str, password: str,
                     progress: Callable[[str, float], None]) -> Opened:
    """The login dialog's start-up task (a worker): unwrap the key while the modules load,
    then open the database and sign in with it (station_access.sign_in), and build the
    matter search index and read the centre's settings."""
    from clerk_app.services.station.station_state import StationState, station_state, unlock

    begin()  # normally begun when the dialog was painted
    key = None
    if station_state(config) is StationState.ENCRYPTED:
        TIMES.unwrap_began = time.perf_counter()
        key = unlock(config, username, password)
        TIMES.key_unwrapped = time.perf_counter()
    wait()
    from clerk_app.services.station.settings import load_settings
    from clerk_app.services.station.station_access import sign_in

    opened = sign_in(config, username, password, progress=progress, key=key)
    try:
        # the matter search index too: the window's own refresh waits for its first paint
        # (run.py), and the first keystroke in the search must not build it on the GUI thread;
        # and the centre's settings the window is built with (no disk read on the GUI thread)
        opened.services.matters.refresh()
        opened.settings = load_settings(opened.services.ctx)
    except Exception:
        opened.services.close()
        raise
    TIMES.signed_in = time.perf_counter()
    return opened
