"""One product line's plan of a month, solved but not saved: its inputs, a :class:`Change`
asked for (positions forced in, excluded, unlocked, reprioritised), the locks it keeps, the
solve, and the result read back — the month's lines (in the month in progress, with what
its mills made kept as made), the later months' forecast, and a reason for every position
due by the month that is left out of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from millplan.core.domain.assignment import AssignmentLine, Exclusion, ForecastLine, HorizonPlan, ShadowPrice
from millplan.core.domain.errors import InfeasiblePlan, SolverError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.plant import Mill, Plant
from millplan.core.domain.portfolio import Position
from millplan.core.domain.stored_text import Text, say
from millplan.core.planning import explain
from millplan.core.planning.attributes import PositionAttributes, mill_options
from millplan.core.planning.inputs import LineInput
from millplan.core.planning.locks import carried_locks, check_locks, forced_lock, held_positions
from millplan.core.planning.progress import less_made, with_made
from millplan.core.planning.solving import DEFAULT_SOLVER, Solve, line_problem
from millplan.solver import prioritiser
from millplan.solver.problem import Problem, Solution, report_tonnes


@dataclass(frozen=True)
class Change:
    """Changes to one product line's plan inputs, from a granted request, a conflict
    resolution or a what-if.

    ``force``: positions locked in whole (their open tonnes, on their best mills with
    hours left beside the other locks); ``exclude``: position id → reason (a message to store), taken out by
    hand; ``unlock``: positions whose locks are released; ``priority``: position id → the
    manual priority (1 highest … 3, or ``None``) to plan with.
    """

    force: frozenset[int] = frozenset()
    exclude: Mapping[int, str | Text] = field(default_factory=dict)
    unlock: frozenset[int] = frozenset()
    priority: Mapping[int, int | None] = field(default_factory=dict)


NO_CHANGE = Change()


@dataclass
class LinePlan:
    """One product line's plan, solved but not yet saved."""

    product_line: str
    lines: list[AssignmentLine]
    exclusions: list[Exclusion]
    considered: int
    solution: Solution
    notes: list[str]
    horizon: HorizonPlan = HorizonPlan()


def plan_line(
    plant: Plant,
    month: Month,
    inp: LineInput,
    elsewhere: dict[int, float],
    solve: Solve,
    change: Change = NO_CHANGE,
) -> LinePlan:
    """Plan one product line from ``inp`` with ``change`` applied, ``elsewhere`` (t by
    position id) already held by other months, and solve it with ``solve``.

    Raises :class:`InfeasiblePlan` when the locks, forced or mandatory positions cannot
    all be kept or no plan is found (naming positions, mills and months),
    :class:`SolverError` when the solver fails, and as :func:`held_positions` does.
    """
    line = inp.product_line
    posed = _pose(plant, month, inp, elsewhere, change)
    attributes, open_tonnes, locks, mills = posed.attributes, posed.open_tonnes, posed.locks, posed.mills
    month_hours = {m.code: posed.hours[m.code, month] for m in mills}
    for position_id in sorted(change.force):
        if position_id in attributes:
            locks[position_id] = forced_lock(
                attributes[position_id], open_tonnes[position_id], locks, attributes, month_hours, month
            )
    check_locks(locks, attributes, month_hours, month, line)
    problem = posed.problem(inp)
    solution, solved_notes = solve(problem, f"{month_text(month)} {line}")
    notes = [*inp.notes, *posed.notes, *solved_notes]
    refs = {pid: attrs.position.ref for pid, attrs in attributes.items()}
    codes = {m.id: m.code for m in mills}
    if solution.status == "infeasible" and solution.conflicts:
        raise InfeasiblePlan(
            _("{month} {line}: {why}").format(
                month=month_text(month),
                line=line,
                why=explain.conflicts_message(solution.conflicts, refs, codes, month),
            )
        )
    if solution.status == "error":
        values = {"month": month, "line": line, "solver": solution.solver, "said": solution.message}
        if problem.settings.solver == DEFAULT_SOLVER:
            raise SolverError(_("{month} {line}: the solver {solver} failed — {said}").format(**values))
        raise SolverError(
            _("{month} {line}: the solver {solver} failed — {said}; plan with {default}, the default, instead").format(
                default=DEFAULT_SOLVER, **values
            )
        )
    if not solution.ok:
        raise InfeasiblePlan(
            _("{month} {line}: {why} (solver {solver}, status {status})").format(
                month=month_text(month),
                line=line,
                why=explain.named(solution.message, refs, codes, month),
                solver=solution.solver,
                status=solution.status,
            )
        )
    plan_lines, forecast = _lines(solution, attributes, locks, mills, month)
    exclusions = list(posed.manual.values()) + _exclusions(
        plan_lines, forecast, attributes, open_tonnes, solution, codes, month
    )
    plan_lines = with_made(plan_lines, inp.made)  # the month in progress keeps what its mills made
    prices = tuple(
        ShadowPrice(codes[m], month + t, explain.rub(price))
        for (m, t), price in sorted(solution.shadow_prices.items())
        if m in codes
    )
    horizon = HorizonPlan(inp.options.as_dict(), solution.gap, solution.moved_lines, tuple(forecast), prices)
    return LinePlan(line, plan_lines, exclusions, len(attributes), solution, notes, horizon)


