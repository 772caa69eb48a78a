"""The approval workflow: product lines owned by users, the assignment life cycle
(submitted, stale, director's chain, approval reason), reviews, sales managers'
requests, conflicts and escalations; users, customers, mills and capacity get a
``version`` (users' e-mail address came with 0002).

New NOT NULL columns get a server default, so rows already stored keep their data
(existing assignments: not stale, no director needed; versions start at 1).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 07:20:36.932830
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('product_line', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_lines_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_lines')),
    sa.UniqueConstraint('user_id', 'product_line', name='uq_user_lines_user_line')
    )
    with op.batch_alter_table('user_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_lines_product_line'), ['product_line'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_lines_user_id'), ['user_id'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('tonnes_short', sa.Float(), nullable=False),
    sa.Column('margin_at_stake', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agreed_month', sa.String(length=7), nullable=True),
    sa.Column('resolution', sa.String(), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_conflicts_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_conflicts_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_position_id'), ['position_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_state'), ['state'], unique=False)

    op.create_table('requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('replacement_position_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('product_line', sa.String(length=64), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('justification', sa.String(), nullable=False),
    sa.Column('margin_at_stake', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('answered_by', sa.String(length=64), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_requests_position_id_positions')),
    sa.ForeignKeyConstraint(['replacement_position_id'], ['positions.id'], name=op.f('fk_requests_replacement_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requests'))
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requests_position_id'), ['position_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_state'), ['state'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('mill_id', sa.Integer(), nullable=True),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_reviews_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mill_id'], ['mills.id'], name=op.f('fk_reviews_mill_id_mills')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_reviews_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conflict_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('raised_by', sa.String(length=64), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('decision', sa.String(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_escalations_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflicts.id'], name=op.f('fk_escalations_conflict_id_conflicts')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_escalations_request_id_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalations_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalations_conflict_id'), ['conflict_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalations_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalations_state'), ['state'], unique=False)

    # plain ADD COLUMN, never batch mode: on SQLite a batch copies and drops the table, and
    # with foreign keys on, dropping assignments or mills would cascade to their lines,
    # capacity and norms
    op.add_column('assignments', sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('assignments', sa.Column('submitted_by', sa.String(length=64), nullable=True))
    op.add_column('assignments', sa.Column('stale', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('assignments', sa.Column('stale_reason', sa.String(), nullable=True))
    op.add_column('assignments', sa.Column('needs_director', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('assignments', sa.Column('approval_reason', sa.String(), nullable=True))
    for table in ('users', 'customers', 'mills', 'capacity'):  # rows two people may change
        op.add_column(table, sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def _drop_columns(table: str, *columns: str) -> None:
    """Drop columns without rebuilding the table: SQLite's batch mode would copy and drop
    it, and with foreign keys on, dropping ``assignments`` or ``mills`` would cascade
    to their lines, capacity and norms. SQLite ≥ 3.35 drops a plain column in place."""
    for column in columns:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)


def downgrade() -> None:
    for table in ('users', 'customers', 'mills', 'capacity'):
        _drop_columns(table, 'version')
    _drop_columns('assignments', 'approval_reason', 'needs_director', 'stale_reason', 'stale', 'submitted_by', 'submitted_at')

    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalations_state'))
        batch_op.drop_index(batch_op.f('ix_escalations_request_id'))
        batch_op.drop_index(batch_op.f('ix_escalations_conflict_id'))
        batch_op.drop_index(batch_op.f('ix_escalations_assignment_id'))

    op.drop_table('escalations')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_assignment_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requests_state'))
        batch_op.drop_index(batch_op.f('ix_requests_position_id'))

    op.drop_table('requests')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_state'))
        batch_op.drop_index(batch_op.f('ix_conflicts_position_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_assignment_id'))

    op.drop_table('conflicts')
    with op.batch_alter_table('user_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_lines_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_lines_product_line'))

    op.drop_table('user_lines')
