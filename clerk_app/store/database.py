"""The station database: a SQLite file in WAL mode, migrated by Alembic at start."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = PROJECT_ROOT / "db"
# The newest revision in db/versions; a test keeps it equal to Alembic's head.
SCHEMA_HEAD = "0008"


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(path: Path) -> Engine:
    """An engine on the SQLite file with WAL, synchronous FULL and foreign keys on."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    return engine


def backup_database(path: Path, keep: int = 5) -> Path | None:
    """Copy the database file (consistently, via SQLite's backup API) before a migration."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    backup_dir = path.parent / "backups"
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"{path.stem}-{datetime.now():%Y%m%d-%H%M%S-%f}{path.suffix}"
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    backups = sorted(backup_dir.glob(f"{path.stem}-*{path.suffix}"))
    for old in backups[:-keep]:
        old.unlink(missing_ok=True)
    return target


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


def migrate(engine: Engine, path: Path) -> None:
    """Bring the schema to the newest revision, after a backup copy of an existing schema."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD or current == head_revision(engine):
        return
    from alembic import command  # slow to import: only when there is something to migrate

    if current is not None:
        backup = backup_database(path)
        log.info("database backed up before migration from %s to %s",
                 current, backup.name if backup else "-")
    command.upgrade(_alembic_config(engine), "head")
    log.info("database migrated to head")


class Database:
    """The station database: engine, session factory and a transaction helper."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(path)
        migrate(self.engine, path)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

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
        with self.engine.connect() as connection:
            return connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"

    def close(self) -> None:
        self.engine.dispose()
