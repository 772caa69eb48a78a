"""The prioritiser: a lexicographic plan over the horizon, solved with PuLP.

The model is in :mod:`millplan.solver.model`. Objectives (:data:`millplan.solver.model.STAGES`), each solved
while keeping the optimum of the previous ones:

1. ``key`` — the most key-account tonnes made by their due month (an overdue position is
   due in the plan month);
2. ``key_horizon`` — the most key-account tonnes made within the horizon, late or not: an
   overdue key account goes before any non-key work its mills could give way;
3. ``key_lateness`` — the fewest key-account tonne-months late: those tonnes in the
   earliest months;
4. ``margin`` — the most marginal income less lateness penalties (and less the stability
   penalty for changing the approved revision) (RUB);
5. ``priority`` — the most priority-weighted tonnes: manual priority only breaks ties.

A stage with nothing to optimise is not run, nor one whose ceiling
(:func:`millplan.solver.model.ceiling`) the plan already reaches: every key-account tonne made, or
none late.

Each later stage keeps the earlier objective's value up to :data:`KEEP_RELATIVE` of the
size of its terms (at least :data:`KEEP_ABSOLUTE`), so solver round-off cannot make the
next stage infeasible. A pure LP is also held on the earlier optimal face
(:func:`_hold_to_optimum`), so the next stage cannot buy itself anything with that slack:
on a book of 100,000 t the slack alone would let priority outweigh a margin difference of
1 RUB/t by a tonne. A MIP has no such face (reduced costs do not describe its optimum):
there the kept value alone holds, and each stage starts from the previous stage's plan.

A time limit covers all stages together, shared by :data:`STAGE_TIME_WEIGHTS`. When it
stops a later stage before it improves on the earlier plan, that plan is returned as
"feasible".
"""

from __future__ import annotations

import time
from dataclasses import replace

import pulp

from millplan.solver import engines
from millplan.solver.conflicts import find_conflicts, residual_conflict
from millplan.solver.explain import explain
from millplan.solver.model import KEY_STAGES, STAGES, Model, build, ceiling, due_period, months_late
from millplan.solver.problem import Lock, Problem, Solution, report_tonnes
from millplan.solver.quiet import banner_spent
from millplan.solver.rounding import round_whole

KEEP_RELATIVE = 1e-9
KEEP_ABSOLUTE = 1e-6
"""Slack allowed on an earlier stage's optimum when the next stage is solved, relative to
Σ |coefficient × value| of that stage's objective."""

CBC_KEEP_RELATIVE = 1e-7
"""CBC hands its solution back in a file with eight significant digits, so an objective
recomputed from those values can overshoot the optimum by 5e-8 of its terms; a smaller
slack makes the next stage wrongly infeasible."""

MIP_KEEP_RELATIVE = 1e-7
"""A MIP solver accepts integrality within 1e-6 or so: a kept value must allow for it."""

FACE_TOLERANCE = 1e-7
"""Reduced costs and duals below this fraction of the largest objective coefficient count
as zero when a stage is held to the previous optimum."""

STAGE_TIME_WEIGHTS = {"key": 1.0, "key_horizon": 1.0, "key_lateness": 1.0, "margin": 3.0, "priority": 1.0}
"""How a time limit is shared: each stage gets its weight's share of the time still left
among the stages still to run (all five: a seventh each for the key-account stages, then
half of what is left for the margin, and what remains). A MIP's key-account stages must
not eat the time that the margin — the plan's money — needs."""

MIN_TONNES = 0.01
"""Planned quantities below ten kilograms are solver noise and are dropped."""


def solve(problem: Problem, solver: str | None = None, time_limit: float | None = None) -> Solution:
    """Plan ``problem`` lexicographically (key-account tonnes on time, margin less
    penalties, priority) under ``problem.settings``; ``solver`` and ``time_limit``, when
    given, override the settings' own.

    Returns a :class:`Solution`; never raises for an infeasible, time-limited or failed
    solve — the status says so and ``message`` explains. Raises ``ValueError`` for an
    unknown solver name. Prints nothing on standard output.
    """
    if solver is not None:
        problem = replace(problem, settings=replace(problem.settings, solver=solver))
    if time_limit is not None:
        problem = replace(problem, settings=replace(problem.settings, time_limit=time_limit))
    banner_spent()
    return _solve(problem)


