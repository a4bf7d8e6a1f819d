"""Index on (due_date, number): open applications most urgent first, a page at a time.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 05:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_applications_due", "applications", ["due_date", "number"])


def downgrade() -> None:
    op.drop_index("ix_applications_due", table_name="applications")
