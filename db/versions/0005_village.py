"""Village agent points: 代收 cases, hand-over batches, delegated matters; issue 11.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Schema changes land here (helper: village roles (issue 11)); a no-op until then.
    pass


def downgrade() -> None:
    pass
