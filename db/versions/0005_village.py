"""Village agent points: 代收 cases, hand-over batches, station kind; issue 11.

Existing 代办员 accounts lose 受理/不予受理 (the role now 代收 only, see
services/station/permissions.py); each is recorded in the audit log. The station kind (中心/代办点)
is set from the accounts: a station whose only counter accounts are agents is a 代办点.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"),
                  nullable=False, unique=True),
        sa.Column("point_code", sa.String(12), nullable=False),
        sa.Column("point_name", sa.Text(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_name", sa.Text(), nullable=False),
        sa.Column("agent_phone", sa.String(40), nullable=False),
        sa.Column("collected_at", sa.DateTime(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("appearance", sa.JSON(), nullable=False),
    )
    op.create_index("ix_collections_point_code", "collections", ["point_code"])
    op.create_table(
        "handover_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(30), nullable=False, unique=True),
        sa.Column("station_code", sa.String(12), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("agent_name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("received_by", sa.Text(), nullable=False),
    )
    op.create_index("ix_handover_batches_sent_on", "handover_batches", ["sent_on"])
    op.create_table(
        "handover_batch_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("handover_batches.id"),
                  nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("batch_id", "application_id"),
    )
    op.create_index("ix_handover_batch_items_batch_id", "handover_batch_items", ["batch_id"])
    op.create_index("ix_handover_batch_items_application_id", "handover_batch_items",
                    ["application_id"])
    _migrate_agents()


def _migrate_agents() -> None:
    """Record the agents' lost powers in the audit log; set the station kind once."""
    bind = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String),
                     sa.column("role", sa.String), sa.column("active", sa.Boolean))
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON))
    audit = sa.table("audit_log", sa.column("at", sa.DateTime), sa.column("user_id", sa.Integer),
                     sa.column("username", sa.String), sa.column("action", sa.String),
                     sa.column("entity", sa.String), sa.column("entity_id", sa.String),
                     sa.column("before", sa.JSON), sa.column("after", sa.JSON))
    rows = bind.execute(sa.select(users.c.id, users.c.username, users.c.role)).all()
    now = datetime.now().replace(microsecond=0)
    for _id, username, role in rows:
        if role == "agent":
            bind.execute(audit.insert().values(
                at=now, user_id=None, username="system", action="agent_powers_limited",
                entity="user", entity_id=username,
                before={"permissions": ["intake", "reprint", "handover"]},
                after={"permissions": ["collect", "decide_delegated", "reprint", "handover"]}))
    counter_roles = {role for _id, _name, role in rows if role in ("clerk", "agent")}
    exists = bind.execute(sa.select(settings.c.key).where(settings.c.key == "village")).first()
    if exists is None and counter_roles:
        kind = "village" if counter_roles == {"agent"} else "centre"
        bind.execute(settings.insert().values(key="village", value={"kind": kind}))


def downgrade() -> None:
    op.drop_table("handover_batch_items")
    op.drop_table("handover_batches")
    op.drop_table("collections")
