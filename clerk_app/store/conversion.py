"""Converting a plain station database to SQLCipher so that a kill at any moment leaves one that opens.

Steps: the plain file leaves WAL mode (its WAL is checkpointed into it); an encrypted copy is
built beside it (`ATTACH … KEY` + `sqlcipher_export`, user_version copied), checked and
fsynced; the plain file gets a second name; the copy atomically replaces `clerk.sqlite`; the
plain file (by its second name) and the plain migration backups are overwritten and removed;
WAL is switched back on. At every instant `clerk.sqlite` is either the whole plain database or
the whole encrypted one, and `tidy_interrupted` finishes or undoes what a killed run left.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from clerk_app.store.cipher import DataKey
from clerk_app.store.db_file import DatabaseDamaged, is_plain_sqlite, raw_key_literal

log = logging.getLogger(__name__)

ENCRYPTING_SUFFIX = ".encrypting"
PLAIN_SUFFIX = ".plain"
SHRED_CHUNK = 1 << 20

# stage names handed to the progress callback, in order
EXPORT, VERIFY, SWAP, SHRED, BACKUPS, DONE = ("export", "verify", "swap", "shred", "backups",
                                              "done")
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ConversionReport:
    seconds: float
    plain_bytes: int
    encrypted_bytes: int
    shredded_backups: int


def _encrypting(path: Path) -> Path:
    return path.with_name(path.name + ENCRYPTING_SUFFIX)


def _plain_name(path: Path) -> Path:
    return path.with_name(path.name + PLAIN_SUFFIX)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def shred(path: Path) -> None:
    """Overwrite a file's bytes with zeros, fsync, then remove it (best a file system allows:
    an SSD or a copy-on-write file system may keep old blocks elsewhere)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("rb+") as handle:
        zeros = bytes(SHRED_CHUNK)
        written = 0
        while written < size:
            n = min(SHRED_CHUNK, size - written)
            handle.write(zeros[:n])
            written += n
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def _connect(path: Path, key: DataKey | None) -> Any:
    import sqlcipher3

    connection = sqlcipher3.connect(str(path), isolation_level=None)
    if key is not None:
        connection.execute(key.sqlcipher_pragma())  # the first statement
    connection.execute("PRAGMA cipher_log_level = NONE")
    return connection


def plain_side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def tidy_interrupted(path: Path) -> None:
    """Finish or undo what a killed conversion left beside `path` (safe to call at any start)."""
    plain, building = _plain_name(path), _encrypting(path)
    if plain.exists():
        if path.exists() and os.path.samefile(path, plain):
            plain.unlink()  # killed between the second name and the swap: nothing happened
        elif path.exists() and not is_plain_sqlite(path):
            log.info("finishing an interrupted conversion: removing the plain copy")
            shred(plain)
        elif not path.exists():
            os.replace(plain, path)  # fallback swap was cut in the middle: back to plain
    for leftover in (building, *plain_side_files(building)):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()  # an unfinished encrypted copy: ciphertext only
    if path.exists() and path.stat().st_size > 0 and not is_plain_sqlite(path):
        for backup in plain_backups(path):  # killed before the old backups were cleared
            shred(backup)


def _export_encrypted(plain: Path, target: Path, key: DataKey,
                      progress: Callable[[], int] | None = None) -> int:
    """`plain` (a plain SQLite file) exported to `target` under `key`; its user_version."""
    source = _connect(plain, None)
    try:
        source.execute("PRAGMA journal_mode=DELETE")  # checkpoints the WAL into the file
        version = int(source.execute("PRAGMA user_version").fetchone()[0])
        if progress is not None:
            source.set_progress_handler(progress, 200_000)
        source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target),
                                                                 raw_key_literal(key)))
        source.execute("SELECT sqlcipher_export('encrypted')")
        source.set_progress_handler(None, 0)
        source.execute(f"PRAGMA encrypted.user_version = {version}")
        source.execute("DETACH DATABASE encrypted")
    finally:
        source.close()
    return version


