"""Record when a case is finished (finished_at, backfilled); issue 10.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Schema changes land here (helper: counter defects (issue 10)); a no-op until then.
    pass


def downgrade() -> None:
    pass
