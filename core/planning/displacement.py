"""What a promise displaces (:func:`displaced_positions`): the baseline positions with fewer
tonnes made by their requested month or within the horizon, or made later than due by more
tonne-months, each with its key-account flag, sales manager, the month the current plan
(the saved assignment and its forecast) has it in, and what it costs, as the prioritiser's
margin stage counts it: the lateness of the tonnes still made within the horizon (t·month
and RUB at the plan's lateness penalty), and for tonnes pushed out of the horizon the
marginal income they earned there (RUB, net of their own lateness). Tonnes out of the
horizon are charged no lateness: the plan counts them as not made, so their whole marginal
income is lost instead (charging both would count them twice). The change in marginal
income is the plan with the new positions less the plan without them, over the horizon:
the new positions' margin less those two costs (and any change of mill of the others).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.months import Month
from millplan.core.planning.attributes import PositionAttributes
from millplan.solver import prioritiser
from millplan.solver.model import due_period, months_late, net_margin
from millplan.solver.problem import Problem, Solution, report_tonnes


@dataclass(frozen=True)
class Displaced:
    """A planned position the new one pushes back or out (fewer tonnes made by its
    requested month or within the horizon, or later than before): ``tonnes`` t taken from
    the months they were planned in; ``before`` the first month the current plan (the
    saved assignment and its forecast) has it in (``None``: not in it); ``after`` the last
    month that gains tonnes (``None``: none, all pushed out of the horizon);
    ``late_tonne_months`` the lateness caused to the tonnes still made within the horizon
    (t·month) and ``lateness_penalty`` its cost (RUB) at the plan's lateness penalty;
    ``out_tonnes`` t pushed out of the horizon and ``margin_lost`` the marginal income
    they earned in it (RUB, net of their lateness there)."""

    position: str
    deal: str
    key_account: bool
    sales_manager: str
    tonnes: float
    before: Month | None
    after: Month | None
    late_tonne_months: float
    lateness_penalty: Decimal
    out_tonnes: float = 0.0
    margin_lost: Decimal = Decimal(0)


def displaced_positions(
    attributes: dict[int, PositionAttributes],
    problem: Problem,
    before: Solution,
    after: Solution,
    month: Month,
    planned: dict[int, Month],
) -> tuple[Displaced, ...]:
    """Positions with fewer tonnes by their requested month or within the horizon, or
    later than due by more tonne-months; each named with its key-account flag and sales
    manager, the first month the current plan has it in (``planned``, by position id), the
    last month that gains tonnes (``None``: none), and what the margin stage charges for
    it: the lateness caused to the tonnes still made (t·month, RUB), and for the tonnes
    pushed out of the horizon — taken from its latest lines first, those the plan would
    give up first — the marginal income they earned there, net of their lateness (RUB)."""
    demands = {d.id: d for d in problem.demands}
    penalty = problem.settings.lateness_penalty
    penalty_rub = Decimal(repr(penalty))

    def lines(solution: Solution) -> dict[int, dict[tuple[int, int], float]]:
        result: dict[int, dict[tuple[int, int], float]] = {}
        for (d, m, p), t in solution.tonnes.items():
            if d in demands:
                cells = result.setdefault(d, {})
                cells[m, p] = cells.get((m, p), 0.0) + t
        return result

    def late(cells: dict[tuple[int, int], float], d: int) -> float:
        return sum(t * months_late(demands[d], p) for (_, p), t in cells.items())

    def by_period(cells: dict[tuple[int, int], float]) -> dict[int, float]:
        periods: dict[int, float] = {}
        for (_, p), t in cells.items():
            periods[p] = periods.get(p, 0.0) + t
        return periods

    old, new = lines(before), lines(after)
    found = []
    for d, was_cells in sorted(old.items()):
        now_cells = new.get(d, {})
        was, now = by_period(was_cells), by_period(now_cells)
        due = due_period(demands[d])
        on_time_lost = sum(t for p, t in was.items() if p <= due) - sum(t for p, t in now.items() if p <= due)
        out = sum(was.values()) - sum(now.values())
        out = out if out >= prioritiser.MIN_TONNES else 0.0
        kept, lost, left = dict(was_cells), 0.0, out
        for m, p in sorted(was_cells, key=lambda cell: -cell[1]):  # the latest lines go out first
            taken = min(left, kept[m, p])
            kept[m, p] -= taken
            left -= taken
            option = next(o for o in demands[d].options if o.mill == m)
            lost += taken * net_margin(demands[d], option, p, penalty)
        lateness = report_tonnes(late(now_cells, d) - late(kept, d))
        delta = {p: now.get(p, 0.0) - was.get(p, 0.0) for p in was.keys() | now.keys()}
        losing = [p for p, change in delta.items() if change <= -prioritiser.MIN_TONNES]
        if not losing or max(on_time_lost, out, lateness) < prioritiser.MIN_TONNES:
            continue
        gaining = [p for p, change in delta.items() if change >= prioritiser.MIN_TONNES]
        position = attributes[d].position
        lateness = max(lateness, 0.0)
        found.append(
            Displaced(
                position.ref,
                position.deal_number,
                position.is_key_account,
                position.sales_manager,
                report_tonnes(-sum(delta[p] for p in losing)),
                planned.get(d),
                month + max(gaining) if gaining else None,
                lateness,
                (penalty_rub * Decimal(repr(lateness))).quantize(Decimal("0.01")),
                report_tonnes(out),
                rub(lost),
            )
        )
    return tuple(found)


def rub(amount: float) -> Decimal:
    """RUB to the kopeck."""
    return Decimal(repr(amount)).quantize(Decimal("0.01"))


def first_planned(assignment: Assignment | None) -> dict[int, Month]:
    """The first month the saved plan ``assignment`` (its lines, then its forecast) has
    each position in, by position id: what the planner sees as the current plan."""
    first: dict[int, Month] = {}
    if assignment is not None:
        for line in assignment.lines:
            first.setdefault(line.position_id, assignment.month)
        for f in sorted(assignment.forecast, key=lambda f: f.month):
            first.setdefault(f.position_id, f.month)
    return first