class Planner:
    """Plans one problem and re-plans it after small changes, keeping the built model.

    ``Planner(problem, solver=None, time_limit=None)`` (overrides as for :func:`solve`);
    ``.solve()`` plans the current problem and returns a :class:`Solution` exactly as
    :func:`solve` would for ``.problem``; ``.set_hours(mill, period, hours)`` and
    ``.lock(demand, mill, period, tonnes)`` change the problem. A change of a mill-period's
    hours (one with lines) becomes the right-hand side of its hours row, and a lock on a
    split position (a mill without a minimum lot, the line inside its window) becomes the
    bounds of its line, both in place: the next ``.solve()`` skips the model build (the
    larger part of a re-plan on PuLP). Other changes rebuild the model at the next solve.
    Raises ``ValueError`` as :class:`Problem` does for a bad change (the problem is then
    unchanged), and for an unknown demand id.
    """

    def __init__(self, problem: Problem, solver: str | None = None, time_limit: float | None = None) -> None:
        if solver is not None:
            problem = replace(problem, settings=replace(problem.settings, solver=solver))
        if time_limit is not None:
            problem = replace(problem, settings=replace(problem.settings, time_limit=time_limit))
        self.problem = problem
        self._model: Model | None = None

    def solve(self) -> Solution:
        """Plan the current problem (see :func:`solve`), building the model if a change
        needs it."""
        banner_spent()
        if self._model is None:
            self._model = build(self.problem)
        return _solve(self.problem, self._model)

    def set_hours(self, mill: int, period: int, hours: float) -> None:
        """Mill ``mill`` has ``hours`` (h) in ``period`` from now on."""
        self.problem = replace(self.problem, hours={**self.problem.hours, (mill, period): hours})
        name = None if self._model is None else self._model.hours_rows.get((mill, period))
        if name is None or (hours > 0) != (self._model.lp._constraints[name].constant < 0):
            self._model = None  # lines appear or go (a mill-period with no hours has none that can be used)
            return
        self._model.lp._constraints[name].constant = -hours  # the row is Σ h·x − hours ≤ 0

    def lock(self, demand: int, mill: int, period: int, tonnes: float) -> None:
        """Lock ``tonnes`` (t) of demand ``demand`` on ``mill`` in ``period`` (replacing a
        lock it had on that mill and period)."""
        demands = {d.id: d for d in self.problem.demands}
        if demand not in demands:
            raise ValueError(f"no demand {demand} to lock")
        d = demands[demand]
        locks = tuple(lock for lock in d.locked if (lock.mill, lock.period) != (mill, period)) + (
            Lock(mill, period, tonnes),
        )
        locked = replace(d, locked=locks)
        self.problem = replace(
            self.problem, demands=tuple(locked if x.id == demand else x for x in self.problem.demands)
        )
        s = self.problem.settings
        line = None if self._model is None else self._model.lines.get((demand, mill, period))
        if line is None or s.whole or s.min_lot.get(mill, 0.0) > 0 or line[1] != 1.0:
            self._model = None  # a whole position or a lot line changes the model's shape
            return
        line[0].lowBound = line[0].upBound = tonnes  # exactly what build makes of a locked line


def _solve(problem: Problem, model: Model | None = None) -> Solution:
    """Plan ``problem`` on ``model`` (built from it when ``None``); leaves the model as
    built — no stage's hold or kept value — so that it can be planned again."""
    started = time.perf_counter()
    name = engines.label(problem.settings.solver)
    conflicts = find_conflicts(problem)
    if conflicts:
        return _infeasible(name, started, conflicts)
    if model is None:
        model = build(problem)
    holds: list[_Hold] = []
    try:
        return _stages(problem, model, started, name, holds)
    finally:
        for hold in reversed(holds):
            hold.release()
        for row in [row for row in model.lp._constraints if row.startswith("keep_")]:
            del model.lp._constraints[row]


