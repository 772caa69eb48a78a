"""The audit log's entries as they leave the store (times timezone-aware UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

IMPORT_REASON = "import "
"""How an import words its entries' reason, before the file's name (``import portfolio.xlsx``):
a stable code, stored as is and read as words by :func:`millplan.core.views.history.reason_text`."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what to which object, when, and why."""

    at: datetime
    login: str
    action: str
    object_type: str
    object_key: str
    before: dict | None
    after: dict | None
    reason: str | None
