"""Rows of every table of a store: what the tests of a cancelled solve compare to prove
that nothing was written (no draft, no lines, no notification, no audit entry)."""

from __future__ import annotations

from sqlmodel import SQLModel, func, select

from millplan.storage.store import Store


def row_counts(store: Store) -> dict[str, int]:
    """Table name → its number of rows."""
    with store.reading() as repo:
        return {
            t.name: repo.session.exec(select(func.count()).select_from(t)).one()
            for t in SQLModel.metadata.sorted_tables
        }
