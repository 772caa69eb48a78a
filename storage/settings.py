"""Plant-wide settings by key (JSON values), each change audited."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from millplan.storage.audit import AuditRepository
from millplan.storage.tables import SettingRow, utcnow


class SettingsRepository:
    """Settings on one unit of work's session."""

    def __init__(self, session: Session, audit: AuditRepository) -> None:
        self.session = session
        self.audit = audit

    def get(self, key: str, default: Any = None) -> Any:
        """The stored value of ``key``, else ``default``."""
        row = self.session.get(SettingRow, key)
        return default if row is None else row.value

    def put(self, key: str, value: Any, login: str, reason: str | None = None) -> None:
        """Store ``value`` (JSON-safe) under ``key``; audited with the value before."""
        row = self.session.get(SettingRow, key)
        before = None if row is None else {"value": row.value}
        if row is None:
            row = SettingRow(key=key, value=value, updated_by=login)
            self.session.add(row)
        else:
            row.value, row.updated_at, row.updated_by = value, utcnow(), login
        self.audit.write(login, "set", "setting", key, before, {"value": value}, reason)
        self.session.flush()
