"""A station with data at release 0.1.0's schema (0003) migrates to the head.

Every migration test that starts from an empty database passes even when a batch migration
cannot rebuild a table that other rows reference; counter PCs upgrade with data. One row goes
into every table (parents first, references valid), then the app's own migration runs.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, inspect

from clerk_app.store import backup, database

RELEASE_0_1_0_HEAD = "0003"


def _filler(declared: str) -> object:
    kind = declared.upper()
    if "INT" in kind or "BOOL" in kind or "NUMERIC" in kind or "DECIMAL" in kind:
        return 1
    if "DATETIME" in kind or "TIMESTAMP" in kind:
        return "2026-01-05 09:00:00.000000"
    if "DATE" in kind:
        return "2026-01-05"
    if "BLOB" in kind or "BINARY" in kind:
        return b"\x00"
    if "FLOAT" in kind or "REAL" in kind:
        return 1.0
    return "1"


def _one_row_everywhere(path: Path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{path}")
    inspector = inspect(engine)
    tables = [t for t in inspector.get_table_names() if t != "alembic_version"]
    parents = {t: {fk["referred_table"] for fk in inspector.get_foreign_keys(t)} - {t}
               for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        assert ready, f"reference cycle among {set(tables) - set(ordered)}"
        ordered += sorted(ready)
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA foreign_keys=ON")
        for table in ordered:
            columns = inspector.get_columns(table)
            names = [c["name"] for c in columns]
            values = [1 if c["name"] == "id" else _filler(str(c["type"])) for c in columns]
            db.execute(f'INSERT INTO "{table}" ({", ".join(names)}) '
                       f'VALUES ({", ".join("?" for _ in names)})', values)
        db.commit()
        counts = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    engine.dispose()
    return counts


def test_release_0_1_0_station_with_data_migrates_to_head(tmp_path: Path) -> None:
    path = tmp_path / "clerk.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    config = AlembicConfig()
    config.set_main_option("script_location", str(database.MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    command.upgrade(config, RELEASE_0_1_0_HEAD)
    engine.dispose()
    before = _one_row_everywhere(path)
    assert before["applications"] == 1 and before["application_materials"] == 1

    db = database.Database(path)  # opening migrates, after a backup copy
    try:
        assert database.current_revision(db.engine) == database.SCHEMA_HEAD
    finally:
        db.close()
    with closing(sqlite3.connect(path)) as con:
        after = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in before}
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert after == before
    # the pre-migration backup holds the 0003 database
    (taken,) = backup.backups_of(backup.backups_folder(path), backup.PRE_MIGRATION)
    restored = tmp_path / "restored.sqlite"
    backup.unseal_file(taken, restored, None)
    with closing(sqlite3.connect(restored)) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == \
            RELEASE_0_1_0_HEAD
        assert con.execute("SELECT count(*) FROM applications").fetchone()[0] == 1
