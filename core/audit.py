"""Reading the audit log: who changed what, when, from what to what, and why."""

from __future__ import annotations

from core.errors import NotFound
from core.model import AuditEntry
from storage.store import Store


def history(store: Store, object_key: str | None = None, limit: int = 50) -> list[AuditEntry]:
    """Newest first, at most ``limit`` entries; only those of ``object_key`` when given
    (a deal number, ``DEAL#NO``, a mill code, ``MILL/YYYY-MM`` for a mill's hours,
    ``YYYY-MM/LINE/rN`` for a revision, ``user LOGIN``, ``request N``, ``conflict N``,
    ``escalation N``, ``database``). Refused actions are kept under the key of what was
    refused, with action ``refused``. Raises :class:`NotFound` when ``object_key`` has no
    entry at all: every object is logged from its creation, so the key is mistyped."""
    with store.reading() as repo:
        entries = repo.audit_entries(object_key, limit)
    if object_key is not None and not entries:
        raise NotFound(
            f"nothing in the audit log under {object_key!r}: give a deal number, DEAL#NO, a mill, "
            "MILL/YYYY-MM, YYYY-MM/LINE/rN, 'user LOGIN', 'request N', 'conflict N' or 'escalation N'"
        )
    return entries
