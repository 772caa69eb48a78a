"""The monthly prioritiser: a lexicographic linear programme solved with PuLP.

Model (DESIGN.md, "The prioritiser"): tonnes ``x[p, m] ≥ 0`` of demand *p* on each mill *m*
that can make it; ``Σ_m x[p, m] ≤ tonnes[p]``; for every mill
``Σ_p x[p, m] · hours_per_tonne[p, m] ≤ hours[m]``; locked lines fixed at their tonnes.
Objectives, each solved while keeping the optimum of the previous ones:

1. the most key-account tonnes;
2. the most marginal income ``Σ x · margin_per_tonne`` (RUB);
3. the most priority-weighted tonnes — manual priority only breaks ties.

Each later stage keeps the earlier optimum up to :data:`KEEP_RELATIVE` of its value (at
least :data:`KEEP_ABSOLUTE`), so solver round-off cannot make the next stage infeasible.
"""

from __future__ import annotations

import time

import pulp

from solver.problem import Demand, Problem, Solution
from solver.quiet import stdout_silenced

KEEP_RELATIVE = 1e-9
KEEP_ABSOLUTE = 1e-6
"""Slack allowed on an earlier stage's optimum when the next stage is solved."""

MIN_TONNES = 0.01
"""Planned quantities below ten kilograms are solver noise and are dropped."""


def make_solver(name: str = "highs", time_limit: float | None = None) -> pulp.LpSolver:
    """A silent PuLP solver: ``"highs"`` (through highspy) or ``"cbc"``.

    HiGHS falls back to CBC when highspy is not importable. Raises ``ValueError`` for any
    other name. Output is always off (``msg=False``): a banner would corrupt the
    workstation's screen and ``--json`` output.
    """
    if name == "highs":
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit)
        if solver.available():
            return solver
        name = "cbc"
    if name == "cbc":
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)
    raise ValueError(f"unknown solver {name!r}: use 'highs' or 'cbc'")


def solve(problem: Problem, solver: str = "highs", time_limit: float | None = None) -> Solution:
    """Plan ``problem`` lexicographically (key-account tonnes, margin, priority).

    Returns a :class:`Solution`; never raises for an infeasible or failed solve — the
    status says so and ``message`` explains.
    """
    with stdout_silenced():
        return _solve(problem, solver, time_limit)


def _solve(problem: Problem, solver: str, time_limit: float | None) -> Solution:
    started = time.perf_counter()
    engine = make_solver(solver, time_limit)
    model = pulp.LpProblem("prioritiser", pulp.LpMaximize)
    x = _variables(problem.demands)
    _add_constraints(model, problem, x)

    key_expr = pulp.lpSum(x[d.id, o.mill] for d in problem.demands if d.key_account for o in d.options)
    margin_expr = pulp.lpSum(
        o.margin_per_tonne * x[d.id, o.mill] for d in problem.demands for o in d.options
    )
    priority_expr = pulp.lpSum(
        d.priority * x[d.id, o.mill] for d in problem.demands if d.priority for o in d.options
    )
    stages = [("key", key_expr), ("margin", margin_expr), ("priority", priority_expr)]
    for stage, expr in stages:
        if not expr.items():  # nothing to optimise at this stage (no key accounts, no priorities)
            continue
        model.setObjective(expr)
        model.solve(engine)
        status = pulp.LpStatus[model.status]
        if status != "Optimal":
            return _failed(status, stage, engine, started)
        value = pulp.value(expr) or 0.0
        slack = max(KEEP_ABSOLUTE, KEEP_RELATIVE * abs(value))
        model += expr >= value - slack, f"keep_{stage}"
    tonnes = {
        key: round(var.varValue, 3)
        for key, var in x.items()
        if var.varValue is not None and var.varValue >= MIN_TONNES
    }
    key_accounts = {d.id for d in problem.demands if d.key_account}
    margins = {(d.id, o.mill): o.margin_per_tonne for d in problem.demands for o in d.options}
    return Solution(
        status="optimal",
        solver=engine.name,
        seconds=time.perf_counter() - started,
        tonnes=tonnes,
        key_account_tonnes=sum(t for (d, _), t in tonnes.items() if d in key_accounts),
        margin=sum(t * margins[key] for key, t in tonnes.items()),
    )


def _variables(demands: tuple[Demand, ...]) -> dict[tuple[int, int], pulp.LpVariable]:
    x = {}
    for d in demands:
        locked = dict(d.locked)
        for o in d.options:
            name = f"x_{d.id}_{o.mill}"
            if o.mill in locked:
                x[d.id, o.mill] = pulp.LpVariable(name, locked[o.mill], locked[o.mill])
            else:
                x[d.id, o.mill] = pulp.LpVariable(name, 0, d.tonnes)
    return x


def _add_constraints(model: pulp.LpProblem, problem: Problem, x: dict) -> None:
    for d in problem.demands:
        if len(d.options) > 1:
            model += pulp.lpSum(x[d.id, o.mill] for o in d.options) <= d.tonnes, f"demand_{d.id}"
    usage: dict[int, list[tuple[pulp.LpVariable, float]]] = {}
    for d in problem.demands:
        for o in d.options:
            usage.setdefault(o.mill, []).append((x[d.id, o.mill], o.hours_per_tonne))
    for mill, terms in usage.items():
        model += pulp.LpAffineExpression(terms) <= problem.hours.get(mill, 0.0), f"hours_{mill}"


def _failed(status: str, stage: str, engine: pulp.LpSolver, started: float) -> Solution:
    if status == "Infeasible":
        message = "no plan keeps every locked line within the mills' hours"
        code = "infeasible"
    else:
        message = f"the solver stopped with status {status!r} at the {stage} stage"
        code = "error"
    return Solution(code, engine.name, time.perf_counter() - started, message=message)