def reseal_plain_backup(backup: Path, key: DataKey) -> Path:
    """A plain backup (an earlier version's raw copy, or a clerk-backup/1 container of the plain
    database) kept as an encrypted clerk-backup/1 under `key` — the same kind and moment, so the
    copy taken before the migration survives the conversion — and the plain file shredded."""
    from clerk_app.store import backup as backups  # the container format (no cycle at import)

    work = backup.with_name(backup.name + ".reseal")
    plain_copy, encrypted_copy = work.with_suffix(".plain"), work.with_suffix(".encrypted")
    try:
        if is_plain_sqlite(backup):  # an earlier version's copy before a migration
            kind = backups.PRE_MIGRATION
            moment = datetime.fromtimestamp(backup.stat().st_mtime)
            shutil.copyfile(backup, plain_copy)
        else:
            header = backups.unseal_file(backup, plain_copy, None)
            kind, moment = header.kind, datetime.fromisoformat(header.created_at)
        _export_encrypted(plain_copy, encrypted_copy, key)
        facts = backups.database_facts(encrypted_copy, key)
        out = backup.parent / backups.backup_name(kind, moment)
        sealed = work.with_suffix(backups.SUFFIX)
        backups.seal_file(encrypted_copy, sealed, key, kind, moment.isoformat(timespec="seconds"),
                          facts)
        shred(backup)
        os.replace(sealed, out)
        return out
    finally:
        for leftover in (plain_copy, *plain_side_files(plain_copy), encrypted_copy,
                         work.with_suffix(backups.SUFFIX)):
            if leftover.exists():
                shred(leftover)


def plain_backups(path: Path) -> list[Path]:
    """Plain-SQLite files in backups/ (copies taken before migrations by earlier versions)."""
    folder = path.parent / "backups"
    if not folder.is_dir():
        return []
    from clerk_app.store.backup import is_plain_backup  # clerk-backup/1 files of a plain DB

    return sorted(p for p in folder.iterdir()
                  if p.is_file() and (is_plain_sqlite(p) or is_plain_backup(p)))


def convert_to_encrypted(path: Path, key: DataKey,
                         progress: Progress | None = None) -> ConversionReport:
    """Encrypt the plain database at `path` in place under `key` (see the module docstring).

    The key file holding copies of `key` must already be on disk: from the swap on, only the
    key opens the station's data."""
    report = progress or (lambda _stage, _fraction: None)
    started = time.perf_counter()
    tidy_interrupted(path)
    if not is_plain_sqlite(path):
        raise ValueError("not a plain SQLite database")
    building = _encrypting(path)
    plain_size = path.stat().st_size

    report(EXPORT, 0.0)

    def exported() -> int:
        with contextlib.suppress(OSError):
            report(EXPORT, min(0.99, building.stat().st_size / max(plain_size, 1)))
        return 0

    version = _export_encrypted(path, building, key, exported)

    report(VERIFY, 0.0)
    check = _connect(building, key)
    try:
        if (check.execute("PRAGMA quick_check").fetchone()[0] != "ok"
                or check.execute("PRAGMA cipher_integrity_check").fetchone() is not None
                or int(check.execute("PRAGMA user_version").fetchone()[0]) != version):
            raise DatabaseDamaged(building)
    finally:
        check.close()
    _fsync_file(building)

    report(SWAP, 0.0)
    plain = _plain_name(path)
    try:
        os.link(path, plain)
        os.replace(building, path)
    except OSError:  # no hard links here: two renames, undone by tidy_interrupted if cut
        with contextlib.suppress(FileNotFoundError):
            plain.unlink()
        os.replace(path, plain)
        os.replace(building, path)
    _fsync_dir(path.parent)

    report(SHRED, 0.0)
    shred(plain)
    for side in plain_side_files(path):
        if side.exists():
            shred(side)
    report(BACKUPS, 0.0)
    backups = plain_backups(path)
    for number, backup in enumerate(backups, 1):
        try:
            reseal_plain_backup(backup, key)  # the copy before the migration stays, encrypted
        except Exception:  # noqa: BLE001 - an unreadable old copy: never left plain
            log.warning("a plain backup could not be re-sealed; shredding it")
            if backup.exists():
                shred(backup)
        report(BACKUPS, number / len(backups))

    final = _connect(path, key)
    try:
        final.execute("PRAGMA journal_mode=WAL")
    finally:
        final.close()
    report(DONE, 1.0)
    seconds = time.perf_counter() - started
    log.info("database converted to SQLCipher in %.1f s", seconds)
    return ConversionReport(seconds, plain_size, path.stat().st_size, len(backups))
