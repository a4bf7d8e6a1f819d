"""Foreseeable faults of the machine told apart from bugs: real SQLite errors (full, read-only,
locked), OS errors, the `demo` command on a full disk (words, no traceback), a log file that
cannot be written (no logging traceback), and the free-space warning."""

from __future__ import annotations

import errno
import io
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from clerk_app.app import Services
from clerk_app.cli import main as cli_main
from clerk_app.logging_setup import QuietFileHandler
from clerk_app.store import database
from clerk_app.store.database import make_engine
from clerk_app.store.faults import FaultKind, known_fault, low_space_warning
from tests.conftest import TEST_PASSWORD


def _sqlalchemy_error(tmp_path: Path, setup: str, statement: str) -> OperationalError:
    engine = create_engine(f"sqlite:///{tmp_path / 'f.sqlite'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS t (x TEXT)"))
    try:
        with engine.begin() as connection:
            connection.execute(text(setup))
            for _ in range(200):
                connection.execute(text(statement))
    except OperationalError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("no error")


def test_sqlite_full_read_only_and_locked_are_known(tmp_path: Path) -> None:
    full = _sqlalchemy_error(tmp_path, "PRAGMA max_page_count = 3",
                             "INSERT INTO t VALUES (hex(randomblob(2000)))")
    assert known_fault(full) is not None and known_fault(full).kind is FaultKind.DISK_FULL  # type: ignore[union-attr]
    read_only = _sqlalchemy_error(tmp_path, "PRAGMA query_only = ON",
                                  "INSERT INTO t VALUES ('x')")
    assert known_fault(read_only).kind is FaultKind.READ_ONLY  # type: ignore[union-attr]
    holder = sqlite3.connect(tmp_path / "f.sqlite")
    holder.execute("BEGIN IMMEDIATE")
    try:
        other = sqlite3.connect(tmp_path / "f.sqlite", timeout=0)
        with pytest.raises(sqlite3.OperationalError) as locked:
            other.execute("INSERT INTO t VALUES ('x')")
        other.close()
    finally:
        holder.rollback()
        holder.close()
    assert known_fault(locked.value).kind is FaultKind.LOCKED  # type: ignore[union-attr]


def test_os_errors_and_bugs(tmp_path: Path) -> None:
    assert known_fault(OSError(errno.ENOSPC, "No space left")).kind is FaultKind.DISK_FULL  # type: ignore[union-attr]
    assert known_fault(OSError(errno.EROFS, "Read-only")).kind is FaultKind.READ_ONLY  # type: ignore[union-attr]
    missing = FileNotFoundError(errno.ENOENT, "No such file", str(tmp_path / "typo.json"))
    assert known_fault(missing, tmp_path) is None  # the user's wrong file name: not ours
    gone = tmp_path / "usb" / "Clerk"
    assert known_fault(missing, gone).kind is FaultKind.VANISHED  # type: ignore[union-attr]
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left")
        except OSError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert known_fault(outer).kind is FaultKind.DISK_FULL  # type: ignore[union-attr]
    assert known_fault(ValueError("bad input")) is None
    assert known_fault(KeyError("bug")) is None
    assert "磁盘空间已满" in known_fault(OSError(errno.ENOSPC, "x")).message  # type: ignore[union-attr]


@pytest.fixture
def full_disk(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every connection the program opens from now on may not grow its database file."""

    def limit(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    def limited_engine(*args: Any, **kwargs: Any) -> Engine:
        engine = make_engine(*args, **kwargs)
        event.listen(engine, "connect", limit)  # after the key and the other pragmas
        return engine

    monkeypatch.setattr(database, "make_engine", limited_engine)
    yield


def test_demo_on_a_full_disk_prints_words_not_a_traceback(
        services: Services, admin: object, data_dir: Path, full_disk: None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CLERK_PASSWORD", TEST_PASSWORD)
    services.close()
    code = cli_main(["--data-dir", str(data_dir), "--user", "admin", "demo",
                     "--applications", "200"])
    said = capsys.readouterr()
    assert code == 1
    assert "磁盘空间已满" in said.err
    assert "Traceback" not in said.err + said.out


def test_the_log_file_drops_what_it_cannot_write(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handler = QuietFileHandler(tmp_path / "clerk.log", maxBytes=1000, backupCount=1)

    class FullStream(io.StringIO):
        def write(self, _text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    if handler.stream is not None:
        handler.stream.close()
    handler.stream = FullStream()  # type: ignore[assignment]
    before = QuietFileHandler.dropped
    logger = logging.getLogger("clerk.test.full")
    logger.addHandler(handler)
    try:
        logger.error("draft save failed")
    finally:
        logger.removeHandler(handler)
    assert QuietFileHandler.dropped == before + 1
    assert "Logging error" not in capsys.readouterr().err


def test_free_space_warning(tmp_path: Path) -> None:
    assert low_space_warning(tmp_path, 1) == ""  # there is more than 1 MB here
    words = low_space_warning(tmp_path, 10**9)  # a threshold no disk meets
    assert "磁盘剩余空间不足" in words and "MB" in words
    assert "U盘" in low_space_warning(tmp_path / "gone", 500)
    assert low_space_warning(tmp_path, 0) == ""
