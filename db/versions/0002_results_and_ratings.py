"""results handed over, posted and rated: handovers, postal_deliveries, ratings, follow_ups

Issue 6 (出件、邮寄送达、好差评). Only new tables: existing rows are untouched, so the upgrade
is safe on a station database in use, and the downgrade drops the four tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:40:23.807301
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('postal_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('recipient_name', sa.Text(), nullable=False),
    sa.Column('recipient_phone', sa.String(length=40), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('chosen_at', sa.DateTime(), nullable=False),
    sa.Column('courier', sa.String(length=40), nullable=False),
    sa.Column('tracking_no', sa.String(length=40), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(), nullable=True),
    sa.Column('dispatched_by', sa.Integer(), nullable=True),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('signed_by', sa.Text(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['dispatched_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id')
    )
    with op.batch_alter_table('postal_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postal_deliveries_stage'), ['stage'], unique=False)

    op.create_table('handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('handed_at', sa.DateTime(), nullable=False),
    sa.Column('collector_role', sa.String(length=20), nullable=False),
    sa.Column('collector_name', sa.Text(), nullable=False),
    sa.Column('collector_doc_type', sa.String(length=40), nullable=False),
    sa.Column('collector_doc_number', sa.String(length=40), nullable=False),
    sa.Column('collector_phone', sa.String(length=40), nullable=False),
    sa.Column('authorisation_checked', sa.Boolean(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['clerk_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handovers_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_handed_at'), ['handed_at'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('skip_reason', sa.String(length=20), nullable=False),
    sa.Column('skip_note', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.Column('window', sa.String(length=40), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['clerk_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('visit_id')
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_rated_at'), ['rated_at'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rating_id')
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_follow_ups_open', ['closed_at', 'due_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_open')
        batch_op.drop_index(batch_op.f('ix_follow_ups_application_id'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_rated_at'))
        batch_op.drop_index(batch_op.f('ix_ratings_application_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handovers_handed_at'))
        batch_op.drop_index(batch_op.f('ix_handovers_application_id'))

    op.drop_table('handovers')
    with op.batch_alter_table('postal_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postal_deliveries_stage'))

    op.drop_table('postal_deliveries')
