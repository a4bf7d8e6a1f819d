"""Material pages (attachments) and their upload state; issue 11.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("colour", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("upload_offset", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_index("ix_pages_uploaded_at", "pages", ["uploaded_at"])
    op.create_table(
        "material_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("material_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["sha256"], ["pages.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_material_pages_application", "material_pages",
                    ["application_id", "material_id", "position"])
    op.create_index("ix_material_pages_draft", "material_pages",
                    ["draft_id", "material_id", "position"])
    op.create_index("ix_material_pages_sha256", "material_pages", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_material_pages_sha256", table_name="material_pages")
    op.drop_index("ix_material_pages_draft", table_name="material_pages")
    op.drop_index("ix_material_pages_application", table_name="material_pages")
    op.drop_table("material_pages")
    op.drop_index("ix_pages_uploaded_at", table_name="pages")
    op.drop_table("pages")
