"""Mill load by month and each mill's load horizon (the mill load monitor, DESIGN.md).

Booked hours of a mill in a month come from that month's assignment for the mill's
product line where one exists (approved revision in force, else the latest draft); for a
later month without one, from the forecast of the latest earlier month's assignment whose
horizon plan reaches it. Accepted tonnes in neither are booked on their best compatible mill (most
marginal income per hour) in their requested month — or the current month if that has
passed. Where the line's plans already cover that month, or begin later and so
considered the tonnes and left them out, they slip to the month after the last planned
one.
A position whose remainder was cancelled, or which was closed as complete, in the
stale-deal ledger books nothing, not even its lines in an assignment in force.

The **load horizon** of a mill is the date up to which all its booked hours would keep
it fully busy, laying them over its calendar from today: the rest of the current month
(pro rata by days), then each month's hours in turn (the calendar's, else the nominal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from millplan.core.domain.assignment import Assignment, ForecastLine, MillLoad
from millplan.core.domain.months import Month, plant_today
from millplan.core.domain.plant import Mill, Plant
from millplan.core.domain.portfolio import DealStatus
from millplan.core.planning.attributes import PositionAttributes, describe
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

HORIZON_LIMIT_MONTHS = 120
"""Booked work beyond ten years of capacity is reported as beyond the limit."""


@dataclass(frozen=True)
class MillHorizon:
    """``booked_hours`` h of accepted, unproduced work on the mill; ``until`` the date it is
    fully busy to (``None`` when the mill has no hours to do it within the limit)."""

    mill_code: str
    booked_hours: float
    until: date | None


@dataclass(frozen=True)
class LoadReport:
    """Load of every mill in ``months`` (``cells`` by (mill code, month)), the horizons, and
    tonnes that no mill can make (``unplaceable_tonnes`` t) so they are not silently lost;
    ``forecast_months`` say which (product line, month) a forecast books."""

    today: date
    months: tuple[Month, ...]
    mills: tuple[Mill, ...]
    cells: dict[tuple[str, Month], MillLoad]
    horizons: dict[str, MillHorizon]
    unplaceable_tonnes: float
    forecast_months: frozenset[tuple[str, Month]] = frozenset()
    """(product line, month) whose load comes from an earlier month's horizon plan."""


DEFAULT_MONTHS = 6
"""Months the load monitor shows from the current one."""

LOOK_AHEAD_MONTHS = 12
"""Months past the shown ones whose assignments still book hours (tonnes planned there are
booked there, not in their requested month)."""


@dataclass(frozen=True, slots=True)
class Booking:
    """``hours`` h of position ``position_id`` booked on ``mill_code`` in ``month``."""

    position_id: int
    mill_code: str
    month: Month
    hours: float


@dataclass(frozen=True)
class Bookings:
    """Every booking of the accepted open book (``items``), the tonnes no mill can make
    (``unplaceable_tonnes`` t) and the forecast lines that stand for months without an
    assignment of their own (``forecast``: (product line, line))."""

    items: tuple[Booking, ...]
    unplaceable_tonnes: float
    forecast: tuple[tuple[str, ForecastLine], ...]


def bookings(
    described: list[PositionAttributes], assignments: list[Assignment], start: Month, *, dropped: set[int] = frozenset()
) -> Bookings:
    """Where the accepted open book holds mill hours (module docstring): the lines of
    ``assignments`` in force, the forecasts standing for months without one, and the rest
    of each position (``described``: its attributes) on its best mill in its requested
    month (slipped past the line's planned months), from ``start`` on. Lines of positions in
    ``dropped`` (cancelled remainders, positions closed as complete) book nothing."""
    items: list[Booking] = []
    assigned: dict[int, float] = {}
    planned_months = {(a.month, a.product_line) for a in assignments}
    for a in assignments:
        for line in a.lines:
            if line.position_id in dropped:
                continue
            items.append(Booking(line.position_id, line.mill_code, a.month, line.hours))
            assigned[line.position_id] = assigned.get(line.position_id, 0.0) + line.tonnes
    forecast = forecast_lines(assignments)
    for product_line, line in forecast:
        planned_months.add((line.month, product_line))  # its plan considered that month's tonnes
        if line.position_id in dropped:
            continue
        items.append(Booking(line.position_id, line.mill_code, line.month, line.hours))
        assigned[line.position_id] = assigned.get(line.position_id, 0.0) + line.tonnes
    blocks = _planned_blocks(planned_months, start)
    unplaceable = 0.0
    for attrs in described:
        p = attrs.position
        tonnes = p.remaining_tonnes - assigned.get(p.id, 0.0)
        if tonnes <= 1e-9:
            continue
        if attrs.best is None:
            unplaceable += tonnes
            continue
        month = _slipped_to(max(p.requested_month, start), blocks.get(p.product_line))
        items.append(Booking(p.id, attrs.best.mill.code, month, tonnes * attrs.best.hours_per_tonne))
    return Bookings(tuple(items), unplaceable, tuple(forecast))


