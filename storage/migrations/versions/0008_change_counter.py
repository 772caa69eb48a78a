"""The store's change counter: one row every committed change moves on, which a
workstation polls to follow changes made by others.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    counter = op.create_table('change_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_counter'))
    )
    op.bulk_insert(counter, [{'id': 1, 'value': 0}])


def downgrade() -> None:
    op.drop_table('change_counter')
