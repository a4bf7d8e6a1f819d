"""Pinyin syllables of each matter, computed at import for the search index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 11:08:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("syllables", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.drop_column("syllables")
