"""First tables: users, customers, mills, capacity, norms, deals, positions,
assignments with lines and exclusions, and the append-only audit log.

Revision ID: 0001
Revises: 
Create Date: 2026-11-30 03:45:19.619935
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('product_line', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('solver_status', sa.String(length=32), nullable=True),
    sa.Column('solver_name', sa.String(length=32), nullable=True),
    sa.Column('solve_seconds', sa.Float(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('month', 'product_line', 'revision', name='uq_assignments_month_line_revision')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_key', sa.String(length=200), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('reason', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_object_key'), ['object_key'], unique=False)

    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('is_key_account', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('name', name=op.f('uq_customers_name'))
    )
    op.create_table('mills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('shop', sa.String(length=200), nullable=False),
    sa.Column('product_line', sa.String(length=64), nullable=False),
    sa.Column('product_type', sa.String(length=200), nullable=False),
    sa.Column('od_min_mm', sa.Float(), nullable=False),
    sa.Column('od_max_mm', sa.Float(), nullable=False),
    sa.Column('wall_min_mm', sa.Float(), nullable=False),
    sa.Column('wall_max_mm', sa.Float(), nullable=False),
    sa.Column('steel_grades', sa.JSON(), nullable=False),
    sa.Column('standards', sa.JSON(), nullable=False),
    sa.Column('speed_m_per_h', sa.Float(), nullable=False),
    sa.Column('nominal_hours', sa.Float(), nullable=False),
    sa.Column('conversion_cost', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mills')),
    sa.UniqueConstraint('code', name=op.f('uq_mills_code'))
    )
    with op.batch_alter_table('mills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mills_product_line'), ['product_line'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    op.create_table('capacity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mill_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['mill_id'], ['mills.id'], name=op.f('fk_capacity_mill_id_mills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capacity')),
    sa.UniqueConstraint('mill_id', 'month', name='uq_capacity_mill_month')
    )
    op.create_table('deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('sales_manager', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by', sa.String(length=64), nullable=True),
    sa.Column('rejection_reason', sa.String(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_deals_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deals')),
    sa.UniqueConstraint('number', name=op.f('uq_deals_number'))
    )
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deals_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_status'), ['status'], unique=False)

    op.create_table('productivity_norms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mill_id', sa.Integer(), nullable=False),
    sa.Column('od_min_mm', sa.Float(), nullable=False),
    sa.Column('od_max_mm', sa.Float(), nullable=False),
    sa.Column('wall_min_mm', sa.Float(), nullable=False),
    sa.Column('wall_max_mm', sa.Float(), nullable=False),
    sa.Column('tonnes_per_hour', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['mill_id'], ['mills.id'], name=op.f('fk_productivity_norms_mill_id_mills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_productivity_norms'))
    )
    with op.batch_alter_table('productivity_norms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_productivity_norms_mill_id'), ['mill_id'], unique=False)

    op.create_table('positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('position_no', sa.Integer(), nullable=False),
    sa.Column('product_line', sa.String(length=64), nullable=False),
    sa.Column('pipe_type', sa.String(length=200), nullable=False),
    sa.Column('od_mm', sa.Float(), nullable=False),
    sa.Column('wall_mm', sa.Float(), nullable=False),
    sa.Column('steel_grade', sa.String(length=64), nullable=False),
    sa.Column('standard', sa.String(length=200), nullable=False),
    sa.Column('length_m', sa.Float(), nullable=True),
    sa.Column('tonnes_ordered', sa.Float(), nullable=False),
    sa.Column('tonnes_produced', sa.Float(), nullable=False),
    sa.Column('price', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('metal_cost', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('requested_month', sa.String(length=7), nullable=False),
    sa.Column('manual_priority', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_positions_deal_id_deals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions')),
    sa.UniqueConstraint('deal_id', 'position_no', name='uq_positions_deal_position_no')
    )
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_positions_product_line'), ['product_line'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_requested_month'), ['requested_month'], unique=False)

    op.create_table('assignment_exclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('tonnes_left_out', sa.Float(), nullable=False),
    sa.Column('reason_code', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('mill_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_exclusions_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mill_id'], ['mills.id'], name=op.f('fk_assignment_exclusions_mill_id_mills')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_assignment_exclusions_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_exclusions'))
    )
    with op.batch_alter_table('assignment_exclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_exclusions_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_exclusions_position_id'), ['position_id'], unique=False)

    op.create_table('assignment_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('mill_id', sa.Integer(), nullable=False),
    sa.Column('tonnes', sa.Float(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('marginal_income', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_lines_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mill_id'], ['mills.id'], name=op.f('fk_assignment_lines_mill_id_mills')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_assignment_lines_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_lines'))
    )
    with op.batch_alter_table('assignment_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_lines_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_lines_position_id'), ['position_id'], unique=False)

    _audit_log_append_only()


def _audit_log_append_only() -> None:
    """Refuse UPDATE and DELETE on audit_log in the database itself, for every client."""
    message = "audit_log is append-only"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    with op.batch_alter_table('assignment_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_lines_position_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_lines_assignment_id'))

    op.drop_table('assignment_lines')
    with op.batch_alter_table('assignment_exclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_exclusions_position_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_exclusions_assignment_id'))

    op.drop_table('assignment_exclusions')
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_positions_requested_month'))
        batch_op.drop_index(batch_op.f('ix_positions_product_line'))

    op.drop_table('positions')
    with op.batch_alter_table('productivity_norms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_productivity_norms_mill_id'))

    op.drop_table('productivity_norms')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deals_status'))
        batch_op.drop_index(batch_op.f('ix_deals_customer_id'))

    op.drop_table('deals')
    op.drop_table('capacity')
    op.drop_table('users')
    with op.batch_alter_table('mills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mills_product_line'))

    op.drop_table('mills')
    op.drop_table('customers')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_object_key'))

    op.drop_table('audit_log')
    op.drop_table('assignments')
