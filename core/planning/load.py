"""Mill load by month and each mill's load horizon (the mill load monitor, DESIGN.md).

Booked hours of a mill in a month come from that month's assignment for the mill's
product line where one exists (approved revision in force, else the latest draft); for a
later month without one, from the forecast of the latest earlier month's assignment whose
horizon plan reaches it. The current month is in progress: its assignment books only
what is not made yet — each line's hours less those of the tonnes the month's actuals
made of it on that mill, never below 0 (what was made, planned or not, books nothing) —
and its mills offer only the hours left from today (pro rata by days, today included).

A product line without an assignment of the current month is making what is due now
(requested in the current month or before) all the same: all that is left of those
tonnes is booked in the current month — on the mill a later month's plan gives them
(planned late, as the current month had no plan; that month then books only what it
holds beyond them), else on their best compatible mill (most marginal income per hour).
Without this the current month showed 0 % while a later plan — or the slip rule below —
took what was due in it.

Other accepted tonnes in none of these are booked on their best compatible mill in their
requested month — or the current month if that has passed. Where the line's plans
already cover that month, or begin later and so considered the tonnes and left them out,
they slip to the month after the last planned one.

The **load horizon** of a mill is the date up to which all its booked hours would keep
it fully busy, laying them over its calendar from today: the rest of the current month
(its hours left, pro rata by days), then each month's hours in turn (the calendar's,
else the nominal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from millplan.core.domain.assignment import Assignment, ForecastLine, MillLoad
from millplan.core.domain.months import Month, plant_today
from millplan.core.domain.plant import Mill, Plant
from millplan.core.domain.portfolio import DealStatus
from millplan.core.planning.attributes import describe
from millplan.core.planning.progress import calendar_hours_left, month_actuals
from millplan.storage.store import Store

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


def mill_load(store: Store, *, months: int = 6, today: date | None = None) -> LoadReport:
    """Load of each mill for ``months`` months from the current one, and load horizons."""
    today = today or plant_today()
    start = Month.of(today)
    window = tuple(start.range(months))
    with store.reading() as repo:
        plant = repo.plant.whole()
        positions = repo.plant.positions(deal_status=DealStatus.ACCEPTED, open_only=True)
        # Assignments beyond the window matter too: tonnes planned there are booked there.
        assignments = repo.assignments.assignments_in_force(start.range(months + 12))
        made = month_actuals(repo.actuals.between(start.first_day, today))
    attributes = describe(plant, positions)
    booked: dict[tuple[str, Month], float] = {}
    assigned: dict[int, float] = {}
    # Due now, in a line with no assignment of the current month: the mills make it now —
    # on the mill a later plan gives it (planned late, as the current month had no plan),
    # else on its best mill — so it is booked now, however a later plan or the slip rule
    # would have placed it.
    unplanned_now = {p.product_line for p in positions} - {a.product_line for a in assignments if a.month == start}
    due_now = {
        p.id: p.remaining_tonnes for p in positions if p.requested_month <= start and p.product_line in unplanned_now
    }
    forecast = forecast_lines(assignments)
    lines = [(a.month, l.mill_code, l.position_id, l.tonnes, l.hours) for a in assignments for l in a.lines]
    lines += [(l.month, l.mill_code, l.position_id, l.tonnes, l.hours) for _, l in forecast]
    for month, code, pid, tonnes, hours in sorted(lines, key=lambda item: item[0]):
        per_tonne = hours / tonnes if tonnes > 0 else 0.0
        left = tonnes
        if month == start:  # in progress: what is made books nothing
            left = max(0.0, left - made.get((pid, code), 0.0))
        now = min(left, due_now.get(pid, 0.0))
        if now > 0:
            due_now[pid] -= now
            _book(booked, assigned, code, start, pid, now, now * per_tonne)
        _book(booked, assigned, code, month, pid, left - now, (left - now) * per_tonne)
    planned_months = {(a.month, a.product_line) for a in assignments}
    planned_months |= {(line.month, product_line) for product_line, line in forecast}  # those plans considered it
    blocks = _planned_blocks(planned_months, start)
    unplaceable = 0.0
    for attrs in attributes:
        p = attrs.position
        tonnes = p.remaining_tonnes - assigned.get(p.id, 0.0)
        if tonnes <= 1e-9:
            continue
        if attrs.best is None:
            unplaceable += tonnes
            continue
        month = start if p.id in due_now else _slipped_to(max(p.requested_month, start), blocks.get(p.product_line))
        _book(booked, assigned, attrs.best.mill.code, month, p.id, tonnes, tonnes * attrs.best.hours_per_tonne)
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
    forecast_months = frozenset((product_line, line.month) for product_line, line in forecast)
    return LoadReport(today, window, plant.mills, cells, horizons, unplaceable, forecast_months)


def _book(
    booked: dict[tuple[str, Month], float],
    assigned: dict[int, float],
    code: str,
    month: Month,
    position_id: int,
    tonnes: float,
    hours: float,
) -> None:
    """Add ``hours`` (h) to mill ``code`` in ``month`` and ``tonnes`` (t) to the position's booked tonnes."""
    booked[code, month] = booked.get((code, month), 0.0) + hours
    assigned[position_id] = assigned.get(position_id, 0.0) + tonnes


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
        left = calendar_hours_left(plant, mill, month, date(month.year, month.month, day))
        if per_day > 0 and remaining <= left:
            # a part-day of work still occupies that day (the epsilon absorbs round-off)
            needed = max(1, math.ceil(remaining / per_day - 1e-9))
            return date(month.year, month.month, day) + timedelta(days=needed - 1)
        remaining -= left
        month, day = month + 1, 1
    return None
