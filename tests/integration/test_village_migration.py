"""Migration 0005: existing 代办员 accounts lose 受理 (recorded) and the station kind is set."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from clerk_app.store.database import _alembic_config


def _station_at_0004(path: Path, roles: list[tuple[str, str]]) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")
    command.upgrade(_alembic_config(engine), "0004")
    with engine.begin() as connection:
        for username, role in roles:
            connection.execute(sa.text(
                "INSERT INTO users (username, display_name, role, window, password_hash, "
                "active, failed_logins, created_at) VALUES (:u, :u, :r, '', 'x', 1, 0, "
                "'2026-11-01 09:00:00')"), {"u": username, "r": role})
    return engine


@pytest.mark.parametrize(("roles", "kind"), [
    ([("admin", "admin"), ("cunwang", "agent")], "village"),
    ([("admin", "admin"), ("zhangli", "clerk"), ("cunwang", "agent")], "centre"),
])
def test_agents_are_migrated_and_the_station_kind_is_set(
        tmp_path: Path, roles: list[tuple[str, str]], kind: str) -> None:
    engine = _station_at_0004(tmp_path / "clerk.sqlite", roles)
    command.upgrade(_alembic_config(engine), "0005")
    with engine.connect() as connection:
        entries = connection.execute(sa.text(
            "SELECT entity_id, after FROM audit_log WHERE action = 'agent_powers_limited'")).all()
        assert [e[0] for e in entries] == ["cunwang"]
        assert "collect" in entries[0][1] and "intake" not in entries[0][1]
        stored = connection.execute(sa.text(
            "SELECT value FROM settings WHERE key = 'village'")).scalar()
        assert stored is not None and f'"{kind}"' in stored
        tables = {row[0] for row in connection.execute(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))}
        assert {"collections", "handover_batches", "handover_batch_items"} <= tables
    command.downgrade(_alembic_config(engine), "0004")
    with engine.connect() as connection:
        tables = {row[0] for row in connection.execute(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))}
        assert "collections" not in tables
    engine.dispose()
