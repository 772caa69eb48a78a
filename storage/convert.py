"""Table rows to plain domain objects — the only way data leaves :mod:`storage`."""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import SQLModel

from millplan.core.domain.assignment import (
    Assignment,
    AssignmentLine,
    AssignmentState,
    Exclusion,
    ForecastLine,
    ShadowPrice,
)
from millplan.core.domain.months import Month
from millplan.core.domain.people import Role, User
from millplan.core.domain.plant import Mill, ProductivityNorm
from millplan.core.domain.portfolio import Deal, DealStatus, Position, position_ref
from millplan.core.domain.stored_text import read, shown
from millplan.storage.tables import (
    AssignmentLineRow,
    AssignmentRow,
    CustomerRow,
    DealRow,
    ExclusionRow,
    ForecastLineRow,
    MillRow,
    NormRow,
    PositionRow,
    ShadowPriceRow,
    UserRow,
)


def with_position(table: type[AssignmentLineRow] | type[ForecastLineRow]) -> tuple[Any, ...]:
    """The columns :func:`line` and :func:`forecast_line` read: every one of ``table``, then
    its position's number, deal number and customer's key-account flag, as one flat row
    (tables to join: positions, deals, customers)."""
    return (
        *table.__table__.c,
        PositionRow.__table__.c.position_no,
        DealRow.__table__.c.number.label("deal_number"),
        CustomerRow.__table__.c.is_key_account,
    )


def _picker(table: type[SQLModel], *keys: str) -> operator.itemgetter:
    """Picks ``keys`` from a row of :func:`with_position` ``(table)`` in one call, by position
    (a Row's fields by name cost 20 × a tuple's)."""
    flat = [c.key for c in with_position(table)]
    return operator.itemgetter(*(flat.index(key) for key in keys))


def mill(row: MillRow) -> Mill:
    """A mill: OD and wall bounds in mm, speed in m/h, nominal hours (h), conversion cost RUB/t."""
    return Mill(
        id=row.id,
        code=row.code,
        name=row.name,
        shop=row.shop,
        product_line=row.product_line,
        product_type=row.product_type,
        od_min_mm=row.od_min_mm,
        od_max_mm=row.od_max_mm,
        wall_min_mm=row.wall_min_mm,
        wall_max_mm=row.wall_max_mm,
        steel_grades=tuple(row.steel_grades),
        standards=tuple(row.standards),
        speed_m_per_h=row.speed_m_per_h,
        nominal_hours=row.nominal_hours,
        conversion_cost=Decimal(row.conversion_cost),
    )


def norm(row: NormRow, mill_code: str) -> ProductivityNorm:
    """A productivity norm of mill ``mill_code``: an OD × wall band (mm), its t/h and its own
    conversion cost (RUB/t, ``None`` = the mill's)."""
    return ProductivityNorm(
        mill_code,
        row.od_min_mm,
        row.od_max_mm,
        row.wall_min_mm,
        row.wall_max_mm,
        row.tonnes_per_hour,
        None if row.conversion_cost is None else Decimal(row.conversion_cost),
    )


def user(row: UserRow, lines: tuple[str, ...] = ()) -> User:
    """A user with the product lines he owns (sorted)."""
    return User(row.login, row.name, Role(row.role), tuple(sorted(lines)), row.email, row.version)


def deal(row: DealRow, customer: CustomerRow) -> Deal:
    """A deal with its customer's name and key-account flag."""
    return Deal(
        id=row.id,
        number=row.number,
        customer=customer.name,
        is_key_account=customer.is_key_account,
        sales_manager=row.sales_manager,
        status=DealStatus(row.status),
        accepted_at=row.accepted_at,
        accepted_by=row.accepted_by,
        rejection_reason=row.rejection_reason,
        version=row.version,
    )


@functools.lru_cache(maxsize=4096)  # a book's positions name a few hundred months at most
def _month(text: str) -> Month:
    """:meth:`Month.parse`, remembered: tens of thousands of positions share few months."""
    return Month.parse(text)


POSITION_COLUMNS = (
    *PositionRow.__table__.c,
    DealRow.__table__.c.number.label("deal_number"),
    DealRow.__table__.c.sales_manager,
    DealRow.__table__.c.status.label("deal_status"),
    CustomerRow.__table__.c.name.label("customer"),
    CustomerRow.__table__.c.is_key_account,
)
"""What :func:`position` reads: a position's columns, its deal's and its customer's, as one
flat row (a big read converts faster than from a row per table)."""

_POSITION_KEYS = tuple(c.key for c in POSITION_COLUMNS)


@functools.lru_cache(maxsize=64)  # a handful of states
def _deal_status(text: str) -> DealStatus:
    return DealStatus(text)


def _is_set(value: Any) -> bool:
    return value is not None


_POSITION_FIELDS = [f.name for f in dataclasses.fields(Position)]
# a row's values in Position's order (``completed_at`` for ``completed``), picked by position
# in one call: a Row's fields by name cost 20 × a tuple's
_PICK_POSITION = operator.itemgetter(
    *(_POSITION_KEYS.index("completed_at" if name == "completed" else name) for name in _POSITION_FIELDS)
)
# the values stored otherwise than Position holds them, by their place in Position's order
_POSITION_CONVERSIONS = tuple(
    (_POSITION_FIELDS.index(name), conversion)
    for name, conversion in (
        ("deal_status", _deal_status),
        ("price", Decimal),
        ("metal_cost", Decimal),
        ("requested_month", _month),
        ("completed", _is_set),
    )
)


