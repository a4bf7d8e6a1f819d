"""What start-up has to do with a data directory, and the key unwrap: no SQLAlchemy needed.

The login dialog asks these before the database layer is loaded (station_access.py re-exports
them), so the window's modules can load on a worker while the clerk types the password.
"""

from __future__ import annotations

import enum
from pathlib import Path

from clerk_app.config import Config
from clerk_app.store import kek_ahead
from clerk_app.store.cipher import DataKey
from clerk_app.store.conversion import tidy_interrupted
from clerk_app.store.db_file import is_plain_sqlite
from clerk_app.store.keys import KeyFile, key_file_path


class StationState(enum.Enum):
    NEW = "new"  # nothing yet (or a plain database nobody ever signed in to)
    ENCRYPTED = "encrypted"  # a key file: sign in with an account's copy
    PLAIN = "plain"  # a plain database with accounts, from a version before encryption


def keys_path(config: Config) -> Path:
    return key_file_path(config.database_path)


def _plain_has_accounts(config: Config) -> bool:
    """A look into a plain database of an earlier version (no migration here)."""
    import sqlite3  # only for such a database

    try:
        connection = sqlite3.connect(config.database_path)
        try:
            return bool(connection.execute("SELECT count(*) FROM users").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def station_state(config: Config) -> StationState:
    """What start-up has to do with this data directory."""
    tidy_interrupted(config.database_path)
    if keys_path(config).exists():
        if KeyFile.load(keys_path(config)).accounts:
            return StationState.ENCRYPTED
        return StationState.NEW  # a setup cut short before the administrator had a copy
    path = config.database_path
    if path.exists() and path.stat().st_size > 0 and is_plain_sqlite(path):
        return StationState.PLAIN if _plain_has_accounts(config) else StationState.NEW
    return StationState.NEW


def unlock(config: Config, username: str, password: str) -> DataKey:
    """The data key from the account's copy (KeyRejected: "密码或密钥不正确")."""
    return KeyFile.load(keys_path(config)).unlock(username, password)


def unlock_ahead(config: Config, username: str, password: str) -> None:
    """Derive, while the clerk types, what `unlock` with these will need (a worker's call)."""
    path = keys_path(config)
    if path.exists():
        KeyFile.load(path).derive_ahead(username, password)


def forget_unlock_ahead() -> None:
    """Drop a key derived ahead and not used (the sign-in is over, failed or cancelled)."""
    kek_ahead.forget()
