"""Plain domain objects: what leaves the store and what the fronts show.

Names follow the glossary of DESIGN.md. Units: tonnes (t), millimetres (mm), hours (h),
roubles (RUB); money is ``Decimal``; months are :class:`~millplan.core.domain.months.Month`; times are
timezone-aware UTC.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.months import Month


class Role(str, enum.Enum):
    """A user's role (DESIGN.md, "Roles")."""

    SALES_MANAGER = "sales_manager"
    LINE_MANAGER = "line_manager"
    PLANNER = "planner"
    DIRECTOR = "director"
    ADMIN = "admin"


class DealStatus(str, enum.Enum):
    """Where a deal stands with the plant; only ``accepted`` deals are planned."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class AssignmentState(str, enum.Enum):
    """Life-cycle state of one revision of a month's assignment (DESIGN.md):
    ``draft → in_review → approved``; a change after approval opens the next revision in
    ``re_approval`` (edited like a draft, then submitted for review again) while the
    approved one stays in force. Only ``approved`` is frozen."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RE_APPROVAL = "re_approval"

    @property
    def editable(self) -> bool:
        """A revision in this state may be re-planned and edited (never an approved one)."""
        return self is not AssignmentState.APPROVED


@dataclass(frozen=True, slots=True)
class User:
    """A person millplan knows: OS ``login``, ``name`` as the portfolio writes it (a sales
    manager's deals carry it), role, the product lines he owns (a product-line manager),
    e-mail for notifications, and the row's ``version``."""

    login: str
    name: str
    role: Role
    lines: tuple[str, ...] = ()
    email: str | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class Mill:
    """A pipe mill: what sizes, grades and standards it can make, and at what cost.

    ``speed_m_per_h`` (m/h) gives productivity where no norm matches; ``nominal_hours``
    (h/month) is the capacity of a month the calendar does not list;
    ``conversion_cost`` (RUB/t) is the mill's variable conversion cost.
    """

    id: int
    code: str
    name: str
    shop: str
    product_line: str
    product_type: str
    od_min_mm: float
    od_max_mm: float
    wall_min_mm: float
    wall_max_mm: float
    steel_grades: tuple[str, ...]
    standards: tuple[str, ...]
    speed_m_per_h: float
    nominal_hours: float
    conversion_cost: Decimal


@dataclass(frozen=True, slots=True)
class ProductivityNorm:
    """Tonnes per hour a mill makes in one OD band × wall band (bounds inclusive, mm), and
    the conversion cost (RUB/t) of that size band where the norms table gives one
    (``None``: the mill's own)."""

    mill_code: str
    od_min_mm: float
    od_max_mm: float
    wall_min_mm: float
    wall_max_mm: float
    tonnes_per_hour: float
    conversion_cost: Decimal | None = None

    def covers(self, od_mm: float, wall_mm: float) -> bool:
        return self.od_min_mm <= od_mm <= self.od_max_mm and self.wall_min_mm <= wall_mm <= self.wall_max_mm


@dataclass(frozen=True, slots=True)
class Plant:
    """Mills with their capacity calendar (h per month) and productivity norms."""

    mills: tuple[Mill, ...]
    capacity: dict[tuple[str, Month], float] = field(default_factory=dict)
    norms: dict[str, tuple[ProductivityNorm, ...]] = field(default_factory=dict)

    def mill(self, code: str) -> Mill:
        for mill in self.mills:
            if mill.code == code:
                return mill
        raise KeyError(code)

    def hours(self, mill: Mill, month: Month) -> float:
        """Available hours of ``mill`` in ``month``: the calendar's, else the nominal fund."""
        return self.capacity.get((mill.code, month), mill.nominal_hours)

    @property
    def product_lines(self) -> list[str]:
        return sorted({m.product_line for m in self.mills})


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

    @property
    def ref(self) -> str:
        """Human reference ``deal#position``, e.g. ``С-26/2601#3``."""
        return position_ref(self.deal_number, self.position_no)

    @property
    def remaining_tonnes(self) -> float:
        """Ordered less produced, never negative (overproduction closes a position)."""
        return max(0.0, self.tonnes_ordered - self.tonnes_produced)


def position_ref(deal_number: str, position_no: int) -> str:
    return f"{deal_number}#{position_no}"


def parse_position_ref(ref: str) -> tuple[str, int]:
    """Split ``С-26/2601#3`` into ``("С-26/2601", 3)``; raises :class:`InvalidInput` otherwise."""
    deal, sep, number = ref.rpartition("#")
    if not sep or not deal.strip() or not number.strip().isdigit():
        raise InvalidInput(f"{ref!r} is not a position reference like 'С-26/2601#3' (deal number, #, position number)")
    return deal.strip(), int(number)


