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
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
