"""The audit log's entries as they leave the store (times timezone-aware UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
