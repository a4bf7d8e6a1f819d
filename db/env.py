"""Alembic environment: runs migrations on the engine the app hands over (or alembic.ini's URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from clerk_app.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///clerk.sqlite")
    with engine.connect() as connection:
        # SQLite batch migrations rebuild a table (copy, drop, rename). With foreign keys on,
        # dropping a table that other rows reference fails ("FOREIGN KEY constraint failed")
        # as soon as a station has data (0.1.0 -> 0.2.0: 0008 rebuilds `applications`). The
        # pragma is ignored inside a transaction: off before the migration transaction, the
        # references checked inside it, on again after.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            with connection.begin():
                context.configure(connection=connection, target_metadata=target_metadata,
                                  render_as_batch=True)
                with context.begin_transaction():
                    context.run_migrations()
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left {len(broken)} broken references")
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


run()
