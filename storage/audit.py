"""The audit log: who changed what, when, from what to what, and why.

Every repository of a unit of work writes its audit entries through the
:class:`AuditRepository` it was given, in the same transaction as the change, so a change
and its record are kept or lost together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from millplan.core.domain.audit import AuditEntry
from millplan.core.domain.i18n import _
from millplan.core.domain.stored_text import Text, shown, texts_of
from millplan.storage import convert
from millplan.storage.tables import AssignmentRow, AuditRow, CustomerRow, DealRow, MillRow, utcnow


def audit_values(
    at: datetime,
    login: str,
    action: str,
    object_type: str,
    object_key: str,
    before: dict | None,
    after: dict | None,
    reason: str | Text | None,
) -> dict[str, Any]:
    """One audit row's column values, ``before`` and ``after`` made JSON-safe (Decimal and
    times as text), for a bulk insert or an :class:`AuditRow`; a ``reason`` millplan wrote
    (a :data:`~millplan.core.domain.stored_text.Text`) is kept to say in the reader's language."""
    sentences, texts = texts_of(reason=reason)
    return {
        "at": at,
        "login": login,
        "action": action,
        "object_type": object_type,
        "object_key": object_key,
        "before": {k: convert.jsonable(v) for k, v in before.items()} if before else None,
        "after": {k: convert.jsonable(v) for k, v in after.items()} if after else None,
        "reason": sentences["reason"],
        "texts": texts,
    }


class AuditRepository:
    """Writes and reads of the audit log on one unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def write(
        self,
        login: str,
        action: str,
        object_type: str,
        object_key: str,
        before: dict | None = None,
        after: dict | None = None,
        reason: str | Text | None = None,
    ) -> None:
        """Append one audit entry (values made JSON-safe: Decimal and times as text)."""
        self.session.add(
            AuditRow(**audit_values(utcnow(), login, action, object_type, object_key, before, after, reason))
        )

    def audit_entries(
        self, object_key: str | None = None, limit: int = 200, *, position_edits: bool = False
    ) -> list[AuditEntry]:
        """Newest first; only those of ``object_key`` when given — with ``position_edits``
        also the revisions' edits naming it (a ``DEAL#NO``) as their position."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if object_key is not None:
            condition = AuditRow.object_key == object_key
            if position_edits:
                edit = sa.and_(
                    AuditRow.object_type == "assignment", AuditRow.after["position"].as_string() == object_key
                )
                condition = sa.or_(condition, edit)
            query = query.where(condition)
        return [_entry(r) for r in self.session.exec(query)]

    def latest_of(self, object_keys: Sequence[str], actions: Sequence[str]) -> dict[str, AuditEntry]:
        """The newest entry of each of ``object_keys`` whose action is one of ``actions`` (a
        revision's last plan run: ``drafted``/``replanned``), by key; a key with none is absent.
        One query however many keys."""
        if not object_keys:
            return {}
        query = (
            select(AuditRow)
            .where(AuditRow.object_key.in_(object_keys), AuditRow.action.in_(actions))
            .order_by(AuditRow.id.desc())
        )
        latest: dict[str, AuditEntry] = {}
        for r in self.session.exec(query):
            latest.setdefault(r.object_key, _entry(r))
        return latest

    def audit_names(self, ids: dict[str, set]) -> dict[str, dict]:
        """What people call the rows an audit entry refers to by id. ``ids`` maps any of
        ``customer``, ``mill``, ``deal``, ``assignment`` to row ids; the answer maps each to
        {id: customer name, mill code, deal number, revision key ``YYYY-MM/LINE/rN``} for
        the rows that still exist (users: :meth:`UserRepository.display_names`)."""
        queries = {
            "customer": (CustomerRow.id, CustomerRow.name),
            "mill": (MillRow.id, MillRow.code),
            "deal": (DealRow.id, DealRow.number),
        }
        found: dict[str, dict] = {}
        for kind, wanted in ids.items():
            if not wanted:
                found[kind] = {}
            elif kind == "assignment":
                rows = self.session.exec(
                    select(
                        AssignmentRow.id, AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision
                    ).where(AssignmentRow.id.in_(list(wanted)))
                )
                found[kind] = {i: f"{month}/{line}/r{revision}" for i, month, line, revision in rows}
            else:
                key, name = queries[kind]
                found[kind] = dict(self.session.exec(select(key, name).where(key.in_(list(wanted)))).all())
        return found

    def last_change(self, object_key: str) -> str:
        """ "LOGIN at YYYY-MM-DD HH:MM UTC" of the newest audit entry of ``object_key``
        (``"someone"`` if it has none), for "changed by X at T — reload" messages."""
        last = self.audit_entries(object_key, 1)
        if not last:
            return _("someone")
        return _("{login} at {time} UTC").format(login=last[0].login, time=f"{last[0].at:%Y-%m-%d %H:%M}")


def _entry(r: AuditRow) -> AuditEntry:
    """An audit row as the core reads it, its reason in the reader's language."""
    return AuditEntry(
        r.at, r.login, r.action, r.object_type, r.object_key, r.before, r.after, shown(r.texts, "reason", r.reason)
    )
