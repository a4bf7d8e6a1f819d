"""The station database: a SQLCipher-encrypted SQLite file in WAL mode, migrated by Alembic at start."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from clerk_app.store.cipher import DataKey
from clerk_app.store.db_file import (  # light: start-up uses them before SQLAlchemy loads
    DatabaseDamaged,
    DatabaseUnavailable,
    KeyRejected,
    is_damage,
    is_plain_sqlite,
    raw_key_literal,
)

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = PROJECT_ROOT / "db"
# The newest revision in db/versions; a test keeps it equal to Alembic's head.
SCHEMA_HEAD = "0009"
# One writer thread, a small reader pool and the sync thread each hold a connection.
POOL_SIZE = 6
# Decrypted pages live only in SQLite's page cache: give each connection room (KiB, negative).
ENCRYPTED_CACHE_KIB = 32 * 1024


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _set_cipher_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # runs after the dialect's `PRAGMA key` (the first statement) and before any read
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cipher_log_level = NONE")  # no page numbers on stderr
    cursor.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")
    cursor.close()


def engine_url(path: Path, key: DataKey | None) -> URL:
    """`sqlite+pysqlcipher` with the raw key as the password: the dialect sends it as
    `PRAGMA key = "x'…'"`, the first statement on every new connection; plain SQLite without."""
    if key is None:
        return URL.create("sqlite", database=str(path))
    return URL.create("sqlite+pysqlcipher", password=raw_key_literal(key), database=str(path))


def make_engine(path: Path, key: DataKey | None = None) -> Engine:
    """An engine on the file (encrypted when a key is given) with WAL, synchronous FULL and
    foreign keys on, and a QueuePool: the dialect's default SingletonThreadPool would close
    the connections of the writer, reader and sync threads."""
    engine = create_engine(engine_url(path, key), poolclass=QueuePool, pool_size=POOL_SIZE,
                           max_overflow=10, connect_args={"check_same_thread": False})
    if key is not None:
        event.listen(engine, "connect", _set_cipher_pragmas)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def backup_database(path: Path, keep: int = 5, key: DataKey | None = None) -> Path | None:
    """The pre-migration backup: a sealed `clerk-backup/1` file in backups/ (encrypted under
    the data key when the database is), rotated to the newest `keep` (store/backup.py)."""
    from clerk_app.store.backup import backup_before_migration

    return backup_before_migration(path, key, keep)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (None for a new file)."""
    with engine.connect() as connection:
        if not connection.execute(text(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        )).first():
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def migrate(engine: Engine, path: Path, key: DataKey | None = None) -> None:
    """Bring the schema to the newest revision, after a backup copy of an existing schema."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD or current == head_revision(engine):
        return
    from alembic import command  # slow to import: only when there is something to migrate

    if current is not None:
        backup = backup_database(path, key=key)
        log.info("database backed up before migration from %s to %s",
                 current, backup.name if backup else "-")
    command.upgrade(_alembic_config(engine), "head")
    log.info("database migrated to head")


class Database:
    """The station database: engine, session factory and a transaction helper.

    With `key` the file is SQLCipher-encrypted (a new file is created encrypted); `key=None`
    opens plain SQLite, kept only as a conversion source and for benchmarks. A key that does
    not open the file raises KeyRejected at once; a damaged file raises DatabaseDamaged, both
    with a Chinese message, here and on any later statement."""

    def __init__(self, path: Path, key: DataKey | None = None) -> None:
        self.path = path
        self.key = key
        self._opened = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(path, key)
        event.listen(self.engine, "handle_error", self._translate_error)
        try:
            self._check_key()
            self._opened = True
            migrate(self.engine, path, key)
        except BaseException:
            self.engine.dispose()
            raise
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _translate_error(self, context: ExceptionContext) -> BaseException | None:
        if is_damage(context.original_exception):
            log.error("database unreadable: %s", type(context.original_exception).__name__)
            return DatabaseDamaged(self.path) if self._opened else KeyRejected()
        return None

    def _check_key(self) -> None:
        """Read sqlite_master now: a wrong key only fails at the first read."""
        if (self.key is None and self.path.exists() and self.path.stat().st_size > 0
                and not is_plain_sqlite(self.path)):
            log.warning("encrypted database opened without a key")
            raise KeyRejected()
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
        except DatabaseUnavailable:
            raise
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            if is_damage(exc):
                raise KeyRejected() from None
            raise
        except Exception as exc:  # sqlcipher3's own DatabaseError raised in a connect hook
            if is_damage(exc):
                raise KeyRejected() from None
            raise

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def integrity_ok(self) -> bool:
        """SQLite's structure check, and for an encrypted file every page's HMAC as well."""
        try:
            with self.engine.connect() as connection:
                if connection.execute(text("PRAGMA integrity_check")).scalar() != "ok":
                    return False
                if self.key is not None:
                    return not connection.execute(text("PRAGMA cipher_integrity_check")).first()
        except DatabaseDamaged:
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()
