"""A month's production assignment of a product line: its revisions and their states, the
lines (tonnes of a position on a mill), the exclusions and why, the horizon plan behind it
(later months' lines, shadow prices) and the mills' load.

Units: tonnes (t), hours (h), roubles (RUB, RUB/h); money is ``Decimal``; months are
:class:`~millplan.core.domain.months.Month`; times are timezone-aware UTC. The rules that move
a revision from state to state are :mod:`millplan.core.domain.revision`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from millplan.core.domain.months import Month
from millplan.core.domain.stored_text import Text


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
class AssignmentLine:
    """Tonnes of one position on one mill; ``marginal_income`` in RUB for those tonnes.

    ``tonnes_made`` (t, part of ``tonnes``) were already made in the month when a month in
    progress was re-planned: the line keeps them as made.
    """

    position_id: int
    position_ref: str
    mill_code: str
    tonnes: float
    hours: float
    marginal_income: Decimal
    locked: bool = False
    is_key_account: bool = False
    tonnes_made: float = 0.0


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A position left out of the assignment (wholly or ``tonnes_left_out`` of it) and why.

    ``reason_code`` is stable for scripts (``no_compatible_mill``, ``capacity_key_accounts``,
    ``capacity_better_paying``, ``negative_margin``, ``no_hours``, ``manual``, and from the
    horizon plan ``late``, ``min_lot``, ``whole``, ``reserved``, ``stability``, ``locked``);
    ``reason`` is the sentence a planner reads; ``said`` the same reason as the message
    the store keeps to say it in each reader's language (``None`` when it was typed; read from
    the store, ``reason`` is already said in the reader's language and ``said`` is the stored
    message, carried into the next revision by a re-plan). ``mill_code``
    and ``month`` name the binding mill-month, ``shadow_price`` what an hour of it is worth at
    the margin and ``earns_per_hour`` what the position earns per hour there (RUB/h), where known.
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
    said: Text | None = field(default=None, compare=False)


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
    # positions carried over into this month: planned in the line's previous month and not
    # made there, once that month is closed (read from the close, DESIGN.md "The month's loop")
    carried_over: frozenset[int] = frozenset()

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
