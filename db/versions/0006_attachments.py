"""Material pages (attachments) and their upload state; issue 11.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Schema changes land here (helper: attachments and sync by file (issue 11)); a no-op until then.
    pass


def downgrade() -> None:
    pass
