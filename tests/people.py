"""Users written straight into a store, for tests of notifications and e-mail.

The store has no user-management service yet (roles arrive with the approval workflow),
so tests add the rows themselves.
"""

from __future__ import annotations

from millplan.storage.store import Store
from millplan.storage.tables import UserRow


def add_user(store: Store, login: str, name: str, role: str = "sales_manager", email: str | None = None) -> None:
    with store.unit_of_work() as repo:
        repo.session.add(UserRow(login=login, name=name, role=role, email=email))
