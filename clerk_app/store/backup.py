"""Backup files (`clerk-backup/1`): a consistent copy of the station database, sealed in chunks.

Layout: ``CLERKBAK`` + header length (4 bytes, big-endian) + header (compact JSON: format,
kind, station, created_at, schema revision, audit chain head, whether encrypted, key id,
chunk size, nonce prefix) + records. Each record is a flag byte (1 on the last record), a
4-byte length and the payload. Encrypted (the database has a key): each payload is
AES-256-GCM under the data key's "backup" sub-key, nonce = prefix + record number, and the
header, the record number and the flag are authenticated with it, so a changed header,
reordered, altered or missing records (truncation) all fail. Plain (a database without a
key, tests and old stations): payloads as they are, then the SHA-256 of header and data.

The copy inside is made with SQLite's backup API; for an encrypted database it is itself
SQLCipher-encrypted under the same key, so no plaintext page ever touches the disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clerk_app.i18n import _
from clerk_app.store.cipher import DataKey

MAGIC = b"CLERKBAK"
FORMAT = "clerk-backup/1"
SUFFIX = ".clkbak"
PURPOSE = "backup"
CHUNK_BYTES = 1 << 20
_PREFIX_BYTES = 8
_MAX_HEADER = 64 * 1024
_RECORD = struct.Struct(">BI")
DAILY, PRE_MIGRATION, MANUAL, PRE_RESTORE = "daily", "pre-migration", "manual", "pre-restore"


class BackupProblem(Exception):
    """A backup cannot be written or used; the message is Chinese, for the clerk."""


class ForeignBackup(BackupProblem):
    """The backup was sealed under another station's key."""


class BrokenBackup(BackupProblem):
    """The file is not a backup, or it was altered or cut short."""


