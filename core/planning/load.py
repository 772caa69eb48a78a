"""Mill load by month and each mill's load horizon (the mill load monitor, DESIGN.md).

Booked hours of a mill in a month come from that month's assignment for the mill's
product line where one exists (approved revision in force, else the latest draft); for a
later month without one, from the forecast of the latest earlier month's assignment whose
horizon plan reaches it. The current month is in progress: its assignment books only
what is not made yet — each line's hours less those of the tonnes the month's actuals
made of it on that mill, never below 0 (what was made, planned or not, books nothing) —
and its mills offer only the hours left from today (pro rata by days, today included).

Accepted tonnes in none of these are booked on their best compatible mill (most marginal
income per hour) in their requested month — or the current month if that has passed.
Where the line's plans already cover that month, or begin later and so considered the
tonnes and left them out, they slip to the month after the last planned one — except
what is due now in a line with no assignment of the current month: its mills are making
it now, so it is booked now (before, the current month showed 0 % while the slip rule
moved what was due in it past a later plan).

A position whose remainder was cancelled, or which was closed as complete, in the
stale-deal ledger books nothing, not even its lines in an assignment in force.

The **load horizon** of a mill is the date up to which all its booked hours would keep
it fully busy, laying them over its calendar from today: the rest of the current month
(its hours left, pro rata by days), then each month's hours in turn (the calendar's, else the nominal).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from millplan.core.domain.assignment import Assignment, ForecastLine, MillLoad
from millplan.core.domain.months import Month, plant_today
from millplan.core.domain.plant import Mill, Plant
from millplan.core.planning.attributes import PositionAttributes
from millplan.core.planning.open_book import collector_paused, described_open_book
from millplan.core.planning.progress import calendar_hours_left, month_actuals
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
    described: list[PositionAttributes],
    assignments: list[Assignment],
    start: Month,
    *,
    made: Mapping[tuple[int, str], float] | None = None,
    dropped: Collection[int] = frozenset(),
) -> Bookings:
    """Where the accepted open book holds mill hours (module docstring): the lines of
    ``assignments`` in force, less what ``made`` (t by (position id, mill code): the
    actuals of ``start``, the month in progress) made of those of ``start``; the forecasts
    standing for months without one; and the rest of each position (``described``: its
    attributes) on its best mill in its requested month (slipped past the line's planned
    months; due now and the line has no plan of ``start``: in ``start``), from ``start``
    on. Lines of positions in ``dropped`` (cancelled remainders, positions closed as
    complete) book nothing."""
    made = made or {}
    items: list[Booking] = []
    assigned: dict[int, float] = {}
    planned_months = {(a.month, a.product_line) for a in assignments}
    for a in assignments:
        for line in a.lines:
            if line.position_id in dropped:
                continue
            tonnes, hours = line.tonnes, line.hours
            if a.month == start:  # in progress: what is made books nothing
                tonnes = max(0.0, line.tonnes - made.get((line.position_id, line.mill_code), 0.0))
                hours = line.hours * tonnes / line.tonnes if line.tonnes > 0 else 0.0
            items.append(Booking(line.position_id, line.mill_code, a.month, hours))
            assigned[line.position_id] = assigned.get(line.position_id, 0.0) + tonnes
    forecast = forecast_lines(assignments)
    for product_line, line in forecast:
        planned_months.add((line.month, product_line))  # its plan considered that month's tonnes
        if line.position_id in dropped:
            continue
        items.append(Booking(line.position_id, line.mill_code, line.month, line.hours))
        assigned[line.position_id] = assigned.get(line.position_id, 0.0) + line.tonnes
    blocks = _planned_blocks(planned_months, start)
    unplanned_now = {attrs.position.product_line for attrs in described} - {l for m, l in planned_months if m == start}
    unplaceable = 0.0
    for attrs in described:
        p = attrs.position
        tonnes = p.remaining_tonnes - assigned.get(p.id, 0.0)
        if tonnes <= 1e-9:
            continue
        if attrs.best is None:
            unplaceable += tonnes
            continue
        if p.requested_month <= start and p.product_line in unplanned_now:
            month = start  # due now with no plan of the month: being made now
        else:
            month = _slipped_to(max(p.requested_month, start), blocks.get(p.product_line))
        items.append(Booking(p.id, attrs.best.mill.code, month, tonnes * attrs.best.hours_per_tonne))
    return Bookings(tuple(items), unplaceable, tuple(forecast))


def read_bookings(
    repo: UnitOfWork, described: list[PositionAttributes], today: date, months: int = DEFAULT_MONTHS
) -> Bookings:
    """:func:`bookings` of ``described`` from ``today``'s month, with the assignments in
    force over ``months`` and :data:`LOOK_AHEAD_MONTHS` more (tonnes planned beyond the
    window are booked there) and the month's actuals up to ``today``, read through ``repo``."""
    start = Month.of(today)
    assignments = repo.assignments.assignments_in_force(start.range(months + LOOK_AHEAD_MONTHS))
    made = month_actuals(repo.actuals.between(start.first_day, today))
    return bookings(described, assignments, start, made=made, dropped=repo.dispositions.disposed_ids())


def mill_load(store: Store, *, months: int = DEFAULT_MONTHS, today: date | None = None) -> LoadReport:
    """Load of each mill for ``months`` months from the current one, and load horizons."""
    today = today or plant_today()
    start = Month.of(today)
    window = tuple(start.range(months))
    with store.reading() as repo, collector_paused():
        plant = repo.plant.whole()
        booked_by = read_bookings(repo, described_open_book(repo), today, months)
    booked: dict[tuple[str, Month], float] = {}
    for b in booked_by.items:
        booked[b.mill_code, b.month] = booked.get((b.mill_code, b.month), 0.0) + b.hours
    cells = {
        (m.code, month): MillLoad(
            m.code, month, calendar_hours_left(plant, m, month, today), booked.get((m.code, month), 0.0)
        )
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


def forecast_source(store: Store, month: Month, product_line: str) -> Assignment | None:
    """The revision whose horizon plan forecasts ``month`` for ``product_line`` — as the load
    monitor books it (:func:`forecast_lines`): that in force of the latest earlier month
    whose forecast reaches ``month``, within :data:`LOOK_AHEAD_MONTHS` — or ``None``."""
    with store.reading() as repo:
        earlier = repo.assignments.assignments_in_force((month - LOOK_AHEAD_MONTHS).range(LOOK_AHEAD_MONTHS))
    reaching = [a for a in earlier if a.product_line == product_line and any(f.month == month for f in a.forecast)]
    return max(reaching, key=lambda a: a.month, default=None)


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
        left = calendar_hours_left(plant, mill, month, date(month.year, month.month, day))
        if per_day > 0 and remaining <= left:
            # a part-day of work still occupies that day (the epsilon absorbs round-off)
            needed = max(1, math.ceil(remaining / per_day - 1e-9))
            return date(month.year, month.month, day) + timedelta(days=needed - 1)
        remaining -= left
        month, day = month + 1, 1
    return None
