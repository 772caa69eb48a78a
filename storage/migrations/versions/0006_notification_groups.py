"""Grouped notifications: a notification lists the positions it is about (``items``), and
``notification_news`` remembers each piece of news told to a user, so a notification
grouping a plan's news for one person repeats nothing told before.

The existing notifications keep their text (an empty item list); their events become the
first pieces of news told, so news already given one by one is not given again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (no table rebuild on SQLite: see 0005)
    op.add_column('notifications', sa.Column('items', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table('notification_news',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_news')),
    sa.UniqueConstraint('login', 'key', name='uq_notification_news_login_key')
    )
    op.execute("INSERT INTO notification_news (login, key, at) SELECT login, event, at FROM notifications")


def downgrade() -> None:
    op.drop_table('notification_news')
    op.drop_column('notifications', 'items')