def _stages(problem: Problem, model: Model, started: float, name: str, holds: list) -> Solution:
    """The lexicographic stages and the solution; each hold made is added to ``holds``."""
    s = problem.settings
    deadline = None if s.time_limit is None else started + s.time_limit
    # a stage with nothing to optimise (no key accounts, no priorities) is not run
    stages = [(stage, model.stage(stage)) for stage in STAGES if model.stage(stage).items()]
    relative = MIP_KEEP_RELATIVE if model.is_mip else KEEP_RELATIVE
    if engines.engine_name(s.solver) == "cbc":
        relative = max(relative, CBC_KEEP_RELATIVE)
    solved = None  # the variables' values after the last stage that gave a plan
    gaps: list[float | None] = []
    proven = None  # the objective of the last stage, if an LP solved to proven optimality
    prices = None  # shadow prices read from the margin stage of an LP, or its relaxation for whole positions
    notes = []
    for number, (stage, expr) in enumerate(stages):
        if solved is not None and stage in KEY_STAGES and _reaches_ceiling(problem, model, expr):
            _keep(model, stage, expr, relative)  # optimal as it stands: no solve, no new hold
            continue
        left = None if deadline is None else deadline - time.perf_counter()
        if solved is not None and left is not None and left <= 0:
            notes.append(f"the time limit was reached before the {stage} stage")
            break
        if left is not None:
            weights = [STAGE_TIME_WEIGHTS[later] for later, _ in stages[number:]]
            left = left * weights[0] / sum(weights)
        hold = _hold_to_optimum(model, proven) if proven is not None else None
        if hold is not None:
            holds.append(hold)
        model.lp.setObjective(expr)
        start = model.variables if solved is not None and model.is_mip else None
        outcome = rounded = None
        if start is not None and s.whole and s.gap > 0 and engines.engine_name(s.solver) == "highs":
            rounded, left, relaxed_prices, bound = _rounded(problem, model, expr, left)
            if stage == "margin" and s.explain:
                prices = relaxed_prices
            if rounded is None:
                for var, value in solved.items():  # no rounded plan: start from the earlier stage's
                    var.varValue = value
            elif (rounded.gap or 0.0) <= s.gap:
                outcome = rounded  # within the gap already: no MIP
            else:
                rounded_plan = {var: var.varValue for var in model.variables}  # the MIP starts from it
        if outcome is None:
            outcome = engines.run(model.lp, s.solver, left, s.gap, model.is_mip, start)
            if rounded is not None and outcome.kind not in ("optimal", "feasible"):
                for var, value in rounded_plan.items():  # the MIP stopped before it: the rounded plan stands
                    var.varValue = value
                outcome = rounded
            elif rounded is not None and outcome.kind == "feasible":
                # the LP bound may be the better one (a MIP stopped before its root bound)
                value = pulp.value(expr) or 0.0
                to_lp = max(0.0, bound - value) / max(abs(value), 1.0)
                outcome = replace(outcome, gap=to_lp if outcome.gap is None else min(outcome.gap, to_lp))
        if hold is not None and outcome.kind in ("infeasible", "error"):
            hold.release()  # numerical trouble on the face: fall back to the kept value alone
            hold = None
            outcome = engines.run(model.lp, s.solver, left, s.gap, model.is_mip, None)
        if outcome.kind in ("optimal", "feasible"):
            if stage == "margin" and s.explain and outcome.kind == "optimal" and not model.is_mip:
                prices = _margin_prices(problem, model, holds)
            gaps.append(outcome.gap)
            solved = {var: var.varValue for var in model.variables}
            _keep(model, stage, expr, relative)
            proven = expr if outcome.kind == "optimal" and not model.is_mip else None
            continue
        if solved is None:
            return _failed(outcome, stage, name, started, problem)
        for var, value in solved.items():  # back to the earlier stage's plan
            var.varValue = value
        notes.append(f"the {stage} stage ended without a better plan ({outcome.detail})")
        break
    # the gap is that of the stages completed; a stage left undone is named in the notes
    gap = None if None in gaps else max(gaps, default=0.0)
    if gap == 0.0 and not notes:
        status = "optimal"
    else:
        status = "feasible"
        notes.append("not proven optimal" + (f": relative gap {gap:.3g}" if gap is not None else ""))
    return _result(problem, model, status, gap, name, started, "; ".join(notes), prices)


def _reaches_ceiling(problem: Problem, model: Model, expr: pulp.LpAffineExpression) -> bool:
    """Whether the plan in the variables gives ``expr`` its ceiling (within the round-off a
    kept value allows): no plan does better."""
    top = ceiling(problem, model, expr)
    return (pulp.value(expr) or 0.0) >= top - KEEP_RELATIVE * max(1.0, abs(top))


def _keep(model: Model, stage: str, expr: pulp.LpAffineExpression, relative: float) -> None:
    """Add the row ``keep_<stage>`` holding ``expr`` at its value in the variables, less the
    slack round-off needs (relative to Σ |coefficient × value|)."""
    value = pulp.value(expr) or 0.0
    size = sum(abs(c * (var.varValue or 0.0)) for var, c in expr.items())
    model.lp += expr >= value - max(KEEP_ABSOLUTE, relative * size), f"keep_{stage}"