@dataclass(frozen=True, slots=True)
class AssignmentLine:
    """Tonnes of one position on one mill; ``marginal_income`` in RUB for those tonnes."""

    position_id: int
    position_ref: str
    mill_code: str
    tonnes: float
    hours: float
    marginal_income: Decimal
    locked: bool = False
    is_key_account: bool = False


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A position left out of the assignment (wholly or ``tonnes_left_out`` of it) and why.

    ``reason_code`` is stable for scripts (``no_compatible_mill``, ``capacity_key_accounts``,
    ``capacity_better_paying``, ``negative_margin``, ``no_hours``, ``manual``, and from the
    horizon plan ``late``, ``min_lot``, ``whole``, ``reserved``, ``stability``, ``locked``);
    ``reason`` is the sentence a planner reads. ``mill_code`` and ``month`` name the binding
    mill-month, ``shadow_price`` what an hour of it is worth at the margin and
    ``earns_per_hour`` what the position earns per hour there (RUB/h), where known.
    """

    position_id: int
    position_ref: str
    tonnes_left_out: float
    reason_code: str
    reason: str
    manual: bool = False
    mill_code: str | None = None
    month: Month | None = None
    shadow_price: Decimal | None = None
    earns_per_hour: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ForecastLine:
    """Tonnes of one position on one mill in a later month of a plan's horizon: not an
    assignment (nothing is approved for that month by it), but the load the plan expects
    there. ``marginal_income`` RUB for those tonnes."""

    position_id: int
    position_ref: str
    mill_code: str
    month: Month
    tonnes: float
    hours: float
    marginal_income: Decimal
    is_key_account: bool = False


@dataclass(frozen=True, slots=True)
class ShadowPrice:
    """What one more hour of a mill in a month would add to the plan's marginal income
    (less penalties), RUB per mill-hour: 0 where the mill has hours to spare."""

    mill_code: str
    month: Month
    rub_per_hour: Decimal


@dataclass(frozen=True, slots=True)
class HorizonPlan:
    """What a horizon plan adds to the draft it saves: the options planned with (as
    :meth:`millplan.core.planning.options.PlanOptions.as_dict`), the solver's relative gap, the lines moved
    against the approved revision, the later months' lines and the shadow prices."""

    options: dict | None = None
    gap: float | None = None
    moved_lines: int | None = None
    forecast: tuple[ForecastLine, ...] = ()
    prices: tuple[ShadowPrice, ...] = ()


@dataclass(frozen=True, slots=True)
class MillLoad:
    """Hours of one mill in one month: available, booked, and load = booked / available."""

    mill_code: str
    month: Month
    available_hours: float
    booked_hours: float

    @property
    def load(self) -> float | None:
        """Booked / available as a fraction (1.0 = full); ``None`` when no hours are available."""
        if self.available_hours <= 0:
            return None
        return self.booked_hours / self.available_hours


@dataclass(frozen=True, slots=True)
class Assignment:
    """One revision of a month's production assignment for one product line."""

    id: int
    month: Month
    product_line: str
    revision: int
    state: AssignmentState
    created_at: datetime
    created_by: str
    approved_at: datetime | None
    approved_by: str | None
    solver_status: str | None
    solver_name: str | None
    solve_seconds: float | None
    lines: tuple[AssignmentLine, ...]
    exclusions: tuple[Exclusion, ...]
    mill_hours: dict[str, float]
    version: int = 1
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    stale: bool = False
    stale_reason: str | None = None
    needs_director: bool = False
    approval_reason: str | None = None
    # the horizon plan behind the revision: its options (millplan.core.planning.options.PlanOptions as a
    # dict), the solver's gap (fraction), lines moved against the approved revision, the
    # later months' lines and the shadow price of every mill-month
    options: dict | None = None
    gap: float | None = None
    moved_lines: int | None = None
    forecast: tuple[ForecastLine, ...] = ()
    shadow_prices: tuple[ShadowPrice, ...] = ()

    @property
    def key(self) -> str:
        """The revision's object key in the audit log, ``YYYY-MM/LINE/rN``."""
        return f"{self.month}/{self.product_line}/r{self.revision}"

    @property
    def tonnes(self) -> float:
        return sum(line.tonnes for line in self.lines)

    @property
    def key_account_tonnes(self) -> float:
        return sum(line.tonnes for line in self.lines if line.is_key_account)

    @property
    def marginal_income(self) -> Decimal:
        return sum((line.marginal_income for line in self.lines), Decimal(0))

    @property
    def mill_loads(self) -> list[MillLoad]:
        """Load of every mill of the line in the assignment's month."""
        booked: dict[str, float] = {}
        for line in self.lines:
            booked[line.mill_code] = booked.get(line.mill_code, 0.0) + line.hours
        return [
            MillLoad(code, self.month, hours, booked.get(code, 0.0)) for code, hours in sorted(self.mill_hours.items())
        ]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what to which object, when, and why."""

    at: datetime
    login: str
    action: str
    object_type: str
    object_key: str
    before: dict | None
    after: dict | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A field an import's write changed on a stored row: the kind of object
    (``customer``, ``deal``, ``position``, …), its key as audited (name, number,
    ``DEAL#NO``), the field and its value before and after (as stored: t, h, flags,
    UTC times, priorities; ``None`` for none)."""

    object_type: str
    object_key: str
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """Rows an import created, updated and found unchanged, for one kind of object."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged
        )