def position(row: Any) -> Position:
    """A position from a row of :data:`POSITION_COLUMNS` (joined to its deal and customer):
    tonnes ordered and produced (t), price and metal cost (RUB/t)."""
    values = list(_PICK_POSITION(row))
    for at, conversion in _POSITION_CONVERSIONS:
        values[at] = conversion(values[at])
    return Position(*values)


def assignment(
    row: AssignmentRow,
    lines: tuple[AssignmentLine, ...],
    exclusions: tuple[Exclusion, ...],
    forecast: tuple[ForecastLine, ...] = (),
    prices: tuple[ShadowPrice, ...] = (),
    carried_over: frozenset[int] = frozenset(),
) -> Assignment:
    """A revision with its lines, exclusions, forecast, shadow prices and the positions
    carried over into its month; mill hours are the caller's to add."""
    return Assignment(
        id=row.id,
        month=Month.parse(row.month),
        product_line=row.product_line,
        revision=row.revision,
        state=AssignmentState(row.state),
        created_at=row.created_at,
        created_by=row.created_by,
        approved_at=row.approved_at,
        approved_by=row.approved_by,
        solver_status=row.solver_status,
        solver_name=row.solver_name,
        solve_seconds=row.solve_seconds,
        lines=lines,
        exclusions=exclusions,
        mill_hours={},
        version=row.version,
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
        stale=row.stale,
        stale_reason=shown(row.texts, "stale_reason", row.stale_reason),
        needs_director=row.needs_director,
        approval_reason=shown(row.texts, "approval_reason", row.approval_reason),
        options=row.options,
        gap=row.gap,
        moved_lines=row.moved_lines,
        forecast=forecast,
        shadow_prices=prices,
        carried_over=carried_over,
    )


_PICK_LINE = _picker(
    AssignmentLineRow,
    *("position_id", "position_no", "deal_number", "mill_id", "tonnes", "hours", "marginal_income", "locked"),
    *("is_key_account", "tonnes_made"),
)


def line(row: Any, mill_codes: Mapping[int, str]) -> AssignmentLine:
    """A revision's line from a row of :func:`with_position` ``(AssignmentLineRow)``: its
    position's reference, its mill's code (``mill_codes`` by mill id), tonnes (t), hours (h)
    and marginal income (RUB)."""
    position_id, position_no, deal_number, mill_id, tonnes, hours, income, locked, key, made = _PICK_LINE(row)
    return AssignmentLine(
        position_id,
        position_ref(deal_number, position_no),
        mill_codes[mill_id],
        tonnes,
        hours,
        Decimal(income),
        locked,
        key,
        made,
    )


def exclusion(row: ExclusionRow, ref: str, mill_code: str | None) -> Exclusion:
    """Tonnes (t) of position ``ref`` a revision leaves out, with the reason; shadow price and
    earnings in RUB/h where the solver gave them; the reason in the reader's language."""
    reason, said = read(row.texts, "reason", row.reason)
    return Exclusion(
        position_id=row.position_id,
        position_ref=ref,
        tonnes_left_out=row.tonnes_left_out,
        reason_code=row.reason_code,
        reason=reason,
        manual=row.manual,
        mill_code=mill_code,
        month=Month.parse(row.month) if row.month else None,
        shadow_price=None if row.shadow_price is None else Decimal(row.shadow_price),
        earns_per_hour=None if row.earns_per_hour is None else Decimal(row.earns_per_hour),
        said=said,
    )


_PICK_FORECAST = _picker(
    ForecastLineRow,
    *("position_id", "position_no", "deal_number", "mill_id", "month", "tonnes", "hours", "marginal_income"),
    "is_key_account",
)


def forecast_line(row: Any, mill_codes: Mapping[int, str]) -> ForecastLine:
    """A revision's forecast line for a later month from a row of :func:`with_position`
    ``(ForecastLineRow)``: tonnes (t), hours (h), marginal income (RUB)."""
    position_id, position_no, deal_number, mill_id, month, tonnes, hours, income, key = _PICK_FORECAST(row)
    return ForecastLine(
        position_id,
        position_ref(deal_number, position_no),
        mill_codes[mill_id],
        _month(month),
        tonnes,
        hours,
        Decimal(income),
        key,
    )


def shadow_price(row: ShadowPriceRow, mill_code: str) -> ShadowPrice:
    """What one more hour of ``mill_code`` in the row's month is worth (RUB/h)."""
    return ShadowPrice(mill_code, Month.parse(row.month), Decimal(row.rub_per_hour))


def ref_of(position_row: PositionRow, deal_row: DealRow) -> str:
    """A position's reference for people, ``deal number#position no`` (e.g. ``D1#2``)."""
    return position_ref(deal_row.number, position_row.position_no)


def jsonable(value: Any) -> Any:
    """A value as the audit log stores it in JSON: Decimal and times as text, enums by value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Month,)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
