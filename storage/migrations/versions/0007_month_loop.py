"""The month's loop: daily actuals, closed months with their carry-over, plant settings;
a position's opening balance, cancelled tonnes and completion; an assignment line's
tonnes already made when a month in progress was re-planned.

A stored position's produced tonnes become its opening balance (there are no actuals yet,
so produced = opening + actuals holds from the start).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Never rebuild a table on SQLite (see 0005): plain columns are added and dropped natively.
NATIVE = {"recreate": "never"}


def upgrade() -> None:
    op.add_column('positions', sa.Column('tonnes_opening', sa.Float(), nullable=False, server_default='0'))
    op.add_column('positions', sa.Column('tonnes_cancelled', sa.Float(), nullable=False, server_default='0'))
    op.add_column('positions', sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE positions SET tonnes_opening = tonnes_produced")
    op.add_column('assignment_lines', sa.Column('tonnes_made', sa.Float(), nullable=False, server_default='0'))
    op.create_table('actuals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('mill_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('tonnes', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['mill_id'], ['mills.id'], name=op.f('fk_actuals_mill_id_mills')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_actuals_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actuals')),
    sa.UniqueConstraint('day', 'mill_id', 'position_id', name='uq_actuals_day_mill_position')
    )
    op.create_index(op.f('ix_actuals_day'), 'actuals', ['day'], unique=False)
    op.create_index(op.f('ix_actuals_position_id'), 'actuals', ['position_id'], unique=False)
    op.create_table('month_closes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('product_line', sa.String(length=64), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.Column('incomplete', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_month_closes')),
    sa.UniqueConstraint('month', 'product_line', name='uq_month_closes_month_line')
    )
    op.create_table('carry_over',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('close_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('tonnes', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['close_id'], ['month_closes.id'], name=op.f('fk_carry_over_close_id_month_closes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_carry_over_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carry_over')),
    sa.UniqueConstraint('close_id', 'position_id', name='uq_carry_over_close_position')
    )
    op.create_index(op.f('ix_carry_over_close_id'), 'carry_over', ['close_id'], unique=False)
    op.create_index(op.f('ix_carry_over_position_id'), 'carry_over', ['position_id'], unique=False)
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )


def downgrade() -> None:
    # tonnes_produced already holds opening + actuals, so it stays whole without them. What the
    # older schema cannot hold is lost: daily actuals, closes and carry-over, settings, and a
    # position's cancelled remainder or completion (such positions count as demand again) —
    # take a backup first (millplan db backup) if a downgrade must be undone.
    op.drop_table('settings')
    op.drop_index(op.f('ix_carry_over_position_id'), table_name='carry_over')
    op.drop_index(op.f('ix_carry_over_close_id'), table_name='carry_over')
    op.drop_table('carry_over')
    op.drop_table('month_closes')
    op.drop_index(op.f('ix_actuals_position_id'), table_name='actuals')
    op.drop_index(op.f('ix_actuals_day'), table_name='actuals')
    op.drop_table('actuals')
    with op.batch_alter_table('assignment_lines', **NATIVE) as batch:
        batch.drop_column('tonnes_made')
    with op.batch_alter_table('positions', **NATIVE) as batch:
        batch.drop_column('completed_at')
        batch.drop_column('tonnes_cancelled')
        batch.drop_column('tonnes_opening')