def read_bookings(
    repo: UnitOfWork, described: list[PositionAttributes], start: Month, months: int = DEFAULT_MONTHS
) -> Bookings:
    """:func:`bookings` of ``described`` with the assignments in force from ``start`` over
    ``months`` and :data:`LOOK_AHEAD_MONTHS` more (tonnes planned beyond the window are
    booked there), read through ``repo``."""
    assignments = repo.assignments.assignments_in_force(start.range(months + LOOK_AHEAD_MONTHS))
    return bookings(described, assignments, start, dropped=set(repo.dispositions.disposed()))


def mill_load(store: Store, *, months: int = DEFAULT_MONTHS, today: date | None = None) -> LoadReport:
    """Load of each mill for ``months`` months from the current one, and load horizons."""
    today = today or plant_today()
    start = Month.of(today)
    window = tuple(start.range(months))
    with store.reading() as repo:
        plant = repo.plant.whole()
        positions = repo.plant.positions(deal_status=DealStatus.ACCEPTED, open_only=True)
        booked_by = read_bookings(repo, describe(plant, positions), start, months)
    booked: dict[tuple[str, Month], float] = {}
    for b in booked_by.items:
        booked[b.mill_code, b.month] = booked.get((b.mill_code, b.month), 0.0) + b.hours
    cells = {
        (m.code, month): MillLoad(m.code, month, plant.hours(m, month), booked.get((m.code, month), 0.0))
        for m in plant.mills
        for month in window
    }
    totals: dict[str, float] = {}
    for (code, _), hours in booked.items():
        totals[code] = totals.get(code, 0.0) + hours
    horizons = {
        m.code: MillHorizon(m.code, totals.get(m.code, 0.0), horizon(plant, m, totals.get(m.code, 0.0), today))
        for m in plant.mills
    }
    forecast_months = frozenset((product_line, line.month) for product_line, line in booked_by.forecast)
    return LoadReport(today, window, plant.mills, cells, horizons, booked_by.unplaceable_tonnes, forecast_months)


def forecast_lines(assignments: list[Assignment]) -> list[tuple[str, ForecastLine]]:
    """(product line, line) of the forecasts that stand for months without an assignment
    of their own: for each such (line, month), the forecast of the latest earlier month
    whose horizon plan reaches it — the newest word on that month."""
    assigned = {(a.month, a.product_line) for a in assignments}
    source: dict[tuple[str, Month], Assignment] = {}
    for a in sorted(assignments, key=lambda a: a.month):
        for month in {f.month for f in a.forecast}:
            if (month, a.product_line) not in assigned:
                source[a.product_line, month] = a
    return [(line, f) for (line, month), a in sorted(source.items()) for f in a.forecast if f.month == month]


def _planned_blocks(planned: set[tuple[Month, str]], start: Month) -> dict[str, tuple[Month, Month]]:
    """Per product line, the run of consecutive planned months from its first planned
    month on or after ``start``: (first, last)."""
    blocks = {}
    for line in {line for _, line in planned}:
        months = sorted(m for m, l in planned if l == line and m >= start)
        if months:
            last = months[0]
            while (last + 1, line) in planned:
                last = last + 1
            blocks[line] = (months[0], last)
    return blocks


def _slipped_to(month: Month, block: tuple[Month, Month] | None) -> Month:
    """Where unassigned tonnes due in ``month`` are booked: their month, unless the line's
    plans already cover it — or start after it, having considered them — in which case
    they left them out and the tonnes slip past the last planned month."""
    if block is not None and month <= block[1]:
        return block[1] + 1
    return month


def horizon(plant: Plant, mill: Mill, hours: float, today: date) -> date | None:
    """The date ``hours`` h of work would keep ``mill`` busy until, starting ``today``.

    Each month's hours are spread evenly over its days; today counts as a working day.
    Returns ``today`` when nothing is booked and ``None`` when the calendar has no room
    for the work within :data:`HORIZON_LIMIT_MONTHS`.
    """
    if hours <= 0:
        return today
    month = Month.of(today)
    day = today.day
    remaining = hours
    for _ in range(HORIZON_LIMIT_MONTHS):
        per_day = plant.hours(mill, month) / month.days
        days_left = month.days - day + 1
        if per_day > 0 and remaining <= per_day * days_left:
            # a part-day of work still occupies that day (the epsilon absorbs round-off)
            needed = max(1, math.ceil(remaining / per_day - 1e-9))
            return date(month.year, month.month, day) + timedelta(days=needed - 1)
        remaining -= per_day * days_left
        month, day = month + 1, 1
    return None
