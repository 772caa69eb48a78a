"""The horizon plan: each revision keeps the options it was planned with, the solver's
gap and the lines it moved; its later months' lines (the forecast) and the shadow price
of every mill-month; exclusions name the binding month, its shadow price and what the
position earns per hour there; a productivity norm may carry the conversion cost of its
size band.

Every new column is nullable, so rows already stored keep their data (an old revision
has no options: it was planned for its month alone; a norm without a cost uses the mill's).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=16, scale=2)

# Never rebuild a table on SQLite: dropping and re-creating ``assignments`` with foreign
# keys on would cascade-delete every row that refers to it (lines, reviews, conflicts…).
# Adding and dropping plain columns is native ALTER TABLE there (SQLite 3.35+).
NATIVE = {"recreate": "never"}


def upgrade() -> None:
    with op.batch_alter_table('assignments', schema=None, **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('options', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('gap', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('moved_lines', sa.Integer(), nullable=True))
    with op.batch_alter_table('assignment_exclusions', schema=None, **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('month', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('shadow_price', MONEY, nullable=True))
        batch_op.add_column(sa.Column('earns_per_hour', MONEY, nullable=True))
    with op.batch_alter_table('productivity_norms', schema=None, **NATIVE) as batch_op:
        batch_op.add_column(sa.Column('conversion_cost', MONEY, nullable=True))

    op.create_table('assignment_forecast',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('mill_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('tonnes', sa.Float(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('marginal_income', MONEY, nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_forecast_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mill_id'], ['mills.id'], name=op.f('fk_assignment_forecast_mill_id_mills')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_assignment_forecast_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_forecast'))
    )
    with op.batch_alter_table('assignment_forecast', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_forecast_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_forecast_position_id'), ['position_id'], unique=False)

    op.create_table('shadow_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('mill_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('rub_per_hour', MONEY, nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_shadow_prices_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mill_id'], ['mills.id'], name=op.f('fk_shadow_prices_mill_id_mills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shadow_prices'))
    )
    with op.batch_alter_table('shadow_prices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shadow_prices_assignment_id'), ['assignment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('shadow_prices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shadow_prices_assignment_id'))
    op.drop_table('shadow_prices')
    with op.batch_alter_table('assignment_forecast', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_forecast_position_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_forecast_assignment_id'))
    op.drop_table('assignment_forecast')
    with op.batch_alter_table('productivity_norms', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('conversion_cost')
    with op.batch_alter_table('assignment_exclusions', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('earns_per_hour')
        batch_op.drop_column('shadow_price')
        batch_op.drop_column('month')
    with op.batch_alter_table('assignments', schema=None, **NATIVE) as batch_op:
        batch_op.drop_column('moved_lines')
        batch_op.drop_column('gap')
        batch_op.drop_column('options')
