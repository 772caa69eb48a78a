"""Running one solve with HiGHS or CBC through PuLP, and reading its outcome correctly.

PuLP folds several solver states into ``LpStatusOptimal`` (HiGHS's time limit among them),
so the outcome is read from the solver itself: HiGHS's model status, primal solution
status and MIP dual bound (``Highs.getInfo()``); CBC's solution-file status and the
"Objective value" and "Lower bound" (or, maximising, "Upper bound") lines of its log. A MIP
counts as optimal only when its value meets its bound: a solver's own "optimal" within its
relative-gap option is reported as "feasible" with that gap.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from dataclasses import dataclass

import pulp

GAP_ZERO = 1e-9
"""Relative gaps below this are round-off: the plan is proven optimal."""

TIME_FLOOR = 0.01
"""Least time limit handed to a solver (s): CBC reads 0 as "no limit"."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one solve ended: ``kind`` in ``"optimal"``, ``"feasible"`` (a solution, not proven
    best; ``gap`` relative or ``None`` if unknown), ``"infeasible"``, ``"no_solution"`` (the
    time limit came first), ``"error"``; ``detail`` names the solver state."""

    kind: str
    gap: float | None = None
    detail: str = ""


class _HiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface, handed the variables' current values as a starting solution
    when ``warm`` (a later stage then never starts from nothing)."""

    def __init__(self, warm: bool, **kwargs) -> None:
        super().__init__(**kwargs)
        self.warm = warm

    def callSolver(self, lp: pulp.LpProblem) -> None:
        if self.warm:
            import highspy  # present: this class is only used when pulp.HiGHS is available

            columns = lp.variables()
            start = highspy.HighsSolution()
            start.col_value = [0.0] * len(columns)
            for var in columns:
                start.col_value[var.index] = var.varValue or 0.0
            lp.solverModel.setSolution(start)
        super().callSolver(lp)


def engine_name(name: str) -> str:
    """The engine that will run for ``name``: HiGHS falls back to CBC without highspy."""
    if name == "highs" and not pulp.HiGHS(msg=False).available():
        return "cbc"
    return name


def label(name: str) -> str:
    return {"highs": "HiGHS", "cbc": "PULP_CBC_CMD"}[engine_name(name)]


def run(lp: pulp.LpProblem, name: str, time_limit: float | None, gap: float, warm: bool) -> Outcome:
    """Solve ``lp`` (already holding its objective) with engine ``name``; never raises for
    solver trouble."""
    limit = None if time_limit is None else max(time_limit, TIME_FLOOR)
    if engine_name(name) == "highs":
        return _run_highs(lp, limit, gap, warm)
    return _run_cbc(lp, limit, gap, warm)


def _run_highs(lp: pulp.LpProblem, limit: float | None, gap: float, warm: bool) -> Outcome:
    import highspy

    solver = _HiGHS(warm, msg=False, timeLimit=limit, gapRel=gap, mip_abs_gap=0.0)
    try:
        lp.solve(solver)
    except (pulp.PulpSolverError, IndexError) as error:  # IndexError: PuLP reading an empty solution
        highs = getattr(lp, "solverModel", None)
        if highs is None:
            return Outcome("error", detail=str(error))
    highs = lp.solverModel
    status = highs.getModelStatus()
    info = highs.getInfo()
    detail = highs.modelStatusToString(status)
    statuses = highspy.HighsModelStatus
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible):
        return Outcome("infeasible", detail=detail)
    if status == statuses.kOptimal or has_solution:
        if not lp.isMIP():
            return Outcome("optimal" if status == statuses.kOptimal else "feasible", 0.0 if status == statuses.kOptimal else None, detail)
        return _graded(info.objective_function_value, info.mip_dual_bound, detail)
    if status in (statuses.kTimeLimit, statuses.kIterationLimit, statuses.kInterrupt):
        return Outcome("no_solution", detail=detail)
    return Outcome("error", detail=detail)


def _graded(value: float, bound: float, detail: str) -> Outcome:
    """Optimal when value and bound meet; feasible with their relative gap otherwise
    (relative to |value|, at least 1, so a plan worth 0 RUB does not divide by zero)."""
    gap = abs(bound - value) / max(abs(value), 1.0)
    if gap <= GAP_ZERO:
        return Outcome("optimal", 0.0, detail)
    return Outcome("feasible", gap, detail)


_NUMBER = r"(-?[0-9.eE+\-]+)"


def _run_cbc(lp: pulp.LpProblem, limit: float | None, gap: float, warm: bool) -> Outcome:
    handle, log = tempfile.mkstemp(prefix="millplan-cbc-", suffix=".log")
    os.close(handle)
    solver = pulp.PULP_CBC_CMD(
        msg=False, timeLimit=limit, gapRel=gap or None, warmStart=warm, logPath=log
    )
    started = time.perf_counter()
    try:
        lp.solve(solver)
        elapsed = time.perf_counter() - started
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except (pulp.PulpSolverError, OSError) as error:
        return Outcome("error", detail=str(error))
    finally:
        with contextlib.suppress(OSError):
            os.remove(log)
    result = re.search(r"^Result - (.*)$", text, re.M)
    detail = result.group(1).strip() if result else pulp.LpStatus[lp.status]
    if lp.status == pulp.LpStatusInfeasible:
        if limit is not None and elapsed >= limit:
            # CBC's preprocessing, cut short by the limit, can call a feasible MIP
            # infeasible ("Pre-processing says infeasible"): only the time is certain
            return Outcome("no_solution", detail=f"stopped at the time limit ({detail})")
        return Outcome("infeasible", detail=detail)
    if lp.status != pulp.LpStatusOptimal:
        stopped = limit is not None and lp.sol_status == pulp.LpSolutionNoSolutionFound
        return Outcome("no_solution" if stopped else "error", detail=detail)
    value = re.search(r"^Objective value:\s+" + _NUMBER, text, re.M)
    bound = re.search(r"^(?:Lower|Upper) bound:\s+" + _NUMBER, text, re.M)
    if value and bound:
        return _graded(float(value.group(1)), float(bound.group(1)), detail)
    if lp.sol_status == pulp.LpSolutionOptimal:
        return Outcome("optimal", 0.0, detail)
    return Outcome("feasible", None, detail)