def _rounded(problem: Problem, model: Model, expr, left: float | None):
    """Solve the stage's LP relaxation and round it to a whole plan (:mod:`millplan.solver.rounding`),
    left in the variables. Returns ``(outcome, time left, prices)``: the outcome of the
    rounded plan, "feasible" (or "optimal") with its gap to the LP bound, when it meets
    every row; ``None`` when it does not (or the relaxation was not solved). Then
    ``prices`` and the LP ``bound``.
    ``prices``: the relaxation's duals of the hours rows — for the margin stage, the shadow
    prices of :func:`millplan.solver.explain.shadow_prices` (``None`` if it was not solved)."""
    started = time.perf_counter()
    relaxed = engines.run(model.lp, problem.settings.solver, left, 0.0, False, None)
    remaining = None if left is None else left - (time.perf_counter() - started)
    if relaxed.kind != "optimal":
        return None, remaining, None, None
    rows = model.lp._constraints  # by name
    prices = _hours_prices(problem, model, {name: rows[name].pi or 0.0 for name in model.hours_rows.values()})
    bound = pulp.value(expr) or 0.0
    if not round_whole(problem, model, expr):
        return None, remaining, prices, bound
    value = pulp.value(expr) or 0.0
    found = max(0.0, bound - value) / max(abs(value), 1.0)
    if found <= engines.GAP_ZERO:
        return engines.Outcome("optimal", 0.0, "the LP relaxation rounded to whole positions"), remaining, prices, bound
    return engines.Outcome("feasible", found, "the LP relaxation rounded to whole positions"), remaining, prices, bound


def _hours_prices(problem: Problem, model: Model, duals: dict[str, float]) -> dict[tuple[int, int], float]:
    """RUB/h by (mill, period) of the horizon from the duals of the hours rows by name (0
    for a mill-period no line uses)."""
    prices = {(m, t): 0.0 for m, t in problem.hours if 0 <= t < problem.settings.periods}
    # a maximisation's hours row is worth ≥ 0 per hour; the sign HiGHS reports is its own
    prices.update({cell: abs(duals[name]) for cell, name in model.hours_rows.items()})
    return prices


def _result(
    problem: Problem,
    model: Model,
    status: str,
    gap: float | None,
    name: str,
    started: float,
    message: str,
    prices: dict | None = None,
) -> Solution:
    tonnes = {}
    for key in model.lines:
        value = model.tonnes(key)
        if value >= MIN_TONNES:
            tonnes[key] = report_tonnes(value)
    s = problem.settings
    demands = {d.id: d for d in problem.demands}
    options = {(d.id, o.mill): o for d in problem.demands for o in d.options}
    key_tonnes = gross = lateness = 0.0
    for (d, m, t), amount in tonnes.items():
        demand = demands[d]
        gross += amount * options[d, m].margin_per_tonne
        lateness += amount * s.lateness_penalty * months_late(demand, t)
        if demand.key_account and t <= due_period(demand):
            key_tonnes += amount
    shadow_prices, explanations = {}, {}
    limit = None if s.time_limit is None else s.time_limit - (time.perf_counter() - started)
    if s.explain and prices is None and limit is not None and limit <= 0:
        message = "; ".join(filter(None, (message, "no shadow prices or explanations: the time limit was reached")))
    elif s.explain:
        kept = {stage: pulp.value(model.stage(stage)) or 0.0 for stage in KEY_STAGES}
        shadow_prices, explanations = explain(problem, tonnes, kept, prices, limit)
        if not shadow_prices and any(0 <= t < s.periods for _, t in problem.hours):
            # the relaxation did not finish in time: reasons without prices would mislead
            explanations = {}
            message = "; ".join(filter(None, (message, "no shadow prices or explanations: the time limit was reached")))
    return Solution(
        status=status,
        solver=name,
        seconds=time.perf_counter() - started,
        gap=gap,
        tonnes=tonnes,
        key_account_tonnes=key_tonnes,
        margin=gross - lateness,
        gross_margin=gross,
        lateness_cost=lateness,
        moved_lines=_moved_lines(problem, tonnes),
        shadow_prices=shadow_prices,
        explanations=explanations,
        message=message,
    )


def _moved_lines(problem: Problem, tonnes: dict) -> int:
    """Lines of the approved revision (within the horizon) not kept as they were."""
    moved = 0
    for d in problem.demands:
        for p in d.previous:
            if 0 <= p.period < problem.settings.periods:
                moved += abs(tonnes.get((d.id, p.mill, p.period), 0.0) - p.tonnes) >= MIN_TONNES
    return moved


