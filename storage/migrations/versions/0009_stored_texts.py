"""Texts millplan writes, kept as messages to say in each reader's language: a ``texts``
JSON column (column name → message) beside the sentences of exclusions, revisions,
conflicts, escalations, answers to requests, the audit log, notifications and the e-mail outbox. Existing rows keep their sentences and no
message (shown as stored).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLES = (
    'assignment_exclusions', 'assignments', 'conflicts', 'escalations', 'requests', 'audit_log', 'notifications',
    'mail_outbox',
)
# plain ALTER TABLE, never a rebuild: SQLite's batch copy would cascade-delete rows referring
# to assignments, and the audit log refuses the DELETE a rebuild does (see 0005)
NATIVE = {"recreate": "never"}


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, **NATIVE) as batch:
            batch.add_column(sa.Column('texts', sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, **NATIVE) as batch:
            batch.drop_column('texts')
