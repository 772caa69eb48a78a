"""Daily actuals (tonnes made by day, mill and position) and the produced tonnes that
follow from them: a position's ``tonnes_produced`` is its opening balance plus the sum of
its actuals, set here in the same transaction as every change of either."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from millplan.core.domain.actuals import Actual, ActualRecord, ActualsWrite
from millplan.core.domain.portfolio import position_ref
from millplan.storage.audit import AuditRepository, audit_values
from millplan.storage.tables import ActualRow, AuditRow, DealRow, MillRow, PositionRow, utcnow

_IN_LIST = 500
"""Above this many positions, produced tonnes are recomputed for the whole book in one
statement rather than named one by one (a long ``IN`` list is slower than the full pass)."""


def refresh_produced(session: Session, position_ids: Iterable[int] | None = None) -> None:
    """Set ``tonnes_produced`` = opening balance + the sum of actuals, for the positions
    named (every position for ``None`` or a long list)."""
    made = (
        sa.select(sa.func.coalesce(sa.func.sum(ActualRow.tonnes), 0.0))
        .where(ActualRow.position_id == PositionRow.id)
        .scalar_subquery()
    )
    statement = sa.update(PositionRow).values(tonnes_produced=PositionRow.tonnes_opening + made)
    ids = None if position_ids is None else list(position_ids)
    if ids is not None:
        if not ids:
            return
        if len(ids) <= _IN_LIST:
            statement = statement.where(PositionRow.id.in_(ids))
    session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()


class ActualsRepository:
    """Actuals on one unit of work's session."""

    def __init__(self, session: Session, audit: AuditRepository) -> None:
        self.session = session
        self.audit = audit

    def replace(self, records: Sequence[ActualRecord], login: str, source: str) -> ActualsWrite:
        """Store ``records`` in place of every stored row of the (day, mill) pairs they hold,
        so re-importing a day never counts it twice; rows of one (day, mill, position) are
        summed. One audit entry per (day, mill) with its tonnes before and after; produced
        tonnes of every position concerned are recomputed. Raises ``KeyError`` for a mill
        code not stored (the importer must have reported it)."""
        mill_ids = {code: id_ for code, id_ in self.session.exec(select(MillRow.code, MillRow.id))}
        pairs = {(r.day, mill_ids[r.mill_code]) for r in records}
        summed: dict[tuple[date, int, int], float] = {}
        for r in records:
            key = (r.day, mill_ids[r.mill_code], r.position_id)
            summed[key] = summed.get(key, 0.0) + r.tonnes
        old = self._rows_of(pairs)
        before: dict[tuple[date, int], float] = {}
        for row in old:
            before[row.day, row.mill_id] = before.get((row.day, row.mill_id), 0.0) + row.tonnes
        after: dict[tuple[date, int], float] = {}
        for (day, mill, _), tonnes in summed.items():
            after[day, mill] = after.get((day, mill), 0.0) + tonnes
        by_mill: dict[int, set[date]] = {}
        for day, mill in pairs:
            by_mill.setdefault(mill, set()).add(day)
        for mill, days in by_mill.items():  # per mill its days: a statement names at most a month's days
            self.session.execute(
                sa.delete(ActualRow)
                .where(ActualRow.mill_id == mill, ActualRow.day.in_(sorted(days)))
                .execution_options(synchronize_session=False)  # no actuals row is loaded as an object
            )
        now = utcnow()
        if summed:
            self.session.execute(
                sa.insert(ActualRow),
                [
                    {
                        "day": day,
                        "mill_id": mill,
                        "position_id": pid,
                        "tonnes": tonnes,
                        "source": source[:300],
                        "imported_at": now,
                        "imported_by": login,
                    }
                    for (day, mill, pid), tonnes in summed.items()
                ],
            )
        codes = {i: c for c, i in mill_ids.items()}
        audits = [
            audit_values(
                now,
                login,
                "replaced" if (day, mill) in before else "created",
                "actuals",
                f"{day.isoformat()} {codes[mill]}",
                {"tonnes": round(before[day, mill], 3)} if (day, mill) in before else None,
                {"tonnes": round(after.get((day, mill), 0.0), 3)},
                source,
            )
            for day, mill in sorted(pairs)
        ]
        if audits:
            self.session.execute(sa.insert(AuditRow), audits)
        positions = frozenset({r.position_id for r in old} | {pid for _, _, pid in summed})
        refresh_produced(self.session, positions)
        return ActualsWrite(
            days=tuple(sorted({d for d, _ in pairs})),
            mills=tuple(sorted({codes[m] for _, m in pairs})),
            replaced=len(old),
            written=len(summed),
            tonnes_before=sum(before.values()),
            tonnes_after=sum(after.values()),
            positions=positions,
        )

    def _rows_of(self, pairs: Collection[tuple[date, int]]) -> list[sa.Row]:
        """Stored rows of the (day, mill id) ``pairs``: day, mill_id, position_id, tonnes."""
        if not pairs:
            return []
        days = {d for d, _ in pairs}
        query = sa.select(ActualRow.day, ActualRow.mill_id, ActualRow.position_id, ActualRow.tonnes).where(
            ActualRow.day >= min(days), ActualRow.day <= max(days)
        )
        return [r for r in self.session.execute(query) if (r.day, r.mill_id) in pairs]

    def between(self, first: date, last: date, *, product_line: str | None = None) -> list[Actual]:
        """Actuals of days ``first`` to ``last`` inclusive (of ``product_line``'s positions
        when given), by day, mill and position."""
        query = (
            select(
                ActualRow.day,
                MillRow.code,
                ActualRow.position_id,
                DealRow.number,
                PositionRow.position_no,
                ActualRow.tonnes,
            )
            .join(MillRow, ActualRow.mill_id == MillRow.id)
            .join(PositionRow, ActualRow.position_id == PositionRow.id)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .where(ActualRow.day >= first, ActualRow.day <= last)
            .order_by(ActualRow.day, MillRow.code, DealRow.number, PositionRow.position_no)
        )
        if product_line is not None:
            query = query.where(PositionRow.product_line == product_line)
        return [
            Actual(day, code, pid, position_ref(deal, no), tonnes)
            for day, code, pid, deal, no, tonnes in self.session.exec(query)
        ]

    def days(self, first: date, last: date, *, mill_codes: Collection[str] | None = None) -> set[date]:
        """Days from ``first`` to ``last`` with any actuals stored (of ``mill_codes`` when given)."""
        query = select(ActualRow.day).distinct().where(ActualRow.day >= first, ActualRow.day <= last)
        if mill_codes is not None:
            query = query.join(MillRow, ActualRow.mill_id == MillRow.id).where(MillRow.code.in_(list(mill_codes)))
        return set(self.session.exec(query))

    def made_span(self) -> dict[int, tuple[date, date]]:
        """First and last day anything was made, by position id (positions with actuals)."""
        query = select(ActualRow.position_id, sa.func.min(ActualRow.day), sa.func.max(ActualRow.day)).group_by(
            ActualRow.position_id
        )
        return {pid: (first, last) for pid, first, last in self.session.exec(query)}
