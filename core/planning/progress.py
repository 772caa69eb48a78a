"""The month in progress: what a plan of the current month keeps as made and the hours its
mills have left.

A plan of the month that :func:`~millplan.core.domain.months.plant_today` falls in plans
only what is left (DESIGN.md, "The month's loop"): the solver sees the positions' tonnes
not yet made (produced tonnes follow from the actuals) and each mill's hours left, counted
as the plan's ``progress_hours`` option says — ``calendar``: the month's hours × days left
(today included) / days in the month; ``actuals``: the month's hours less the hours the
month's actuals used on the mill (made tonnes × the mill's h/t for each position), never
below 0. Every (position, mill) made in the month becomes a line of the new revision with
``tonnes_made`` = the made tonnes, their hours and marginal income, plus whatever the
solver plans on top of it on the same mill.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from millplan.core.domain.actuals import Actual
from millplan.core.domain.assignment import Assignment, AssignmentLine
from millplan.core.domain.months import Month
from millplan.core.domain.plant import Mill, Plant
from millplan.core.domain.portfolio import Position
from millplan.core.planning.attributes import mill_option
from millplan.solver.prioritiser import MIN_TONNES
from millplan.storage.unit_of_work import UnitOfWork


def made_so_far(repo: UnitOfWork, month: Month, today: date) -> dict[int, float]:
    """Tonnes (t) made in ``month`` up to ``today`` by position id — nothing unless ``month``
    is the month in progress (that of ``today``): what its assignment holds is still to
    make only beyond them."""
    if Month.of(today) != month:
        return {}
    made: dict[int, float] = {}
    for a in repo.actuals.between(month.first_day, today):
        made[a.position_id] = made.get(a.position_id, 0.0) + a.tonnes
    return made


def month_actuals(actuals: Iterable[Actual]) -> dict[tuple[int, str], float]:
    """Tonnes (t) made by (position id, mill code), summed over the days given."""
    made: dict[tuple[int, str], float] = {}
    for a in actuals:
        made[a.position_id, a.mill_code] = made.get((a.position_id, a.mill_code), 0.0) + a.tonnes
    return made


def made_lines(
    plant: Plant, made: Mapping[tuple[int, str], float], positions: Mapping[int, Position]
) -> tuple[AssignmentLine, ...]:
    """One line per (position id, mill code) of ``made`` (t) with at least
    :data:`~millplan.solver.prioritiser.MIN_TONNES`: ``tonnes`` = ``tonnes_made`` = the made
    tonnes, hours at the mill's h/t for the position and marginal income at its unit
    marginal income there (RUB), whether or not the mill is on the position's register.
    Positions missing from ``positions`` and mills the plant does not have are skipped."""
    mills = {m.code: m for m in plant.mills}
    lines = []
    for (pid, code), tonnes in sorted(made.items()):
        p, mill = positions.get(pid), mills.get(code)
        if p is None or mill is None or tonnes < MIN_TONNES:
            continue
        option = mill_option(plant, mill, p)
        lines.append(
            AssignmentLine(
                position_id=pid,
                position_ref=p.ref,
                mill_code=code,
                tonnes=tonnes,
                hours=tonnes * option.hours_per_tonne,
                marginal_income=(Decimal(repr(tonnes)) * option.unit_margin).quantize(Decimal("0.01")),
                locked=False,
                is_key_account=p.is_key_account,
                tonnes_made=tonnes,
            )
        )
    return tuple(lines)


def hours_used(lines: Iterable[AssignmentLine]) -> dict[str, float]:
    """Hours (h) the made part of ``lines`` used, by mill code (``tonnes_made`` × the line's h/t)."""
    used: dict[str, float] = {}
    for line in lines:
        if line.tonnes_made and line.tonnes:
            used[line.mill_code] = used.get(line.mill_code, 0.0) + line.hours * line.tonnes_made / line.tonnes
    return used


def days_left(month: Month, today: date) -> int:
    """Days of ``month`` from ``today`` to its end, today included: all of them for a later
    month, none for a past one."""
    if Month.of(today) == month:
        return month.days - today.day + 1
    return month.days if month > Month.of(today) else 0


def calendar_hours_left(plant: Plant, mill: Mill, month: Month, today: date) -> float:
    """``mill``'s hours (h) in ``month`` pro rata to the days left from ``today``:
    ``hours × days left / days in the month``."""
    return plant.hours(mill, month) * days_left(month, today) / month.days


def hours_left(plant: Plant, mill: Mill, month: Month, today: date, basis: str, used: float) -> float:
    """The hours (h) ``mill`` has left in the month in progress: by ``basis``
    ``calendar`` (:func:`calendar_hours_left`) or ``actuals`` (the month's hours less the
    ``used`` h its actuals took, never below 0)."""
    if basis == "actuals":
        return max(0.0, plant.hours(mill, month) - used)
    return calendar_hours_left(plant, mill, month, today)


def with_made(planned: Iterable[AssignmentLine], made: Iterable[AssignmentLine]) -> list[AssignmentLine]:
    """``planned`` lines (the solver's, of tonnes not yet made) with the ``made`` lines
    kept: one line per (position, mill) — tonnes, hours and marginal income of both added,
    ``tonnes_made`` the made part — ordered by position and mill."""
    lines = {(l.position_id, l.mill_code): l for l in made}
    for line in planned:
        key = (line.position_id, line.mill_code)
        kept = lines.get(key)
        lines[key] = (
            line
            if kept is None
            else replace(
                line,
                tonnes=line.tonnes + kept.tonnes,
                hours=line.hours + kept.hours,
                marginal_income=line.marginal_income + kept.marginal_income,
                tonnes_made=kept.tonnes_made,
            )
        )
    return [lines[key] for key in sorted(lines)]


def less_made(assignment: Assignment | None, made: Iterable[AssignmentLine]) -> Assignment | None:
    """``assignment`` with each line's tonnes and hours less what ``made`` says was made of
    it (same position and mill; never below 0): what of it is still to make."""
    done = {(l.position_id, l.mill_code): l.tonnes_made for l in made}
    if assignment is None or not done:
        return assignment
    lines = []
    for line in assignment.lines:
        left = max(0.0, line.tonnes - done.get((line.position_id, line.mill_code), 0.0))
        hours = line.hours * left / line.tonnes if line.tonnes else 0.0
        lines.append(replace(line, tonnes=left, hours=hours, tonnes_made=0.0))
    return replace(assignment, lines=tuple(lines))
