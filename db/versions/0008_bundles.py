"""Bundles (一件事) and their members; issue 13.

New tables only, plus a nullable `applications.bundle_id`: existing rows are untouched (no
existing application is a member of a bundle), so the upgrade is safe on a station in use.

- `bundle_definitions`: each version of a bundle as the catalogue publishes it;
- `bundles`: a bundle taken in (its own 办件编号, members chosen, combined limit, trips);
- `bundle_materials`: each document collected once for the bundle;
- `bundle_material_uses`: which member application's material each document stands for;
- `bundle_drafts`: a bundle intake in progress, saved as it is typed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bundle_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("syllables", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "version", name="uq_bundle_code_version"),
    )
    with op.batch_alter_table("bundle_definitions") as batch_op:
        batch_op.create_index(batch_op.f("ix_bundle_definitions_code"), ["code"], unique=False)
    op.create_table(
        "bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("bundle_code", sa.String(length=40), nullable=False),
        sa.Column("bundle_version", sa.Integer(), nullable=False),
        sa.Column("bundle_name", sa.String(length=200), nullable=False),
        sa.Column("station_code", sa.String(length=12), nullable=False),
        sa.Column("window", sa.String(length=40), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("chosen", sa.JSON(), nullable=False),
        sa.Column("clerk_conditions", sa.JSON(), nullable=False),
        sa.Column("combined_limit_days", sa.Integer(), nullable=True),
        sa.Column("combined_due", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("trips", sa.Integer(), nullable=False),
        sa.Column("notice_serial", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicants.id"]),
        sa.ForeignKeyConstraint(["clerk_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("bundles") as batch_op:
        batch_op.create_index("ix_bundles_received", ["received_on"], unique=False)
    op.create_table(
        "bundle_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("applicable", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("form_required", sa.String(length=20), nullable=False),
        sa.Column("form_received", sa.String(length=20), nullable=False),
        sa.Column("copies_required", sa.Integer(), nullable=False),
        sa.Column("copies_received", sa.Integer(), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("produced_by", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["bundle_id"], ["bundles.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bundle_id", "line_id"),
    )
    with op.batch_alter_table("bundle_materials") as batch_op:
        batch_op.create_index(batch_op.f("ix_bundle_materials_bundle_id"), ["bundle_id"],
                              unique=False)
    op.create_table(
        "bundle_material_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_material_id", sa.Integer(), nullable=False),
        sa.Column("application_material_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["application_material_id"], ["application_materials.id"]),
        sa.ForeignKeyConstraint(["bundle_material_id"], ["bundle_materials.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_material_id"),
    )
    with op.batch_alter_table("bundle_material_uses") as batch_op:
        batch_op.create_index(batch_op.f("ix_bundle_material_uses_bundle_material_id"),
                              ["bundle_material_id"], unique=False)
    op.create_table(
        "bundle_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("bundle_code", sa.String(length=40), nullable=False),
        sa.Column("bundle_number", sa.String(length=30), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bundle_drafts") as batch_op:
        batch_op.create_index(batch_op.f("ix_bundle_drafts_user_id"), ["user_id"], unique=False)
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("applications")}
    if "bundle_id" in columns:  # SQLite cannot drop a foreign-key column: a re-run keeps it
        return
    with op.batch_alter_table("applications") as batch_op:
        batch_op.add_column(sa.Column("bundle_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_applications_bundle_id"), ["bundle_id"],
                              unique=False)
        batch_op.create_foreign_key("fk_applications_bundle_id", "bundles", ["bundle_id"],
                                    ["id"])


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_constraint("fk_applications_bundle_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_applications_bundle_id"))
        batch_op.drop_column("bundle_id")
    op.drop_table("bundle_drafts")
    op.drop_table("bundle_material_uses")
    op.drop_table("bundle_materials")
    op.drop_table("bundles")
    op.drop_table("bundle_definitions")
