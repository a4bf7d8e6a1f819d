"""Bundles (一件事) and their members; issue 13.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Schema changes land here (helper: bundles (issue 13)); a no-op until then.
    pass


def downgrade() -> None:
    pass
