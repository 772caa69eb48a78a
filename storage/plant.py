"""Plant rows: mills with their capacity calendar and productivity norms, customers,
deals and their positions. Every write is audited in the same transaction."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.plant import Plant
from millplan.core.domain.portfolio import Deal, DealStatus, Position, position_ref
from millplan.core.domain.upserts import StoredChange, UpsertCounts
from millplan.storage import convert
from millplan.storage.actuals import refresh_produced
from millplan.storage.audit import AuditRepository
from millplan.storage.tables import CapacityRow, CustomerRow, DealRow, MillRow, NormRow, PositionRow, utcnow
from millplan.storage.upsert import upsert_all


def _cost(value: Any) -> Decimal | None:
    """A conversion cost compared as money (the store may hand back more decimals)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _band(norm: NormRow | dict[str, float]) -> tuple[float, float, float, float]:
    """OD × wall bounds (mm) that identify a productivity norm of a mill."""
    get = norm.get if isinstance(norm, dict) else lambda key: getattr(norm, key)
    return (get("od_min_mm"), get("od_max_mm"), get("wall_min_mm"), get("wall_max_mm"))


@dataclass(frozen=True)
class PortfolioWrite:
    """What :meth:`PlantRepository.upsert_portfolio` wrote: rows created / updated / unchanged
    per kind (``customers``, ``deals``, ``positions``), and the watched fields it changed."""

    counts: dict[str, UpsertCounts]
    changes: list[StoredChange]


_IN_LIST = 500
"""Position ids named in one query at most; more are picked from the rows read."""


