"""The stale-deal ledger's writes on positions (extend, re-prioritise, cancel the remainder,
close as complete, restore), each audited with the values before and after, and what was
disposed of, for those who must not undo it by accident (a portfolio re-import)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from millplan.core.domain.portfolio import position_ref
from millplan.core.domain.stale import Disposed, Disposition
from millplan.storage.audit import AuditRepository
from millplan.storage.tables import AuditRow, DealRow, PositionRow

FIELDS = ("requested_month", "manual_priority", "tonnes_cancelled", "completed_at")
"""The position fields a disposition may change."""


class DispositionRepository:
    """Dispositions of positions on one unit of work's session."""

    def __init__(self, session: Session, audit: AuditRepository) -> None:
        self.session = session
        self.audit = audit

    def apply(
        self,
        position_id: int,
        disposition: Disposition,
        values: dict[str, Any],
        login: str,
        reason: str,
        noted: dict[str, Any] | None = None,
    ) -> None:
        """Set ``values`` (some of :data:`FIELDS`) on the position; one audit entry
        ``stale_<disposition>`` on its ``DEAL#NO`` with the fields before and after (and
        ``noted``, e.g. the client's confirmation, kept with the after values). Raises
        ``ValueError`` for another field, ``KeyError`` for an unknown position id."""
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise ValueError(f"a disposition may not change {sorted(unknown)}")
        found = self.session.exec(
            select(PositionRow, DealRow.number).join(DealRow).where(PositionRow.id == position_id)
        ).first()
        if found is None:
            raise KeyError(position_id)
        row, deal_number = found
        before = {key: getattr(row, key) for key in values}
        for key, value in values.items():
            setattr(row, key, value)
        row.version += 1
        self.audit.write(
            login,
            f"stale_{disposition.value}",
            "position",
            position_ref(deal_number, row.position_no),
            before,
            {**values, **(noted or {})},
            reason,
        )
        self.session.flush()

    def disposed_ids(self) -> set[int]:
        """Ids of the positions whose remainder is cancelled or which are closed as complete
        (one query, no audit read: for the plan, the load and the carry-over)."""
        return set(
            self.session.exec(
                select(PositionRow.id).where(
                    sa.or_(PositionRow.tonnes_cancelled > 0, PositionRow.completed_at.is_not(None))
                )
            )
        )

    def disposed(self, position_ids: Iterable[int] | None = None) -> dict[int, Disposed]:
        """Positions (all, or those of ``position_ids``) whose remainder is cancelled or
        which are closed as complete, by id, each with the newest ``stale_cancel`` /
        ``stale_close`` audit entry's time and login."""
        query = (
            select(PositionRow.id, DealRow.number, PositionRow.position_no, PositionRow.tonnes_cancelled)
            .add_columns(PositionRow.completed_at)
            .join(DealRow)
            .where(sa.or_(PositionRow.tonnes_cancelled > 0, PositionRow.completed_at.is_not(None)))
        )
        if position_ids is not None:
            query = query.where(PositionRow.id.in_(list(position_ids)))
        rows = self.session.exec(query).all()
        if not rows:
            return {}
        refs = {position_ref(number, no): pid for pid, number, no, _t, _c in rows}
        last: dict[str, tuple] = {}
        for key, at, login in self.session.exec(
            select(AuditRow.object_key, AuditRow.at, AuditRow.login)
            .where(
                AuditRow.object_type == "position",
                AuditRow.action.in_([f"stale_{Disposition.CANCEL.value}", f"stale_{Disposition.CLOSE.value}"]),
                AuditRow.object_key.in_(list(refs)),
            )
            .order_by(AuditRow.id)
        ):
            last[key] = (at, login)
        return {
            pid: Disposed(pid, position_ref(number, no), cancelled, completed, *last.get(position_ref(number, no), ()))
            for pid, number, no, cancelled, completed in rows
        }