def _lines(
    solution: Solution,
    attributes: dict[int, PositionAttributes],
    locks: dict[int, dict[str, float]],
    mills: list[Mill],
    month: Month,
) -> tuple[list[AssignmentLine], list[ForecastLine]]:
    """The plan month's lines (the assignment) and the later months' (the forecast)."""
    codes = {m.id: m.code for m in mills}
    now, later = [], []
    for (position_id, mill_id, period), tonnes in sorted(solution.tonnes.items()):
        attrs = attributes[position_id]
        option = next(o for o in attrs.options if o.mill.id == mill_id)
        income = (Decimal(repr(tonnes)) * option.unit_margin).quantize(Decimal("0.01"))
        hours = tonnes * option.hours_per_tonne
        p = attrs.position
        if period == 0:
            now.append(
                AssignmentLine(
                    position_id=position_id,
                    position_ref=p.ref,
                    mill_code=codes[mill_id],
                    tonnes=tonnes,
                    hours=hours,
                    marginal_income=income,
                    locked=codes[mill_id] in locks.get(position_id, {}),
                    is_key_account=p.is_key_account,
                )
            )
        else:
            later.append(
                ForecastLine(
                    position_id, p.ref, codes[mill_id], month + period, tonnes, hours, income, p.is_key_account
                )
            )
    return now, later


def _exclusions(
    lines: list[AssignmentLine],
    forecast: list[ForecastLine],
    attributes: dict[int, PositionAttributes],
    open_tonnes: dict[int, float],
    solution: Solution,
    codes: dict[int, str],
    month: Month,
) -> list[Exclusion]:
    """A reason for every considered position due by ``month`` with tonnes left out of it."""
    planned: dict[int, float] = {}
    later: dict[int, list[ForecastLine]] = {}
    for line in lines:
        planned[line.position_id] = planned.get(line.position_id, 0.0) + line.tonnes
    for line in forecast:
        later.setdefault(line.position_id, []).append(line)
    result = []
    for position_id, attrs in attributes.items():
        p = attrs.position
        left_out = report_tonnes(open_tonnes[position_id] - planned.get(position_id, 0.0))
        if p.requested_month > month or left_out < prioritiser.MIN_TONNES:
            continue
        if not attrs.options:
            said = attrs.no_mill_said
            result.append(Exclusion(position_id, p.ref, left_out, "no_compatible_mill", say(said), said=said))
            continue
        result.append(
            explain.exclusion(
                p,
                open_tonnes[position_id],
                report_tonnes(planned.get(position_id, 0.0)),
                later.get(position_id, ()),
                solution.explanations.get(position_id),
                codes,
                [o.mill.code for o in attrs.options],
                month,
                [
                    (o.mill.code, price, float(o.margin_per_hour))
                    for o in attrs.options
                    if (price := solution.shadow_prices.get((o.mill.id, 0), 0.0)) > 0
                    and price >= float(o.margin_per_hour)
                ],
            )
        )
    return result