class PlantRepository:
    """Mills, capacity, norms, customers, deals and positions on one unit of work's session."""

    def __init__(self, session: Session, audit: AuditRepository) -> None:
        self.session = session
        self.audit = audit

    # -- plant ---------------------------------------------------------------------------

    def whole(self) -> Plant:
        """All mills with their capacity calendar and productivity norms."""
        mills = self.session.exec(select(MillRow).order_by(MillRow.product_line, MillRow.code)).all()
        codes = {m.id: m.code for m in mills}
        capacity = {(codes[c.mill_id], Month.parse(c.month)): c.hours for c in self.session.exec(select(CapacityRow))}
        norms: dict[str, list] = {}
        for n in self.session.exec(select(NormRow).order_by(NormRow.id)):
            norms.setdefault(codes[n.mill_id], []).append(convert.norm(n, codes[n.mill_id]))
        return Plant(
            tuple(convert.mill(m) for m in mills),
            capacity,
            {code: tuple(items) for code, items in norms.items()},
        )

    def upsert_mills(self, records: Sequence[dict[str, Any]], login: str, source: str) -> UpsertCounts:
        """Create or update mills by ``code``; each record holds :class:`MillRow` fields."""
        index = {m.code: m for m in self.session.exec(select(MillRow))}
        return upsert_all(
            self.session,
            MillRow,
            index,
            ((r["code"], r["code"], r) for r in records),
            login=login,
            object_type="mill",
            reason=source,
        )

    def upsert_capacity(self, records: Sequence[tuple[str, Month, float]], login: str, source: str) -> UpsertCounts:
        """Set available hours (h) of ``(mill code, month)``; the mills must exist (an unknown
        code raises :class:`KeyError`)."""
        ids = {m.code: m.id for m in self.session.exec(select(MillRow))}
        index = {(c.mill_id, c.month): c for c in self.session.exec(select(CapacityRow))}
        items = (
            ((ids[code], str(month)), f"{code}/{month}", {"mill_id": ids[code], "month": str(month), "hours": hours})
            for code, month, hours in records
        )
        return upsert_all(self.session, CapacityRow, index, items, login=login, object_type="capacity", reason=source)

    def set_norms(
        self, norms: dict[str, list[dict[str, float]]], login: str, source: str, *, whole: set[str] = frozenset()
    ) -> UpsertCounts:
        """Write productivity norms by mill code, counting bands created, updated, unchanged.

        A band is identified by its OD × wall bounds. For mills in ``whole`` the bands given
        are the mill's whole table (bands not given are dropped: the file is the mill's full
        record); for the others each band is added or its t/h updated and the rest kept (a
        rejects file or a norms-only sheet carries a few bands, not the table).
        """
        ids = {m.code: m.id for m in self.session.exec(select(MillRow))}
        created = updated = unchanged = 0
        for code, bands in norms.items():
            stored = {_band(n): n for n in self.session.exec(select(NormRow).where(NormRow.mill_id == ids[code]))}
            before = {band: n.tonnes_per_hour for band, n in stored.items()}
            for b in bands:
                band = _band(b)
                row = stored.pop(band, None)
                if row is None:
                    self.session.add(NormRow(mill_id=ids[code], **b))
                    created += 1
                elif row.tonnes_per_hour != b["tonnes_per_hour"] or _cost(row.conversion_cost) != _cost(
                    b.get("conversion_cost")
                ):
                    row.tonnes_per_hour = b["tonnes_per_hour"]
                    row.conversion_cost = b.get("conversion_cost")
                    updated += 1
                else:
                    unchanged += 1
            if code in whole:
                for row in stored.values():
                    self.session.delete(row)
            after = {band: b["tonnes_per_hour"] for b in bands for band in [_band(b)]}
            if code not in whole:
                after = {**before, **after}
            if after != before:
                self.audit.write(
                    login,
                    "updated",
                    "norms",
                    code,
                    {"norms": [[*k, v] for k, v in sorted(before.items())]},
                    {"norms": [[*k, v] for k, v in sorted(after.items())]},
                    source,
                )
        self.session.flush()
        return UpsertCounts(created, updated, unchanged)

    def mill_codes(self) -> set[str]:
        """Codes of every stored mill."""
        return set(self.session.exec(select(MillRow.code)))

    # -- portfolio -----------------------------------------------------------------------

    def deal_states(self) -> dict[str, tuple[DealStatus, datetime | None, str | None]]:
        """Status, accepted-at and accepted-by of every stored deal, by number."""
        rows = self.session.exec(select(DealRow.number, DealRow.status, DealRow.accepted_at, DealRow.accepted_by))
        return {number: (DealStatus(status), at, by) for number, status, at, by in rows}

    def upsert_portfolio(
        self,
        customers: dict[str, bool | None],
        deals: Sequence[dict[str, Any]],
        positions: Sequence[dict[str, Any]],
        login: str,
        source: str,
        *,
        watch: Collection[str] = (),
    ) -> PortfolioWrite:
        """Create or update customers (name → key flag; ``None`` keeps a stored flag), deals
        by ``number`` and positions by ``(deal number, position_no)``; fields a record
        leaves out keep their stored value (or the column default for a new row).

        Deal records carry ``customer`` (name) instead of ``customer_id``; position records
        carry ``deal_number`` instead of ``deal_id``. Returns counts per kind and the
        changes of the fields in ``watch`` on rows already stored (read from the rows the
        update loads anyway: no second pass over the order book).
        """
        changed: list[StoredChange] = []
        customer_counts = upsert_all(
            self.session,
            CustomerRow,
            {c.name: c for c in self.session.exec(select(CustomerRow))},
            (
                (name, name, {"name": name} if key is None else {"name": name, "is_key_account": key})
                for name, key in customers.items()
            ),
            login=login,
            object_type="customer",
            reason=source,
            watch=watch,
            changed=changed,
        )
        customer_ids = {c.name: c.id for c in self.session.exec(select(CustomerRow))}
        deal_counts = upsert_all(
            self.session,
            DealRow,
            {d.number: d for d in self.session.exec(select(DealRow))},
            (
                (
                    r["number"],
                    r["number"],
                    {**{k: v for k, v in r.items() if k != "customer"}, "customer_id": customer_ids[r["customer"]]},
                )
                for r in deals
            ),
            login=login,
            object_type="deal",
            reason=source,
            watch=watch,
            changed=changed,
        )
        deal_ids = {d.number: d.id for d in self.session.exec(select(DealRow))}
        position_counts = upsert_all(
            self.session,
            PositionRow,
            {(p.deal_id, p.position_no): p for p in self.session.exec(select(PositionRow))},
            (
                (
                    (deal_ids[r["deal_number"]], r["position_no"]),
                    f"{r['deal_number']}#{r['position_no']}",
                    {**{k: v for k, v in r.items() if k != "deal_number"}, "deal_id": deal_ids[r["deal_number"]]},
                )
                for r in positions
            ),
            login=login,
            object_type="position",
            reason=source,
            watch=watch,
            changed=changed,
        )
        refresh_produced(self.session)  # a new opening balance: produced = opening + actuals
        return PortfolioWrite(
            {"customers": customer_counts, "deals": deal_counts, "positions": position_counts}, changed
        )

    # -- deals ---------------------------------------------------------------------------

    def deals(self, status: DealStatus | None = None) -> list[Deal]:
        """Deals with their customer, by number; only those in ``status`` if given."""
        query = select(DealRow, CustomerRow).join(CustomerRow).order_by(DealRow.number)
        if status is not None:
            query = query.where(DealRow.status == status.value)
        return [convert.deal(d, c) for d, c in self.session.exec(query)]

    def deal(self, number: str) -> Deal:
        """One deal by number; raises :class:`NotFound` if it is not stored."""
        return convert.deal(*self._deal_rows(number))

    def _deal_rows(self, number: str) -> tuple[DealRow, CustomerRow]:
        """The deal's row and its customer's; raises :class:`NotFound` if it is not stored."""
        found = self.session.exec(
            select(DealRow, CustomerRow).join(CustomerRow).where(DealRow.number == number)
        ).first()
        if found is None:
            raise NotFound(_("deal {number} is not in the store").format(number=number))
        return found

    def set_deal_status(
        self,
        number: str,
        status: DealStatus,
        login: str,
        *,
        at: datetime | None = None,
        reason: str | None = None,
    ) -> Deal:
        """Move a deal to ``status``; acceptance records when and by whom, rejection why.
        Raises :class:`NotFound` for an unknown number."""
        row, customer = self._deal_rows(number)
        before = {"status": row.status, "accepted_at": row.accepted_at, "accepted_by": row.accepted_by}
        row.status = status.value
        if status is DealStatus.ACCEPTED:
            row.accepted_at, row.accepted_by, row.rejection_reason = at or utcnow(), login, None
        elif status is DealStatus.REJECTED:
            row.rejection_reason = reason
        row.version += 1
        after = {"status": row.status, "accepted_at": row.accepted_at, "accepted_by": row.accepted_by}
        self.audit.write(login, status.value, "deal", number, before, after, reason)
        self.session.flush()
        return convert.deal(row, customer)

    # -- positions -----------------------------------------------------------------------

    def positions(
        self,
        *,
        deal_status: DealStatus | None = None,
        product_line: str | None = None,
        due_by: Month | None = None,
        open_only: bool = False,
        deal_number: str | None = None,
        ids: Iterable[int] | None = None,
    ) -> list[Position]:
        """Positions with their deal and customer, filtered; ``open_only`` keeps those with
        tonnes left to make; ``due_by`` keeps those requested no later than that month;
        ``ids`` those ids (any number: a long list is picked from the rows read)."""
        query = (
            sa.select(*convert.POSITION_COLUMNS)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
            .order_by(DealRow.number, PositionRow.position_no)
        )
        if deal_status is not None:
            query = query.where(DealRow.status == deal_status.value)
        if product_line is not None:
            query = query.where(PositionRow.product_line == product_line)
        if due_by is not None:
            query = query.where(PositionRow.requested_month <= str(due_by))
        if open_only:
            query = query.where(
                PositionRow.tonnes_ordered > PositionRow.tonnes_produced + PositionRow.tonnes_cancelled,
                PositionRow.completed_at.is_(None),
            )
        if deal_number is not None:
            query = query.where(DealRow.number == deal_number)
        wanted = None if ids is None else set(ids)
        if wanted is not None and len(wanted) <= _IN_LIST:
            query = query.where(PositionRow.id.in_(list(wanted)))
        # many ids: read with the other filters and pick (a statement may not name tens of thousands);
        # on the session's connection: rows of plain columns need none of the ORM's work
        return [
            convert.position(row)
            for row in self.session.connection().execute(query)
            if wanted is None or len(wanted) <= _IN_LIST or row.id in wanted
        ]

    def position_lines(self) -> set[str]:
        """The product lines the stored positions name (a line may have positions and no mill)."""
        return set(self.session.exec(select(PositionRow.product_line).distinct()))

    def position(self, deal_number: str, position_no: int) -> Position:
        """Position ``deal_number#position_no``; raises :class:`NotFound` if it is not stored."""
        found = [p for p in self.positions(deal_number=deal_number) if p.position_no == position_no]
        if not found:
            raise NotFound(
                _("position {position} is not in the store").format(position=position_ref(deal_number, position_no))
            )
        return found[0]
