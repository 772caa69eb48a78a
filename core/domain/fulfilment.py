"""Plan against actual of a month, by product line, mill and position: the figures
(:mod:`millplan.core.planning.fulfilment` computes them and says what each means).

Units: tonnes (t), hours (h), money RUB as ``Decimal``; months are
:class:`~millplan.core.domain.months.Month`; times are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from millplan.core.domain.actuals import CarryOver, MonthClose
from millplan.core.domain.months import Month

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Figures:
    """Planned, actual and credited tonnes (t) and marginal income planned and earned (RUB)
    of a mill, a position, a line or the month."""

    planned_t: float = 0.0
    actual_t: float = 0.0
    credited_t: float = 0.0
    mi_planned: Decimal = _ZERO
    mi_earned: Decimal = _ZERO

    @property
    def off_plan_t(self) -> float:
        """Tonnes made and not credited: where they were not planned, or beyond the plan."""
        return max(0.0, self.actual_t - self.credited_t)

    @property
    def fulfilment_pct(self) -> float | None:
        """Credited / planned × 100; ``None`` where nothing was planned."""
        return self.credited_t / self.planned_t * 100 if self.planned_t > 0 else None


def summed(figures: Iterable[Figures]) -> Figures:
    """The sum of ``figures`` (zero for none)."""
    planned = actual = credited = 0.0
    mi_planned = mi_earned = _ZERO
    for f in figures:
        planned += f.planned_t
        actual += f.actual_t
        credited += f.credited_t
        mi_planned += f.mi_planned
        mi_earned += f.mi_earned
    return Figures(planned, actual, credited, mi_planned, mi_earned)


@dataclass(frozen=True, slots=True)
class MillFulfilment:
    """One mill's month: its :class:`Figures`, hours used (h, by the actual tonnes) and
    available, and for the month in progress the planned and actual tonnes to date
    (``None`` otherwise); ``actual_by_day`` t made on each day of the month (index 0 =
    the 1st), for the cumulative chart."""

    mill_code: str
    figures: Figures
    hours_used: float
    hours_available: float
    planned_to_date_t: float | None = None
    actual_to_date_t: float | None = None
    actual_by_day: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class PositionFulfilment:
    """One position's month over all mills: its :class:`Figures`, the mills it was planned
    on and made on, and the carry-over (t planned and not made)."""

    position_ref: str
    is_key_account: bool
    figures: Figures
    planned_on: tuple[str, ...]
    made_on: tuple[str, ...]
    carry_over_t: float = 0.0


@dataclass(frozen=True)
class LineFulfilment:
    """Plan against actual of one product line in ``month``.

    ``revision`` is the approved revision in force (``None``: the line has none, so all it
    made is off-plan); ``today`` is set while the month is in progress (to-date figures
    count the days before it); ``closed`` is the line's close (its figures are those frozen
    then) and ``closer`` who closed it, for people (the user's name, else the login)."""

    month: Month
    product_line: str
    revision: int | None
    approved_at: datetime | None
    approved_by: str | None
    mills: tuple[MillFulfilment, ...]
    positions: tuple[PositionFulfilment, ...]
    carry_over: tuple[CarryOver, ...]
    today: date | None = None
    closed: MonthClose | None = None
    closer: str | None = None

    @property
    def totals(self) -> Figures:
        """The line's figures: the sum over its mills."""
        return summed(m.figures for m in self.mills)

    @property
    def days_to_date(self) -> int | None:
        """Days of the month counted to date (those before today), ``None`` unless in progress."""
        return None if self.today is None else (self.today - self.month.first_day).days

    @property
    def through(self) -> date | None:
        """The last day counted to date (yesterday), ``None`` before any day counts."""
        return self.today - timedelta(days=1) if self.days_to_date else None


@dataclass(frozen=True)
class MonthFulfilment:
    """Plan against actual of ``month`` for each product line asked for."""

    month: Month
    lines: tuple[LineFulfilment, ...] = field(default_factory=tuple)

    @property
    def totals(self) -> Figures:
        return summed(line.totals for line in self.lines)

    @property
    def in_progress(self) -> bool:
        return any(line.today is not None for line in self.lines)
