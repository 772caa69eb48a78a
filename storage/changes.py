"""The store's change counter: which change the store is at, for those who follow it.

Every unit of work that wrote a row moves the counter on by one just before it commits
(:meth:`millplan.storage.store.Store.unit_of_work`), in the same transaction, so the
counter moves exactly when a change becomes visible to others — on PostgreSQL too, where
ids from a sequence (the audit log's) may commit out of order and a later id can become
visible before an earlier one. A change is noticed by the engine's listeners
(:func:`millplan.storage.engine.make_engine`): an insert, or an update or delete that hit rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from millplan.storage.tables import ChangeCounterRow

COUNTER = ChangeCounterRow.__table__


class ChangeRepository:
    """The change counter on one unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self) -> int:
        """The counter's value: one primary-key read of one row."""
        return self.session.execute(sa.select(COUNTER.c.value).where(COUNTER.c.id == 1)).scalar_one()

    def advance(self) -> None:
        """Move the counter on by one (PostgreSQL: a row lock held until the commit that follows)."""
        self.session.execute(sa.update(COUNTER).where(COUNTER.c.id == 1).values(value=COUNTER.c.value + 1))