@dataclass(frozen=True)
class BackupHeader:
    """What a backup says about itself (readable without the key)."""

    format: str
    kind: str
    station: str
    created_at: str
    schema: str
    audit_head: dict[str, Any] | None
    encrypted: bool
    key_id: str
    chunk_size: int
    nonce_prefix: str

    def encoded(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class DatabaseFacts:
    """Read from the copy: the station code, the schema revision and the audit chain head."""

    station: str
    schema: str
    audit_head: dict[str, Any] | None


def key_id(key: DataKey) -> str:
    """A short public fingerprint of the station's key (tells "another station" apart)."""
    return hashlib.sha256(key.subkey("backup-id")).hexdigest()[:16]


def connect(path: Path, key: DataKey | None) -> Any:
    """A DB-API connection on `path` (SQLCipher with `key`, plain SQLite without)."""
    if key is None:
        connection = sqlite3.connect(str(path), timeout=30)
    else:
        import sqlcipher3

        connection = sqlcipher3.connect(str(path), timeout=30)
        connection.execute(key.sqlcipher_pragma())
        connection.execute("PRAGMA cipher_log_level = NONE")
    return connection


def copy_database(source: Path, target: Path, key: DataKey | None) -> None:
    """A consistent copy with SQLite's backup API (encrypted under `key` when given)."""
    target.unlink(missing_ok=True)
    src = connect(source, key)
    try:
        dest = connect(target, key)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def _scalar(connection: Any, sql: str) -> Any:
    try:
        row = connection.execute(sql).fetchone()
    except Exception:  # noqa: BLE001 - an older schema lacks the table or column
        return None
    return row[0] if row else None


def database_facts(path: Path, key: DataKey | None) -> DatabaseFacts:
    """Station, schema revision and chain head of a database file (empty when unknown)."""
    connection = connect(path, key)
    try:
        station = _scalar(connection, "SELECT json_extract(value, '$.region_code') || "
                          "json_extract(value, '$.station_code') FROM settings "
                          "WHERE key = 'centre'") or ""
        schema = _scalar(connection, "SELECT version_num FROM alembic_version") or ""
        head = None
        try:
            row = connection.execute(
                "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
            if row is not None:
                head = {"seq": int(row[0]), "hash": str(row[1])}
        except Exception:  # noqa: BLE001 - a schema before the hash chain
            head = None
        return DatabaseFacts(str(station), str(schema), head)
    finally:
        connection.close()


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


def _chunks(handle: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """(chunk, is_last) over a file; an empty file gives one empty last chunk."""
    current = handle.read(size)
    while True:
        following = handle.read(size)
        yield current, not following
        if not following:
            return
        current = following


def seal_file(copy: Path, out: Path, key: DataKey | None, kind: str, created_at: str,
              facts: DatabaseFacts) -> BackupHeader:
    """Write the backup container of the database copy `copy` to `out` (atomically)."""
    header = BackupHeader(
        format=FORMAT, kind=kind, station=facts.station, created_at=created_at,
        schema=facts.schema, audit_head=facts.audit_head, encrypted=key is not None,
        key_id=key_id(key) if key is not None else "", chunk_size=CHUNK_BYTES,
        nonce_prefix=os.urandom(_PREFIX_BYTES).hex())
    encoded = header.encoded()
    prefix = bytes.fromhex(header.nonce_prefix)
    aead = AESGCM(key.subkey(PURPOSE)) if key is not None else None
    digest = hashlib.sha256(encoded)
    partial = out.with_name(out.name + ".part")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with copy.open("rb") as source, partial.open("wb") as sink:
            sink.write(MAGIC + struct.pack(">I", len(encoded)) + encoded)
            for index, (chunk, last) in enumerate(_chunks(source, CHUNK_BYTES)):
                if aead is not None:
                    payload = aead.encrypt(_nonce(prefix, index), chunk,
                                           _aad(encoded, index, last))
                else:
                    payload = chunk
                    digest.update(chunk)
                sink.write(_RECORD.pack(1 if last else 0, len(payload)) + payload)
            if aead is None:
                sink.write(digest.digest())
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return header


def read_header(path: Path) -> tuple[BackupHeader, bytes, int]:
    """The header of a backup file, its encoded bytes and where the records start."""
    try:
        with path.open("rb") as handle:
            start = handle.read(len(MAGIC) + 4)
            if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC):
                raise BrokenBackup(_("这不是 Clerk 备份文件"))
            (length,) = struct.unpack(">I", start[len(MAGIC):])
            if length > _MAX_HEADER:
                raise BrokenBackup(_("备份文件头已损坏"))
            encoded = handle.read(length)
    except FileNotFoundError:
        raise BackupProblem(_("找不到备份文件：{path}").format(path=path)) from None
    try:
        values = json.loads(encoded.decode("utf-8"))
        header = BackupHeader(**values)
    except (ValueError, TypeError):
        raise BrokenBackup(_("备份文件头已损坏")) from None
    if header.format != FORMAT:
        raise BrokenBackup(_("不支持的备份格式：{format}").format(format=header.format))
    return header, encoded, len(MAGIC) + 4 + length


def unseal_file(path: Path, target: Path, key: DataKey | None) -> BackupHeader:
    """Write the database copy inside the backup `path` to `target`, checking every record.

    ForeignBackup when it was sealed under another key; BrokenBackup when altered or cut."""
    header, encoded, start = read_header(path)
    if header.encrypted:
        if key is None:
            raise BackupProblem(_("该备份文件已加密，本站数据库未加密，不能用它恢复"))
        if header.key_id != key_id(key):
            raise ForeignBackup(_("该备份文件来自其他站点（加密密钥不同），不能恢复到本站"))
    elif key is not None:
        raise BackupProblem(_("该备份文件未加密（旧版本所作），本站数据已加密，不能用它恢复"))
    aead = AESGCM(key.subkey(PURPOSE)) if key is not None else None
    prefix = bytes.fromhex(header.nonce_prefix)
    digest = hashlib.sha256(encoded)
    target.unlink(missing_ok=True)
    try:
        with path.open("rb") as source, target.open("wb") as sink:
            source.seek(start)
            index, finished = 0, False
            while not finished:
                record = source.read(_RECORD.size)
                if len(record) < _RECORD.size:
                    raise BrokenBackup(_("备份文件不完整（被截断），不能用于恢复"))
                flag, length = _RECORD.unpack(record)
                payload = source.read(length)
                if len(payload) < length or length > header.chunk_size + 16:
                    raise BrokenBackup(_("备份文件不完整（被截断），不能用于恢复"))
                finished = flag == 1
                if aead is not None:
                    try:
                        chunk = aead.decrypt(_nonce(prefix, index), payload,
                                             _aad(encoded, index, finished))
                    except InvalidTag:
                        raise BrokenBackup(_("备份文件已损坏或被改动（第 {n} 段校验不符），"
                                             "不能用于恢复").format(n=index + 1)) from None
                else:
                    chunk = payload
                    digest.update(chunk)
                sink.write(chunk)
                index += 1
            if aead is None and source.read(32) != digest.digest():
                raise BrokenBackup(_("备份文件已损坏或被改动（校验和不符），不能用于恢复"))
            if source.read(1):
                raise BrokenBackup(_("备份文件末尾有多余内容，可能被改动，不能用于恢复"))
            sink.flush()
            os.fsync(sink.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return header


def side_files(path: Path) -> list[Path]:
    """The WAL and shared-memory files SQLite keeps beside a database."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def write_backup(database: Path, out: Path, key: DataKey | None, kind: str,
                 created_at: str) -> BackupHeader:
    """Copy `database` (backup API) beside it and seal the copy into `out`."""
    copy = database.with_name(f"{database.name}.backup-{os.getpid()}")
    try:
        copy_database(database, copy, key)
        facts = database_facts(copy, key)
        return seal_file(copy, out, key, kind, created_at, facts)
    finally:
        for leftover in (copy, *side_files(copy)):
            leftover.unlink(missing_ok=True)


def checkpoint_wal(database: Path, key: DataKey | None) -> bool:
    """Fold the WAL into the database file (every other connection closed); False when the
    database cannot do it (damaged: the restore is what repairs it)."""
    try:
        connection = connect(database, key)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - sqlite3 or sqlcipher3 DatabaseError
        return False
    return True


def swap_in(database: Path, restored: Path) -> Path:
    """Put `restored` in place of `database` atomically, the current file kept aside (a hard
    link, or a copy where links are not possible) with its WAL, so that the restored file
    never meets the old WAL; returns the aside path."""
    aside = database.with_name(database.name + ".before-restore")
    for old in (aside, *side_files(aside)):
        old.unlink(missing_ok=True)
    if database.exists():
        try:
            os.link(database, aside)
        except OSError:
            import shutil

            shutil.copy2(database, aside)
    for side, kept in zip(side_files(database), side_files(aside), strict=True):
        if side.exists():
            os.replace(side, kept)
    os.replace(restored, database)
    _sync_folder(database.parent)
    return aside


def put_back(database: Path, aside: Path) -> None:
    """Undo `swap_in` (the restored file did not open): the old file and its WAL return."""
    for side in side_files(database):
        side.unlink(missing_ok=True)
    if aside.exists():
        for kept, side in zip(side_files(aside), side_files(database), strict=True):
            if kept.exists():
                os.replace(kept, side)
        os.replace(aside, database)
        _sync_folder(database.parent)


def _sync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# -- the backups folder -----------------------------------------------------------------


def backups_folder(database: Path) -> Path:
    """`backups/` beside the database (in the data directory)."""
    return database.parent / "backups"


def backup_name(kind: str, moment: datetime) -> str:
    return f"clerk-{kind}-{moment:%Y%m%d-%H%M%S-%f}{SUFFIX}"


def backups_of(folder: Path, kind: str) -> list[Path]:
    """The backups of one kind in a folder, oldest first (the name carries the time)."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"clerk-{kind}-*{SUFFIX}"))


def taken_at(path: Path) -> datetime | None:
    """When a backup was taken, from its name."""
    stamp = path.name[:-len(SUFFIX)].rsplit("-", 3)[-3:]
    try:
        return datetime.strptime("-".join(stamp), "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return None


def rotate(folder: Path, kind: str, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups of `kind`; returns what was removed."""
    removed = backups_of(folder, kind)[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink(missing_ok=True)
    return removed


def backup_before_migration(database: Path, key: DataKey | None, keep: int) -> Path | None:
    """The copy taken before Alembic upgrades an existing schema (rotated, `keep` kept)."""
    if not database.exists() or database.stat().st_size == 0:
        return None
    now = datetime.now()
    folder = backups_folder(database)
    out = folder / backup_name(PRE_MIGRATION, now)
    write_backup(database, out, key, PRE_MIGRATION, now.isoformat(timespec="seconds"))
    rotate(folder, PRE_MIGRATION, keep)
    return out


def is_plain_backup(path: Path) -> bool:
    """Whether `path` is a backup container holding an unencrypted copy (to be shredded when
    the station's data is converted to encrypted)."""
    try:
        return not read_header(path)[0].encrypted
    except BackupProblem:
        return False
