"""What start-up may know of the database file before SQLAlchemy is loaded: its errors and header."""

from __future__ import annotations

from pathlib import Path

from clerk_app.i18n import _
from clerk_app.store.cipher import DataKey

SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseUnavailable(Exception):
    """The database cannot be used; the message is in Chinese, written for the clerk."""


class KeyRejected(DatabaseUnavailable):
    """The key does not open the database (wrong password, wrong key, or no key)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("密码或密钥不正确"))


class DatabaseDamaged(DatabaseUnavailable):
    """The file was damaged or altered: pages fail their authentication or structure checks."""

    def __init__(self, path: Path | None = None) -> None:
        where = f"（{path}）" if path else ""
        super().__init__(_(
            "本站数据库文件已损坏或被改动{where}，不能继续使用。请不要删除数据目录中的任何文件，"
            "由管理员用最近的备份恢复：python main.py restore 备份文件（备份在数据目录的 backups "
            "文件夹或另存的U盘中），或联系技术支持。").format(where=where))


_DAMAGE_SIGNS = ("malformed", "hmac", "not a database", "file is encrypted",
                 "disk image", "corrupt")


def is_damage(exc: BaseException) -> bool:
    """Whether a DB-API error means an unreadable file (wrong key, flipped bytes, truncation)."""
    message = str(getattr(exc, "orig", None) or exc).lower()
    return any(sign in message for sign in _DAMAGE_SIGNS)


def is_plain_sqlite(path: Path) -> bool:
    """Whether the file starts with the plain SQLite header (an unencrypted database)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def raw_key_literal(key: DataKey) -> str:
    """The blob literal x'…' SQLCipher takes as a raw key (as in `DataKey.sqlcipher_pragma`)."""
    return f"x'{key.raw.hex()}'"
