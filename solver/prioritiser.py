"""The monthly prioritiser: a lexicographic linear programme solved with PuLP.

Model (DESIGN.md, "The prioritiser"): tonnes ``x[p, m] ≥ 0`` of demand *p* on each mill *m*
that can make it; ``Σ_m x[p, m] ≤ tonnes[p]``; for every mill
``Σ_p x[p, m] · hours_per_tonne[p, m] ≤ hours[m]``; locked lines fixed at their tonnes.
Objectives, each solved while keeping the optimum of the previous ones:

1. the most key-account tonnes;
2. the most marginal income ``Σ x · margin_per_tonne`` (RUB);
3. the most priority-weighted tonnes — manual priority only breaks ties.

Each later stage is held to the earlier optimum in two ways. The earlier objective must
keep its value up to :data:`KEEP_RELATIVE` of the size of its terms (at least
:data:`KEEP_ABSOLUTE`), so solver round-off cannot make the next stage infeasible. And the
plan must stay on the earlier optimal face (:func:`_hold_to_optimum`), so the next stage
cannot buy itself anything with that slack: on a book of 100,000 t the slack alone would
let priority outweigh a margin difference of 1 RUB/t by a tonne.
"""

from __future__ import annotations

import time

import pulp

from solver.problem import Demand, Problem, Solution
from solver.quiet import stdout_silenced

KEEP_RELATIVE = 1e-9
KEEP_ABSOLUTE = 1e-6
"""Slack allowed on an earlier stage's optimum when the next stage is solved, relative to
Σ |coefficient × value| of that stage's objective."""

CBC_KEEP_RELATIVE = 1e-7
"""CBC hands its solution back in a file with eight significant digits, so an objective
recomputed from those values can overshoot the optimum by 5e-8 of its terms; a smaller
slack makes the next stage wrongly infeasible."""

FACE_TOLERANCE = 1e-7
"""Reduced costs and duals below this fraction of the largest objective coefficient count
as zero when a stage is held to the previous optimum."""

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
    if name == "cbc":  # the CBC bundled with PuLP 3 (pinned below 4, which drops it)
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
    x = _variables(model, problem.demands)
    _add_constraints(model, problem, x)

    key_expr = pulp.lpSum(x[d.id, o.mill] for d in problem.demands if d.key_account for o in d.options)
    margin_expr = pulp.lpSum(
        o.margin_per_tonne * x[d.id, o.mill] for d in problem.demands for o in d.options
    )
    priority_expr = pulp.lpSum(
        d.priority * x[d.id, o.mill] for d in problem.demands if d.priority for o in d.options
    )
    stages = [("key", key_expr), ("margin", margin_expr), ("priority", priority_expr)]
    relative = CBC_KEEP_RELATIVE if isinstance(engine, pulp.COIN_CMD) else KEEP_RELATIVE
    first = True
    proven = None  # the objective of the last stage, if solved to proven optimality
    for stage, expr in stages:
        if not expr.items():  # nothing to optimise at this stage (no key accounts, no priorities)
            continue
        release = _hold_to_optimum(model, x, proven) if proven is not None else None
        model.setObjective(expr)
        model.solve(engine)
        if release is not None and model.status in (pulp.LpStatusInfeasible, pulp.LpStatusUndefined):
            release()  # numerical trouble on the face: fall back to the kept value alone
            model.solve(engine)
        status = pulp.LpStatus[model.status]
        if status != "Optimal":
            return _failed(status, stage, engine, started, first=first)
        first = False
        value = pulp.value(expr) or 0.0
        size = sum(abs(c * (var.varValue or 0.0)) for var, c in expr.items())
        slack = max(KEEP_ABSOLUTE, relative * size)
        model += expr >= value - slack, f"keep_{stage}"
        # a time limit also reports "Optimal", but its duals do not describe an optimum
        proven = expr if model.sol_status == pulp.LpSolutionOptimal else None
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


def _variables(model: pulp.LpProblem, demands: tuple[Demand, ...]) -> dict[tuple[int, int], pulp.LpVariable]:
    x = {}
    for d in demands:
        locked = dict(d.locked)
        for o in d.options:
            name = f"x_{d.id}_{o.mill}"
            if o.mill in locked:
                x[d.id, o.mill] = model.add_variable(name, locked[o.mill], locked[o.mill])
            else:
                x[d.id, o.mill] = model.add_variable(name, 0, d.tonnes)
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


def _hold_to_optimum(model: pulp.LpProblem, x: dict, objective: pulp.LpAffineExpression):
    """Keep the model on the optimal face of its last solve, of ``objective``; returns a
    function that lifts the hold.

    By complementary slackness every optimal plan keeps each variable with a non-zero
    reduced cost at the bound it sits on and each constraint with a non-zero dual tight,
    and every feasible plan that does so is optimal. Bounds and right-hand sides are exact
    data, so unlike a kept objective value nothing can be traded away.
    """
    tolerance = FACE_TOLERANCE * max([1.0, *(abs(c) for c in objective.values())])
    bounds = []
    for var in x.values():
        low, high = var.lowBound, var.upBound
        if low != high and abs(var.dj or 0.0) > tolerance:
            bounds.append((var, low, high))
            value = var.varValue or 0.0
            var.lowBound = var.upBound = low if value - low <= high - value else high
    senses = []
    for row in model.constraints():
        if row.sense != pulp.LpConstraintEQ and abs(row.pi or 0.0) > tolerance:
            senses.append((row, row.sense))
            row.sense = pulp.LpConstraintEQ

    def release() -> None:
        for var, low, high in bounds:
            var.lowBound, var.upBound = low, high
        for row, sense in senses:
            row.sense = sense

    return release


def _failed(status: str, stage: str, engine: pulp.LpSolver, started: float, first: bool) -> Solution:
    """``first``: the stage was the first solved. Past it the constraints are known to be
    feasible, so a later stage's failure is the solver's, not the locks'."""
    if status == "Infeasible" and first:
        message = "no plan keeps every locked line within the mills' hours"
        code = "infeasible"
    else:
        message = f"the solver stopped with status {status!r} at the {stage} stage"
        code = "error"
    return Solution(code, engine.name, time.perf_counter() - started, message=message)
