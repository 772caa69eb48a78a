"""The portfolio: customers' deals and their positions, and a position's reference ``deal#no``.

Names follow the glossary of DESIGN.md. Units: tonnes (t), millimetres (mm), metres (m),
roubles per tonne (RUB/t); money is ``Decimal``; months are
:class:`~millplan.core.domain.months.Month`; times are timezone-aware UTC.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month


class DealStatus(str, enum.Enum):
    """Where a deal stands with the plant; only ``accepted`` deals are planned."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Deal:
    """A sales contract of one customer, owned by one sales manager."""

    id: int
    number: str
    customer: str
    is_key_account: bool
    sales_manager: str
    status: DealStatus
    accepted_at: datetime | None = None
    accepted_by: str | None = None
    rejection_reason: str | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class Position:
    """One line of a deal: a pipe product, its tonnes, price and requested month.

    ``price`` and ``metal_cost`` are RUB/t; tonnes are t; OD, wall in mm; length in m.
    ``manual_priority`` is 1 (highest) to 3, or ``None``.

    Produced tonnes have one source (DESIGN.md, "The month's loop"): ``tonnes_produced`` is
    ``tonnes_opening`` (the portfolio's produced figure at cut-over) plus the sum of the
    daily actuals. ``tonnes_cancelled`` is a remainder cancelled in the stale-deal ledger
    (kept on record, no longer to make); ``completed`` marks a position closed as complete.
    """

    id: int
    deal_number: str
    position_no: int
    customer: str
    is_key_account: bool
    sales_manager: str
    deal_status: DealStatus
    product_line: str
    pipe_type: str
    od_mm: float
    wall_mm: float
    steel_grade: str
    standard: str
    length_m: float | None
    tonnes_ordered: float
    tonnes_produced: float
    price: Decimal
    metal_cost: Decimal
    requested_month: Month
    manual_priority: int | None = None
    note: str | None = None
    tonnes_opening: float = 0.0
    tonnes_cancelled: float = 0.0
    completed: bool = False

    @property
    def ref(self) -> str:
        """Human reference ``deal#position``, e.g. ``С-26/2601#3``."""
        return position_ref(self.deal_number, self.position_no)

    @property
    def remaining_tonnes(self) -> float:
        """Ordered less produced and cancelled, never negative (overproduction closes a
        position); none once the position is closed as complete."""
        if self.completed:
            return 0.0
        return max(0.0, self.tonnes_ordered - self.tonnes_produced - self.tonnes_cancelled)


def position_ref(deal_number: str, position_no: int) -> str:
    """A position's reference ``deal#position`` (``С-26/2601#3``); see :func:`parse_position_ref`."""
    return f"{deal_number}#{position_no}"


def parse_position_ref(ref: str) -> tuple[str, int]:
    """Split ``С-26/2601#3`` into ``("С-26/2601", 3)``; raises :class:`InvalidInput` otherwise."""
    deal, sep, number = ref.rpartition("#")
    if not sep or not deal.strip() or not number.strip().isdigit():
        raise InvalidInput(
            _("{ref!r} is not a position reference like 'С-26/2601#3' (deal number, #, position number)").format(
                ref=ref
            )
        )
    return deal.strip(), int(number)
