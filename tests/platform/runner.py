"""Start the reference platform in a subprocess on a loopback port (tests can kill it)."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.platform.backoffice import BackOffice
from tests.platform.store import PlatformStore

REPO = Path(__file__).resolve().parents[2]
DEFAULT_ADMIN_KEY = "test-admin-key"
_READY = re.compile(r"listening on (http://\S+):(\d+)")


@dataclass
class RunningPlatform:
    """A reference platform process.

    Attributes:
        url: base URL, e.g. ``http://127.0.0.1:40123``.
        admin_key: the X-Admin-Key of its back office.
        port: the TCP port (kept by `restart`).
        db_path: its SQLite file.
        log_path: its log file (stderr).
    """

    url: str
    admin_key: str
    port: int
    db_path: Path
    log_path: Path
    process: subprocess.Popen[str]
    options: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        """The loopback address it listens on."""
        return "127.0.0.1"

    def back_office(self) -> BackOffice:
        """A client of its admin API."""
        return BackOffice(self.url, self.admin_key)

    def open_store(self) -> PlatformStore:
        """Its database opened directly (close it after use)."""
        return PlatformStore(f"sqlite:///{self.db_path}")

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the process (SIGTERM, then SIGKILL) and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)

    def kill(self) -> None:
        """Kill the process at once (like a power cut of the server) and wait for it."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def restart(self) -> RunningPlatform:
        """Stop if running, then start again on the same port and database."""
        self.stop()
        return _launch(self.db_path, self.port, self.admin_key, self.log_path, self.options)


def start_platform(
    tmp_path: Path,
    *,
    admin_key: str = DEFAULT_ADMIN_KEY,
    db_path: Path | None = None,
    port: int = 0,
    catalogue: Path | None = None,
    calendar_dir: Path | None = None,
    extra: list[str] | None = None,
) -> RunningPlatform:
    """Start a platform on 127.0.0.1 (a free port unless given) and wait until it answers.

    The database defaults to ``tmp_path/platform.sqlite``; the log goes to
    ``tmp_path/platform.log``. `extra`: more command-line options (e.g. ``--progress-limit``).
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    options: list[str] = []
    if catalogue is not None:
        options += ["--catalogue", str(catalogue)]
    if calendar_dir is not None:
        options += ["--calendar-dir", str(calendar_dir)]
    options += extra or []
    return _launch(db_path or tmp_path / "platform.sqlite", port, admin_key,
                   tmp_path / "platform.log", options)


def _launch(
    db_path: Path, port: int, admin_key: str, log_path: Path, options: list[str],
    timeout: float = 30.0,
) -> RunningPlatform:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    command = [
        sys.executable, "-m", "tests.platform", "--db", str(db_path), "--host", "127.0.0.1",
        "--port", str(port), "--admin-key", admin_key, *options,
    ]
    with open(log_path, "a", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=log, text=True,
        )
    lines: queue.Queue[str] = queue.Queue()

    def read_stdout() -> None:
        assert process.stdout is not None
        with process.stdout:
            for line in process.stdout:
                lines.put(line)

    threading.Thread(target=read_stdout, daemon=True, name="platform-stdout").start()
    deadline = time.monotonic() + timeout
    match = None
    while match is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"reference platform did not start; see {log_path}")
        try:
            match = _READY.search(lines.get(timeout=min(remaining, 0.5)))
        except queue.Empty:
            continue
    running = RunningPlatform(
        url=f"{match.group(1)}:{match.group(2)}", admin_key=admin_key, port=int(match.group(2)),
        db_path=db_path, log_path=log_path, process=process, options=options,
    )
    while True:
        try:
            if requests.get(running.url + "/v1/time", timeout=2).status_code == 200:
                return running
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            running.kill()
            raise RuntimeError(f"reference platform does not answer; see {log_path}")
        time.sleep(0.05)
