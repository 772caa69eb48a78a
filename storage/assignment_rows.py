"""What a revision holds — its lines, exclusions, later months' forecast lines and shadow
prices — read into an :class:`~millplan.core.domain.assignment.Assignment`, written in bulk,
copied to the next revision and cleared for a re-plan."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, select

from millplan.core.domain.assignment import Assignment, AssignmentLine, Exclusion, HorizonPlan
from millplan.core.domain.months import Month
from millplan.core.domain.stored_text import to_json
from millplan.storage import convert
from millplan.storage.closes import carried_into
from millplan.storage.tables import (
    AssignmentLineRow,
    AssignmentRow,
    CustomerRow,
    DealRow,
    ExclusionRow,
    ForecastLineRow,
    MillRow,
    PositionRow,
    ShadowPriceRow,
)

CONTENTS = (AssignmentLineRow, ExclusionRow, ForecastLineRow, ShadowPriceRow)
"""The tables holding a revision's contents, each keyed by ``assignment_id``."""


def _with_position(table: type[AssignmentLineRow] | type[ForecastLineRow], assignment_id: int) -> sa.Select:
    """Flat rows of ``table`` in revision ``assignment_id``, each with its position's number,
    deal number and key-account flag (:func:`convert.with_position`)."""
    return (
        sa.select(*convert.with_position(table))
        .join(PositionRow, table.position_id == PositionRow.id)
        .join(DealRow, PositionRow.deal_id == DealRow.id)
        .join(CustomerRow, DealRow.customer_id == CustomerRow.id)
        .where(table.assignment_id == assignment_id)
    )


def load(session: Session, row: AssignmentRow) -> Assignment:
    """The revision ``row`` with everything it holds, as a domain object."""
    codes = {m.id: m.code for m in session.exec(select(MillRow))}
    connection = session.connection()  # rows of plain columns need none of the ORM's work
    lines = connection.execute(
        _with_position(AssignmentLineRow, row.id).order_by(
            AssignmentLineRow.mill_id, DealRow.number, PositionRow.position_no
        )
    ).all()
    exclusions = session.exec(
        select(ExclusionRow, PositionRow, DealRow)
        .join(PositionRow, ExclusionRow.position_id == PositionRow.id)
        .join(DealRow, PositionRow.deal_id == DealRow.id)
        .where(ExclusionRow.assignment_id == row.id)
        .order_by(DealRow.number, PositionRow.position_no)
    ).all()
    forecast = connection.execute(
        _with_position(ForecastLineRow, row.id).order_by(
            ForecastLineRow.month, ForecastLineRow.mill_id, DealRow.number, PositionRow.position_no
        )
    ).all()
    prices = session.exec(
        select(ShadowPriceRow)
        .where(ShadowPriceRow.assignment_id == row.id)
        .order_by(ShadowPriceRow.month, ShadowPriceRow.mill_id)
    ).all()
    return convert.assignment(
        row,
        tuple(convert.line(l, codes) for l in lines),
        tuple(convert.exclusion(e, convert.ref_of(p, d), codes.get(e.mill_id)) for e, p, d in exclusions),
        tuple(convert.forecast_line(f, codes) for f in forecast),
        tuple(convert.shadow_price(r, codes[r.mill_id]) for r in prices),
        frozenset(carried_into(session, Month.parse(row.month), row.product_line)),
    )


def insert(
    session: Session,
    assignment_id: int,
    mill_ids: dict[str, int],
    lines: Sequence[AssignmentLine],
    exclusions: Sequence[Exclusion],
    horizon: HorizonPlan,
) -> None:
    """Write a plan's lines, exclusions, forecast lines and shadow prices to the revision
    ``assignment_id``; ``mill_ids`` maps mill codes to row ids."""
    if lines:
        session.execute(
            sa.insert(AssignmentLineRow),
            [
                {
                    "assignment_id": assignment_id,
                    "position_id": l.position_id,
                    "mill_id": mill_ids[l.mill_code],
                    "tonnes": l.tonnes,
                    "hours": l.hours,
                    "marginal_income": l.marginal_income,
                    "locked": l.locked,
                    "tonnes_made": l.tonnes_made,
                }
                for l in lines
            ],
        )
    if exclusions:
        session.execute(
            sa.insert(ExclusionRow),
            [
                {
                    "assignment_id": assignment_id,
                    "position_id": e.position_id,
                    "tonnes_left_out": e.tonnes_left_out,
                    "reason_code": e.reason_code,
                    "reason": e.reason,
                    "manual": e.manual,
                    "mill_id": mill_ids.get(e.mill_code) if e.mill_code else None,
                    "month": str(e.month) if e.month else None,
                    "shadow_price": e.shadow_price,
                    "earns_per_hour": e.earns_per_hour,
                    "texts": None if e.said is None else {"reason": to_json(e.said)},
                }
                for e in exclusions
            ],
        )
    if horizon.forecast:
        session.execute(
            sa.insert(ForecastLineRow),
            [
                {
                    "assignment_id": assignment_id,
                    "position_id": f.position_id,
                    "mill_id": mill_ids[f.mill_code],
                    "month": str(f.month),
                    "tonnes": f.tonnes,
                    "hours": f.hours,
                    "marginal_income": f.marginal_income,
                }
                for f in horizon.forecast
            ],
        )
    if horizon.prices:
        session.execute(
            sa.insert(ShadowPriceRow),
            [
                {
                    "assignment_id": assignment_id,
                    "mill_id": mill_ids[p.mill_code],
                    "month": str(p.month),
                    "rub_per_hour": p.rub_per_hour,
                }
                for p in horizon.prices
            ],
        )


def clear(session: Session, assignment_id: int) -> None:
    """Delete everything the revision holds (a re-plan writes it anew)."""
    for table in CONTENTS:
        session.exec(sa.delete(table).where(table.assignment_id == assignment_id))


def copy(session: Session, from_id: int, to_id: int) -> None:
    """Copy what revision ``from_id`` holds to revision ``to_id``, inside the database."""
    for table in CONTENTS:
        columns = [c for c in table.__table__.columns if c.name not in ("id", "assignment_id")]
        session.execute(
            sa.insert(table).from_select(
                ["assignment_id", *(c.name for c in columns)],
                sa.select(sa.literal(to_id), *columns).where(table.assignment_id == from_id),
            )
        )
