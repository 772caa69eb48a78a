"""Create or update many rows by key in one go, each creation and change audited."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from millplan.core.domain.upserts import StoredChange, UpsertCounts
from millplan.storage.audit import audit_values
from millplan.storage.tables import AuditRow, utcnow

Row = TypeVar("Row", bound=SQLModel)


def upsert_all(
    session: Session,
    model: type[Row],
    index: dict[Any, Row],
    items: Iterable[tuple[Any, str, dict[str, Any]]],
    *,
    login: str,
    object_type: str,
    reason: str | None,
    watch: Collection[str] = (),
    changed: list[StoredChange] | None = None,
) -> UpsertCounts:
    """Create or update rows by key; ``index`` holds the stored rows by key, ``items`` are
    (key, audit object key, values).

    Existing rows get their changed fields set in place (``version`` + 1); new rows are
    inserted in one statement (an import brings thousands); every creation and change
    gets an audit entry with what was before and after, and a change of a field in
    ``watch`` is appended to ``changed`` too. Raises ``ValueError`` if a key repeats —
    the importer must have reported that row.
    """
    created: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    updated = unchanged = 0
    seen: set[Any] = set()
    now = utcnow()
    for key, object_key, values in items:
        if key in seen:
            raise ValueError(f"{object_type} {object_key} appears twice in one import")
        seen.add(key)
        row = index.get(key)
        if row is None:
            created.append(values)
            audits.append(audit_values(now, login, "created", object_type, object_key, None, values, reason))
            continue
        changes = {f: (getattr(row, f), v) for f, v in values.items() if getattr(row, f) != v}
        if not changes:
            unchanged += 1
            continue
        for field, (_, new) in changes.items():
            setattr(row, field, new)
        if hasattr(row, "version"):
            row.version += 1
        updated += 1
        before = {f: old for f, (old, _) in changes.items()}
        after = {f: new for f, (_, new) in changes.items()}
        if changed is not None:
            changed.extend(
                StoredChange(object_type, object_key, f, *change) for f, change in changes.items() if f in watch
            )
        audits.append(audit_values(now, login, "updated", object_type, object_key, before, after, reason))
    session.flush()
    if created:
        session.execute(sa.insert(model), created)
    if audits:
        session.execute(sa.insert(AuditRow), audits)
    return UpsertCounts(len(created), updated, unchanged)
