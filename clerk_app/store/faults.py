"""Foreseeable faults of the machine (disk full, read-only or vanished data folder, locked
database) told apart from bugs, each with the words the clerk reads instead of a traceback.

Like qutebrowser's `KnownError` vs `BugError`: `known_fault(exc)` looks through an exception
and its causes (SQLAlchemy wraps the driver's error in `.orig`) for an SQLite result code or
an OS error number it knows; anything else stays a fault of the program.
"""

from __future__ import annotations

import enum
import errno
import shutil
from dataclasses import dataclass
from pathlib import Path

from clerk_app.i18n import _

# SQLite primary result codes (sqlite3.h)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_FULL, SQLITE_CANTOPEN = 13, 14


class FaultKind(enum.Enum):
    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    VANISHED = "vanished"
    LOCKED = "locked"


_WORDS = {
    FaultKind.DISK_FULL: "磁盘空间已满，本次录入仍在窗口中，请清理空间后重试",
    FaultKind.READ_ONLY: "数据文件夹只读，无法保存（U盘写保护开关或文件夹权限），本次录入仍在窗口中，"
                         "请处理后重试",
    FaultKind.VANISHED: "找不到数据文件夹或无法读写（U盘可能已拔出），本次录入仍在窗口中，"
                        "请插回后重试",
    FaultKind.LOCKED: "数据库正被另一程序占用（可能同时运行了另一个 Clerk 或备份程序），"
                      "本次录入仍在窗口中，请稍后重试",
}
_SHORT = {
    FaultKind.DISK_FULL: "磁盘空间已满",
    FaultKind.READ_ONLY: "数据文件夹只读",
    FaultKind.VANISHED: "找不到数据文件夹",
    FaultKind.LOCKED: "数据库被占用",
}

_SQLITE_CODES = {
    SQLITE_FULL: FaultKind.DISK_FULL, SQLITE_READONLY: FaultKind.READ_ONLY,
    SQLITE_BUSY: FaultKind.LOCKED, SQLITE_LOCKED: FaultKind.LOCKED,
    SQLITE_CANTOPEN: FaultKind.VANISHED, SQLITE_IOERR: FaultKind.VANISHED,
}
_SQLITE_MESSAGES = (
    ("database or disk is full", FaultKind.DISK_FULL),
    ("attempt to write a readonly database", FaultKind.READ_ONLY),
    ("readonly database", FaultKind.READ_ONLY),
    ("database is locked", FaultKind.LOCKED),
    ("database table is locked", FaultKind.LOCKED),
    ("unable to open database file", FaultKind.VANISHED),
    ("disk i/o error", FaultKind.VANISHED),
)
_OS_ERRORS = {
    errno.ENOSPC: FaultKind.DISK_FULL, errno.EDQUOT: FaultKind.DISK_FULL,
    errno.EROFS: FaultKind.READ_ONLY,
    errno.EIO: FaultKind.VANISHED, errno.ENODEV: FaultKind.VANISHED,
    errno.ENXIO: FaultKind.VANISHED,
}


@dataclass(frozen=True)
class KnownFault:
    """A fault of the machine, not of the program: what it is and what to tell the clerk."""

    kind: FaultKind

    @property
    def message(self) -> str:
        """The whole sentence (what happened, that the typed form is kept, what to do)."""
        return _(_WORDS[self.kind])

    @property
    def short(self) -> str:
        """A few words for the status bar."""
        return _(_SHORT[self.kind])


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    queue: list[BaseException | None] = [exc]
    while queue:
        current = queue.pop(0)
        if current is None or any(current is s for s in seen) or len(seen) > 10:
            continue
        seen.append(current)
        orig = getattr(current, "orig", None)
        queue.extend([orig if isinstance(orig, BaseException) else None,
                      current.__cause__, current.__context__])
    return seen


def _of_one(exc: BaseException, data_dir: Path | None) -> FaultKind | None:
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno in _OS_ERRORS:
            return _OS_ERRORS[exc.errno]
        if exc.errno in (errno.ENOENT, errno.EACCES, errno.EPERM) and data_dir is not None:
            # a missing file is usually the user's typo; only a missing data folder is ours
            if not data_dir.exists():
                return FaultKind.VANISHED
            if exc.errno != errno.ENOENT and _inside(exc, data_dir):
                return FaultKind.READ_ONLY
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _SQLITE_CODES:
        return _SQLITE_CODES[code & 0xFF]
    module = type(exc).__module__ or ""
    if module.startswith(("sqlite3", "sqlcipher3", "_sqlite3")):
        text = str(exc).lower()
        for needle, kind in _SQLITE_MESSAGES:
            if needle in text:
                return kind
    return None


def _inside(exc: OSError, data_dir: Path) -> bool:
    name = exc.filename
    if not isinstance(name, str):
        return False
    try:
        return Path(name).resolve().is_relative_to(data_dir.resolve())
    except (OSError, ValueError):
        return False


def known_fault(exc: BaseException, data_dir: Path | None = None) -> KnownFault | None:
    """The machine fault behind `exc` (or one of its causes), None for a bug or a user error."""
    for current in _chain(exc):
        kind = _of_one(current, data_dir)
        if kind is not None:
            return KnownFault(kind)
    return None


def free_bytes(folder: Path) -> int | None:
    """Free space on the disk holding `folder` (None when it cannot be read)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def low_space_warning(folder: Path, threshold_mb: int) -> str:
    """Words for the clerk when the data folder's disk has less than `threshold_mb` free
    ("" when there is enough, or no threshold); a vanished folder says so too."""
    if threshold_mb <= 0:
        return ""
    free = free_bytes(folder)
    if free is None:
        return _("找不到数据文件夹（{folder}），U盘可能已拔出：请插回后再录入").format(folder=folder)
    if free >= threshold_mb * 1024 * 1024:
        return ""
    return _("磁盘剩余空间不足：只剩 {free} MB（提醒阈值 {limit} MB）。请尽快清理磁盘，"
             "空间用完时将无法保存录入。").format(free=free // (1024 * 1024), limit=threshold_mb)


def said_in_words(exc: BaseException, data_dir: Path | None = None) -> str | None:
    """What a command prints for a failure the user can act on, in Chinese: a wrong password
    or damaged file, a known fault of the machine, a bad file or value; None for a program
    error (the caller lets it propagate)."""
    from clerk_app.store.db_file import DatabaseUnavailable

    if isinstance(exc, DatabaseUnavailable):
        return str(exc)
    fault = known_fault(exc, data_dir)
    if fault is not None:  # disk full, read-only or vanished folder, locked database
        return fault.message
    if isinstance(exc, (ValueError, PermissionError, LookupError, OSError)):
        return str(exc)  # user-caused problems (bad file, invalid data, unknown number)
    return None
