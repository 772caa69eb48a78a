"""The prioritiser's order written from its definition, without the prioritiser's code: to
check its plans against.

The order (README, "What the numbers mean"): first the most key-account tonnes by their
due month (an overdue position is due in the plan month), then the most key-account tonnes
within the horizon, earliest first (the fewest key-account tonne-months late), then the
most margin less lateness, then the most priority-weighted tonnes. :func:`values` scores a
plan by it; :func:`lp_optimum` solves it stage by stage in plain PuLP (split positions, or
whole ones as binaries); :func:`enumerated_optimum` tries every whole plan of a tiny plant.
Both handle demands with options, due months, an early window and priorities — no locks,
lots, mandatory positions or stability. Units: t, t·month, RUB.
"""

from __future__ import annotations

import itertools

import pulp

from millplan.solver.problem import Demand, Problem

NAMES = ("key on time", "key in horizon", "key tonne-months late", "margin", "priority")


def _cells(problem: Problem, dm: Demand) -> list[tuple[int, int]]:
    """(mill, month) where the demand may be made: a mill that can make it with hours
    that month, from ``early_months`` before its due month on."""
    s = problem.settings
    return [
        (o.mill, t)
        for o in dm.options
        for t in range(max(0, dm.due - s.early_months), s.periods)
        if problem.hours.get((o.mill, t), 0.0) > 0
    ]


def _score(problem: Problem, dm: Demand, mill: int, t: int) -> tuple[float, float, float, float, float]:
    """What one tonne of ``dm`` on ``mill`` in month ``t`` adds to each stage."""
    due = max(dm.due, 0)
    late = max(0, t - due)
    margin = next(o.margin_per_tonne for o in dm.options if o.mill == mill)
    key = 1.0 if dm.key_account else 0.0
    return (key * (t <= due), key, -key * late, margin - problem.settings.lateness_penalty * late, float(dm.priority))


def values(problem: Problem, tonnes: dict[tuple[int, int, int], float]) -> tuple[float, ...]:
    """The five stage values of a plan, (demand, mill, month) → t; tonne-months late
    negated, so that every stage is "more is better"."""
    demands = {dm.id: dm for dm in problem.demands}
    total = [0.0] * 5
    for (i, m, t), amount in tonnes.items():
        for stage, per_tonne in enumerate(_score(problem, demands[i], m, t)):
            total[stage] += per_tonne * amount
    return tuple(total)


def lp_optimum(problem: Problem, whole: bool = False) -> tuple[float, ...]:
    """The five stage values of the lexicographic optimum, each stage solved by HiGHS with
    the earlier ones held at their optimum, less 1e-7 of it (at least 1e-6) for the
    solver's tolerances. That slack is the model's own: a later stage can trade on it, so
    its priority stage may come out above the exact optimum by about 1e-4 of it."""
    x, rows = {}, []
    rate = {(dm.id, o.mill): o.hours_per_tonne for dm in problem.demands for o in dm.options}
    for dm in problem.demands:
        for m, t in _cells(problem, dm):
            if whole:
                x[dm.id, m, t] = dm.tonnes * pulp.LpVariable(f"y_{dm.id}_{m}_{t}", cat=pulp.LpBinary)
            else:
                x[dm.id, m, t] = pulp.LpVariable(f"x_{dm.id}_{m}_{t}", 0)
        rows.append(pulp.lpSum(v for (i, _, _), v in x.items() if i == dm.id) <= dm.tonnes)
    for cell, h in problem.hours.items():
        rows.append(pulp.lpSum(rate[i, m] * v for (i, m, t), v in x.items() if (m, t) == cell) <= h)
    demands = {dm.id: dm for dm in problem.demands}
    objectives = [
        pulp.lpSum(_score(problem, demands[i], m, t)[stage] * v for (i, m, t), v in x.items()) for stage in range(5)
    ]
    best: list[float] = []
    for stage, objective in enumerate(objectives):
        model = pulp.LpProblem(f"check_{stage}", pulp.LpMaximize)
        for row in rows:
            model += row
        for earlier, value in enumerate(best):
            model += objectives[earlier] >= value - max(1e-6, 1e-7 * abs(value))
        model += objective + 0
        assert model.solve(pulp.HiGHS(msg=False)) == pulp.LpStatusOptimal
        best.append(pulp.value(objective) or 0.0)
    return tuple(best)


def enumerated_optimum(problem: Problem) -> tuple[float, ...]:
    """The five stage values of the best whole plan, by trying every one: each demand left
    out or made whole on one of its cells, the hours of every cell kept."""
    rate = {(dm.id, o.mill): o.hours_per_tonne for dm in problem.demands for o in dm.options}
    choices = [[None, *_cells(problem, dm)] for dm in problem.demands]
    best = None
    for combo in itertools.product(*choices):
        used: dict = {}
        plan = {}
        for dm, cell in zip(problem.demands, combo):
            if cell is not None:
                used[cell] = used.get(cell, 0.0) + dm.tonnes * rate[dm.id, cell[0]]
                plan[dm.id, *cell] = dm.tonnes
        if all(h <= problem.hours[cell] + 1e-9 for cell, h in used.items()):
            score = values(problem, plan)
            best = score if best is None else max(best, score)
    return best