class _Hold:
    """Variables fixed at a bound and rows made equalities by :func:`_hold_to_optimum`,
    with what they were."""

    def __init__(self, bounds: list, senses: list) -> None:
        self.bounds = bounds  # (variable, lowBound, upBound) as they were
        self.senses = senses  # (row, sense) as they were

    def release(self) -> None:
        """Give the PuLP model back its bounds and row senses."""
        for var, low, high in self.bounds:
            var.lowBound, var.upBound = low, high
        for row, sense in self.senses:
            row.sense = sense


def _hold_to_optimum(model: Model, objective: pulp.LpAffineExpression) -> _Hold:
    """Keep the model on the optimal face of its last solve, of ``objective``; returns the
    hold, which can be released.

    By complementary slackness every optimal plan keeps each variable with a non-zero
    reduced cost at the bound it sits on and each constraint with a non-zero dual tight,
    and every feasible plan that does so is optimal. Bounds and right-hand sides are exact
    data, so unlike a kept objective value nothing can be traded away.
    """
    tolerance = FACE_TOLERANCE * max([1.0, *(abs(c) for c in objective.values())])
    bounds = []
    for var in model.variables:
        low, high = var.lowBound, var.upBound
        if low != high and abs(var.dj or 0.0) > tolerance:
            bounds.append((var, low, high))
            value = var.varValue or 0.0
            if high is None or value - low <= high - value:
                var.upBound = low
            else:
                var.lowBound = high
    senses = []
    for row in model.lp.constraints():
        if row.sense != pulp.LpConstraintEQ and abs(row.pi or 0.0) > tolerance:
            senses.append((row, row.sense))
            row.sense = pulp.LpConstraintEQ
    return _Hold(bounds, senses)


def _margin_prices(problem: Problem, model: Model, holds: list[_Hold]) -> dict | None:
    """Shadow prices of the hours rows (RUB/h) from the margin stage of an LP just solved
    to optimality by HiGHS, as :func:`millplan.solver.explain.shadow_prices` defines them (margin
    objective, key-account stage values kept): the duals of that stage, after the holds on
    the earlier stages' optimal faces are lifted inside HiGHS and the LP re-solved from its
    optimal basis (a few iterations: the plan stays optimal, only the duals may change).
    The PuLP model keeps its holds. ``None`` when the engine is not HiGHS or the re-solve
    fails: the separate relaxation is solved instead."""
    highs = model.lp.solverModel
    if highs is None or engines.engine_name(problem.settings.solver) != "highs":
        return None
    if any(hold.bounds or hold.senses for hold in holds):
        import highspy

        infinity = highspy.kHighsInf
        for hold in holds:  # each fixed what the holds before it left open: they are disjoint
            for var, low, high in hold.bounds:
                highs.changeColBounds(var.index, -infinity if low is None else low, infinity if high is None else high)
            for row, sense in hold.senses:
                held, row.sense = row.sense, sense  # the row's bounds as they were, from PuLP
                low, high = row.getLb(), row.getUb()
                row.sense = held
                highs.changeRowBounds(row.index, -infinity if low is None else low, infinity if high is None else high)
        highs.setOptionValue("time_limit", float("inf"))
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
    duals = highs.getSolution().row_dual
    rows = model.lp._constraints  # by name
    return _hours_prices(problem, model, {name: duals[rows[name].index] for name in model.hours_rows.values()})


def _infeasible(name: str, started: float, conflicts) -> Solution:
    message = "infeasible: " + "; ".join(c.text for c in conflicts)
    return Solution("infeasible", name, time.perf_counter() - started, conflicts=tuple(conflicts), message=message)


def _failed(outcome: engines.Outcome, stage: str, name: str, started: float, problem: Problem) -> Solution:
    """No plan at all from the first stage solved. Infeasible here means the checks of
    :mod:`millplan.solver.conflicts` passed, so the locked and mandatory lines fit in hours but not
    in whole positions or lots: all of them are named."""
    seconds = time.perf_counter() - started
    if outcome.kind == "infeasible":
        conflict = residual_conflict(problem)
        return Solution("infeasible", name, seconds, conflicts=(conflict,), message=f"infeasible: {conflict.text}")
    if outcome.kind == "no_solution":
        limit = problem.settings.time_limit
        message = f"the time limit of {limit:g} s was reached before a feasible plan was found ({outcome.detail})"
        return Solution("no_solution", name, seconds, message=message)
    return Solution("error", name, seconds, message=f"the solver stopped at the {stage} stage: {outcome.detail}")