def baseline_problem(
    plant: Plant, month: Month, inp: LineInput, elsewhere: dict[int, float]
) -> tuple[Problem, dict[int, PositionAttributes]]:
    """The line's problem as a plan of ``month`` would pose it with no :class:`Change` (a
    promise's baseline, before the new positions are added), and its positions' attributes
    by id; unlike :func:`plan_line`, the locks are not checked against the hours."""
    posed = _pose(plant, month, inp, elsewhere, NO_CHANGE)
    return posed.problem(inp), posed.attributes


@dataclass
class _Posed:
    """One line's plan up to its problem: the months planned, each position's open tonnes
    (t) and the positions with some (by id), the hand exclusions, the locks by position and
    mill (t) and notes on them, the positions' attributes (all but the excluded), the
    line's mills and their hours left by (mill code, month)."""

    months: list[Month]
    open_tonnes: dict[int, float]
    by_id: dict[int, Position]
    manual: dict[int, Exclusion]
    locks: dict[int, dict[str, float]]
    notes: list[str]
    attributes: dict[int, PositionAttributes]
    mills: list[Mill]
    hours: dict[tuple[str, Month], float]

    def problem(self, inp: LineInput) -> Problem:
        """The solver's problem, with the options' mandatory positions and month locks held.
        Raises as :func:`held_positions` and :func:`line_problem` do."""
        options = inp.options
        held = held_positions(options, self.attributes, self.manual, self.by_id, self.months, inp.product_line)
        return line_problem(
            self.attributes,
            self.open_tonnes,
            self.locks,
            held,
            less_made(inp.approved, inp.made),  # stability keeps what is still to make of it
            self.mills,
            self.hours,
            self.months,
            options,
        )


def _pose(plant: Plant, month: Month, inp: LineInput, elsewhere: dict[int, float], change: Change) -> _Posed:
    """The line's plan from ``inp`` with ``change`` applied, up to its problem: positions
    with tonnes left beside ``elsewhere`` (t by position id, held by other months), their
    priorities changed, the hand exclusions (those of the latest revision, but positions
    forced in, and those of ``change``), and the locks carried over, less those released."""
    previous = inp.previous
    months = month.range(inp.options.horizon)
    open_tonnes = {p.id: report_tonnes(p.remaining_tonnes - elsewhere.get(p.id, 0.0)) for p in inp.positions}
    positions = [
        replace(p, manual_priority=change.priority[p.id]) if p.id in change.priority else p
        for p in inp.positions
        if open_tonnes[p.id] >= prioritiser.MIN_TONNES
    ]
    mills = [m for m in plant.mills if m.product_line == inp.product_line]
    hours = {
        (m.code, mo): max(0.0, plant.hours(m, mo) - inp.booked.get((m.code, mo), 0.0)) for m in mills for mo in months
    }
    by_id = {p.id: p for p in positions}
    manual = {
        e.position_id: e
        for e in (previous.exclusions if previous else ())
        if e.manual and e.position_id in by_id and e.position_id not in change.force
    }
    for position_id, reason in change.exclude.items():
        if position_id in by_id:
            said = None if isinstance(reason, str) else reason
            manual[position_id] = Exclusion(
                position_id, by_id[position_id].ref, open_tonnes[position_id], "manual", say(reason), True, said=said
            )
    locks, notes = carried_locks(previous, by_id, open_tonnes)
    for position_id in change.unlock | set(manual):
        locks.pop(position_id, None)
    attributes = {p.id: PositionAttributes(p, *mill_options(plant, p)) for p in positions if p.id not in manual}
    return _Posed(months, open_tonnes, by_id, manual, locks, notes, attributes, mills, hours)
