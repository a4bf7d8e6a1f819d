"""Hash chain over the audit trail; issue 12.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Schema changes land here (helper: security (issue 12)); a no-op until then.
    pass


def downgrade() -> None:
    pass
