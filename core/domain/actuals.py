"""What the mills made: daily actuals, closed months and their carry-over.

Units: tonnes (t); days are plant calendar dates; months are
:class:`~millplan.core.domain.months.Month`; times are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from millplan.core.domain.months import Month


@dataclass(frozen=True, slots=True)
class Actual:
    """``tonnes`` t of position ``position_ref`` made on ``mill_code`` on ``day``."""

    day: date
    mill_code: str
    position_id: int
    position_ref: str
    tonnes: float


@dataclass(frozen=True, slots=True)
class ActualRecord:
    """One row of actuals to store: ``tonnes`` t of position ``position_id`` on ``mill_code``
    on ``day`` (rows of one day, mill and position are summed before they are stored)."""

    day: date
    mill_code: str
    position_id: int
    tonnes: float


@dataclass(frozen=True, slots=True)
class ActualsWrite:
    """What storing actuals did: ``replaced`` stored rows of the (day, mill) pairs the file
    holds were removed and ``written`` rows stored; tonnes (t) of those pairs before and
    after; ``positions`` ids whose produced tonnes changed."""

    days: tuple[date, ...]
    mills: tuple[str, ...]
    replaced: int
    written: int
    tonnes_before: float
    tonnes_after: float
    positions: frozenset[int]


@dataclass(frozen=True, slots=True)
class CarryOver:
    """``tonnes`` t of position ``position_ref`` planned in a closed month and not made."""

    position_id: int
    position_ref: str
    tonnes: float


@dataclass(frozen=True, slots=True)
class MonthClose:
    """A closed month of one product line: by whom and when, whether actuals were missing
    (``incomplete``, with the ``reason`` given), the plan-vs-actual ``figures`` frozen at the
    close (the ``millplan actuals --json`` document of that line) and the carry-over."""

    month: Month
    product_line: str
    closed_at: datetime
    closed_by: str
    incomplete: bool
    reason: str | None
    figures: dict[str, Any]
    carry_over: tuple[CarryOver, ...] = ()
