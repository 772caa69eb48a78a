"""Closed months by product line, with their frozen plan-vs-actual figures and carry-over."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from millplan.core.domain.actuals import CarryOver, MonthClose
from millplan.core.domain.errors import ChangedMeanwhile
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.storage import convert
from millplan.storage.audit import AuditRepository
from millplan.storage.tables import CarryOverRow, DealRow, MonthCloseRow, PositionRow


def carried_into(session: Session, month: Month, product_line: str) -> dict[int, float]:
    """Position id → t carried over into ``month``: the carry-over of ``product_line``'s
    previous month, once that month is closed (empty while it is not)."""
    query = (
        select(CarryOverRow.position_id, CarryOverRow.tonnes)
        .join(MonthCloseRow, CarryOverRow.close_id == MonthCloseRow.id)
        .where(MonthCloseRow.month == str(month - 1), MonthCloseRow.product_line == product_line)
    )
    return dict(session.exec(query).all())


class CloseRepository:
    """Month closes on one unit of work's session."""

    def __init__(self, session: Session, audit: AuditRepository) -> None:
        self.session = session
        self.audit = audit

    def close(
        self,
        month: Month,
        product_line: str,
        login: str,
        *,
        figures: dict[str, Any],
        carry_over: Mapping[int, float],
        incomplete: bool = False,
        reason: str | None = None,
    ) -> MonthClose:
        """Close ``month`` for ``product_line`` with its frozen ``figures`` and the carry-over
        (position id → t); audited. Raises :class:`ChangedMeanwhile` if it is already
        closed (the service checks first; two closing at once meet here)."""
        row = MonthCloseRow(
            month=str(month),
            product_line=product_line,
            closed_by=login,
            incomplete=incomplete,
            reason=reason,
            figures=figures,
        )
        self.session.add(row)
        try:
            self.session.flush()
        except sa.exc.IntegrityError:
            raise ChangedMeanwhile(
                _(
                    "{month} {line} was closed by someone else meanwhile — see who: millplan month status {month}"
                ).format(month=month, line=product_line)
            ) from None
        if carry_over:
            self.session.execute(
                sa.insert(CarryOverRow),
                [{"close_id": row.id, "position_id": pid, "tonnes": t} for pid, t in carry_over.items()],
            )
        self.audit.write(
            login,
            "closed",
            "month",
            f"{month} {product_line}",
            after={"incomplete": incomplete, "carry_over_t": round(sum(carry_over.values()), 3)},
            reason=reason,
        )
        self.session.flush()
        return self._load(row)

    def closes(self, month: Month | None = None, product_line: str | None = None) -> list[MonthClose]:
        """Closes by month and line; only of ``month`` / ``product_line`` when given."""
        query = select(MonthCloseRow).order_by(MonthCloseRow.month, MonthCloseRow.product_line)
        if month is not None:
            query = query.where(MonthCloseRow.month == str(month))
        if product_line is not None:
            query = query.where(MonthCloseRow.product_line == product_line)
        return [self._load(r) for r in self.session.exec(query)]

    def carried_into(self, month: Month, product_line: str) -> dict[int, float]:
        """Position id → t carried over into ``month`` from the line's closed previous month."""
        return carried_into(self.session, month, product_line)

    def closed_lines(self, month: Month) -> set[str]:
        """Product lines whose ``month`` is closed."""
        return set(self.session.exec(select(MonthCloseRow.product_line).where(MonthCloseRow.month == str(month))))

    def _load(self, row: MonthCloseRow) -> MonthClose:
        query = (
            select(CarryOverRow, PositionRow, DealRow)
            .join(PositionRow, CarryOverRow.position_id == PositionRow.id)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .where(CarryOverRow.close_id == row.id)
            .order_by(DealRow.number, PositionRow.position_no)
        )
        carry = tuple(CarryOver(c.position_id, convert.ref_of(p, d), c.tonnes) for c, p, d in self.session.exec(query))
        return MonthClose(
            Month.parse(row.month),
            row.product_line,
            row.closed_at,
            row.closed_by,
            row.incomplete,
            row.reason,
            row.figures,
            carry,
        )
