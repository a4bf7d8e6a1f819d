"""Hash chain over the audit trail (prev_hash, hash; existing entries chained); issue 12.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clerk_app.domain.audit_chain import GENESIS, ChainFields, link

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), server_default="",
                                      nullable=False))
    _chain_existing_entries()


def _chain_existing_entries() -> None:
    """Link every existing entry, oldest first, in batches (a big trail stays in memory once)."""
    audit = sa.table(
        "audit_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime),
        sa.column("user_id", sa.Integer), sa.column("username", sa.String),
        sa.column("action", sa.String), sa.column("entity", sa.String),
        sa.column("entity_id", sa.String), sa.column("before", sa.JSON),
        sa.column("after", sa.JSON), sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String))
    bind = op.get_bind()
    prev, last_id = GENESIS, 0
    while True:
        rows = bind.execute(sa.select(
            audit.c.id, audit.c.at, audit.c.user_id, audit.c.username, audit.c.action,
            audit.c.entity, audit.c.entity_id, audit.c.before, audit.c.after)
            .where(audit.c.id > last_id).order_by(audit.c.id).limit(_BATCH)).all()
        if not rows:
            return
        updates = []
        for row in rows:
            digest = link(ChainFields(
                id=row.id, at=row.at, user_id=row.user_id, username=row.username or "",
                action=row.action, entity=row.entity, entity_id=row.entity_id or "",
                before=row.before, after=row.after), prev)
            updates.append({"key": row.id, "prev": prev, "digest": digest})
            prev, last_id = digest, row.id
        bind.execute(audit.update().where(audit.c.id == sa.bindparam("key")).values(
            prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest")), updates)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
