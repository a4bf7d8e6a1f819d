"""The schema's migrations: head known to the app, backup before upgrading, model parity."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clerk_app.store.backup import read_header, unseal_file
from clerk_app.store.database import SCHEMA_HEAD, Database, head_revision
from clerk_app.store.models import Base


def test_schema_head_constant_matches_alembic(tmp_path: Path) -> None:
    db = Database(tmp_path / "clerk.sqlite")
    try:
        assert head_revision(db.engine) == SCHEMA_HEAD
    finally:
        db.close()


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    db = Database(tmp_path / "clerk.sqlite")
    try:
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
        assert db.integrity_ok()
    finally:
        db.close()


def test_upgrade_from_an_older_revision_backs_up_first(tmp_path: Path) -> None:
    path = tmp_path / "clerk.sqlite"
    Database(path).close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '0001'")
    for table in ("follow_ups", "ratings", "postal_deliveries", "handovers"):  # from 0002
        connection.execute(f"DROP TABLE {table}")
    connection.execute("ALTER TABLE matters DROP COLUMN syllables")  # from 0003
    connection.execute("ALTER TABLE applications DROP COLUMN finished_at")  # from 0004
    connection.execute("ALTER TABLE decisions DROP COLUMN notice_serials")  # from 0004
    for table in ("handover_batch_items", "handover_batches", "collections"):  # from 0005
        connection.execute(f"DROP TABLE {table}")
    connection.execute("DELETE FROM settings WHERE key = 'village'")  # from 0005
    for table in ("material_pages", "pages"):  # from 0006
        connection.execute(f"DROP TABLE {table}")
    for column in ("prev_hash", "hash"):  # from 0007
        connection.execute(f"ALTER TABLE audit_log DROP COLUMN {column}")
    for table in ("bundle_drafts", "bundle_material_uses", "bundle_materials", "bundles",
                  "bundle_definitions"):  # from 0008 (applications.bundle_id stays: SQLite)
        connection.execute(f"DROP TABLE {table}")
    connection.execute("DROP INDEX ix_applications_due")  # from 0009
    connection.commit()
    connection.close()
    db = Database(path)
    try:
        backups = list((tmp_path / "backups").glob("clerk-pre-migration-*.clkbak"))
        assert len(backups) == 1
        assert read_header(backups[0])[0].schema == "0001"
        unseal_file(backups[0], tmp_path / "old.sqlite", None)
        old = sqlite3.connect(tmp_path / "old.sqlite")
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        old.close()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
    finally:
        db.close()
