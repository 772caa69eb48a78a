"""Running one solve with HiGHS or CBC through PuLP, and reading its outcome correctly.

PuLP folds several solver states into ``LpStatusOptimal`` (HiGHS's time limit among them),
so the outcome is read from the solver itself: HiGHS's model status, primal solution
status and MIP dual bound (``Highs.getInfo()``); CBC's solution-file status and the
"Objective value" and "Lower bound" (or, maximising, "Upper bound") lines of its log. A MIP
counts as optimal only when its value meets its bound: a solver's own "optimal" within its
relative-gap option is reported as "feasible" with that gap.

A solve run under a :class:`millplan.solver.control.Deadline` (:func:`millplan.solver.control.current`)
stops when the deadline is cancelled — HiGHS through its interrupt callbacks, CBC by its
process being killed — and :func:`run` then raises :class:`millplan.solver.control.Cancelled`.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass

import pulp
from pulp.apis import coin_api

from millplan.solver import control

GAP_ZERO = 1e-9
"""Relative gaps below this are round-off: the plan is proven optimal."""

TIME_FLOOR = 0.01
"""Least time limit handed to a solver (s): a limit already used up (by model building,
say) still lets the solver read the model and its starting plan, rather than a negative
limit it would refuse."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one solve ended: ``kind`` in ``"optimal"``, ``"feasible"`` (a solution, not proven
    best; ``gap`` relative or ``None`` if unknown), ``"infeasible"``, ``"no_solution"`` (the
    time limit came first), ``"error"``; ``detail`` names the solver state."""

    kind: str
    gap: float | None = None
    detail: str = ""


class _HiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface, handed the current values of ``start`` (the model's
    variables) as a starting solution, so a later stage never starts from nothing."""

    def __init__(self, start: list[pulp.LpVariable] | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.start = start

    def actualSolve(self, lp: pulp.LpProblem):
        """PuLP's solve, with the model's columns collected once: ``lp.variables()`` walks
        every row, and PuLP calls it three times a solve (a second per solve on a horizon
        with a stability penalty)."""
        columns = lp.variables()
        lp.variables = lambda: columns  # shadows the method on this instance for the solve
        try:
            return super().actualSolve(lp)
        finally:
            del lp.variables

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:
        """The same model as PuLP's own, handed to HiGHS in three calls (columns, their
        integrality, rows in compressed form) instead of one per column and row, which
        takes longer than the solve on a horizon of 10⁵ lines. Sets ``index`` on every
        variable and row, as PuLP's reading of the solution expects."""
        import highspy
        import numpy

        infinity = highspy.kHighsInf
        sense = -1.0 if lp.sense == pulp.LpMaximize else 1.0
        columns = lp.variables()
        objective = lp.objective or {}
        cost, lower, upper, integers = [], [], [], []
        for i, var in enumerate(columns):
            var.index = i
            cost.append(sense * objective.get(var, 0.0))
            lower.append(-infinity if var.lowBound is None else var.lowBound)
            upper.append(infinity if var.upBound is None else var.upBound)
            if var.cat == pulp.LpInteger and self.mip:
                integers.append(i)
        highs = lp.solverModel
        none = numpy.zeros(0, numpy.int32)
        highs.addCols(
            len(columns), numpy.array(cost), numpy.array(lower), numpy.array(upper), 0, none, none, numpy.zeros(0)
        )
        if integers:
            kinds = numpy.full(len(integers), int(highspy.HighsVarType.kInteger), numpy.uint8)
            highs.changeColsIntegrality(len(integers), numpy.array(integers, numpy.int32), kinds)
        starts, indices, values, row_lower, row_upper = [], [], [], [], []
        for i, row in enumerate(lp._constraints.values()):
            row.index = i
            starts.append(len(indices))
            for var, coefficient in row.items():
                if coefficient != 0:
                    indices.append(var.index)
                    values.append(coefficient)
            low, high = row.getLb(), row.getUb()
            row_lower.append(-infinity if low is None else low)
            row_upper.append(infinity if high is None else high)
        highs.addRows(
            len(starts),
            numpy.array(row_lower),
            numpy.array(row_upper),
            len(indices),
            numpy.array(starts, numpy.int32),
            numpy.array(indices, numpy.int32),
            numpy.array(values),
        )

    def callSolver(self, lp: pulp.LpProblem) -> None:
        if self.start:
            import highspy  # present: this class is only used when pulp.HiGHS is available

            values = [0.0] * lp.solverModel.getNumCol()
            for var in self.start:  # buildSolverModel numbered every variable of the model
                values[var.index] = var.varValue or 0.0
            solution = highspy.HighsSolution()
            solution.col_value = values  # assigned whole: the property hands out a copy
            lp.solverModel.setSolution(solution)
        deadline = control.current()
        if deadline is not None:  # checked at every interrupt point of the main solve; a
            highs = lp.solverModel  # sub-MIP heuristic is not interrupted (about a second)

            def stop(event) -> None:  # noqa: ANN001 — highspy's HighsCallbackEvent
                if deadline.cancelled:
                    event.interrupt()

            highs.cbSimplexInterrupt += stop
            highs.cbIpmInterrupt += stop
            highs.cbMipInterrupt += stop
        super().callSolver(lp)


class _Launcher:
    """Stands in for the ``subprocess`` module inside PuLP's CBC interface, which starts
    CBC with ``subprocess.Popen`` and keeps the process to itself: a CBC run under a
    deadline is handed to it, to be killed when the plan is cancelled."""

    def __getattr__(self, name: str):
        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args, **kwargs) -> subprocess.Popen:  # noqa: N802 — subprocess's name
        process = subprocess.Popen(*args, **kwargs)
        deadline = control.current()
        if deadline is not None:
            deadline.adopt(process)
        return process


coin_api.subprocess = _Launcher()


def engine_name(name: str) -> str:
    """The engine that will run for ``name``: HiGHS falls back to CBC without highspy."""
    if name == "highs" and not pulp.HiGHS(msg=False).available():
        return "cbc"
    return name


def label(name: str) -> str:
    """The engine's name as people know it, reported in ``Solution.solver``: HiGHS or CBC."""
    return {"highs": "HiGHS", "cbc": "CBC"}[engine_name(name)]


def run(
    lp: pulp.LpProblem, name: str, time_limit: float | None, gap: float, mip: bool, start: list[pulp.LpVariable] | None
) -> Outcome:
    """Solve ``lp`` (already holding its objective) with engine ``name``; ``mip``: it has
    integer variables (``False`` on a model with some solves its LP relaxation, on HiGHS);
    ``start``: all its variables, whose current values are a feasible
    plan to start from (``None``: none). Never raises for solver trouble; raises
    :class:`millplan.solver.control.Cancelled` when the current deadline is (or gets) cancelled."""
    deadline = control.current()
    if deadline is not None:
        deadline.check()
    limit = None if time_limit is None else max(time_limit, TIME_FLOOR)
    if engine_name(name) == "highs":
        outcome = _run_highs(lp, limit, gap, mip, start)
    else:
        outcome = _run_cbc(lp, limit, gap, start is not None)
    if deadline is not None:
        deadline.check()  # a solve cut short by cancel() has no outcome
    return outcome


def _run_highs(lp: pulp.LpProblem, limit: float | None, gap: float, mip: bool, start) -> Outcome:
    import highspy

    started = time.perf_counter()
    solver = _HiGHS(start, mip=mip, msg=False, timeLimit=limit, gapRel=gap, mip_abs_gap=0.0)
    lp.solverModel = None  # not the last stage's
    try:
        lp.solve(solver)
    except Exception as error:  # noqa: BLE001 — the contract: solver trouble is a status, not a raise
        # PuLP itself fails reading an empty solution (IndexError); HiGHS still knows why
        if lp.solverModel is None or lp.solverModel.getModelStatus() == highspy.HighsModelStatus.kNotset:
            return Outcome("error", detail=f"{type(error).__name__}: {error}")
    highs = lp.solverModel
    status = highs.getModelStatus()
    info = highs.getInfo()
    detail = highs.modelStatusToString(status)
    statuses = highspy.HighsModelStatus
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible):
        return Outcome("infeasible", detail=detail)
    if status == statuses.kOptimal or has_solution:
        if not _matches(lp, info.objective_function_value):
            if start is not None:  # HiGHS handed back the start, not what it found: solve again without one,
                # in the time left (a second full limit would double the run)
                remaining = None if limit is None else max(limit - (time.perf_counter() - started), TIME_FLOOR)
                return _run_highs(lp, remaining, gap, mip, None)
            return Outcome("error", detail=f"{detail}, but the solution returned does not give the objective reported")
        if mip:
            return _graded(info.objective_function_value, info.mip_dual_bound, detail)
        if status == statuses.kOptimal:
            return Outcome("optimal", 0.0, detail)
        # an LP cut short holds the simplex's interim point: feasible, but no plan (on a
        # 50 000-position book it was all zeros, and was saved as "feasible")
        return Outcome("no_solution", detail=f"stopped before the LP's optimum ({detail})")
    if status in (statuses.kTimeLimit, statuses.kIterationLimit, statuses.kInterrupt):
        return Outcome("no_solution", detail=detail)
    return Outcome("error", detail=detail)


def _matches(lp: pulp.LpProblem, reported: float) -> bool:
    """Whether the values read back give the objective HiGHS reports (which it minimises:
    a maximisation is handed over negated). After a restart that solves a MIP outright,
    HiGHS can report the new optimum yet return the starting solution it was given (seen
    with 1.16; cf. ERGO-Code/HiGHS#907, an optimum found but not returned)."""
    value = pulp.value(lp.objective) or 0.0
    if lp.sense == pulp.LpMaximize:
        reported = -reported
    return abs(value - reported) <= 1e-6 * max(1.0, abs(reported))


def _graded(value: float, bound: float, detail: str) -> Outcome:
    """Optimal when value and bound meet; feasible with their relative gap otherwise
    (relative to |value|, at least 1, so a plan worth 0 RUB does not divide by zero); the
    gap unknown when there is no bound yet (stopped before the root LP)."""
    if not math.isfinite(bound):
        return Outcome("feasible", None, detail)
    gap = abs(bound - value) / max(abs(value), 1.0)
    if gap <= GAP_ZERO:
        return Outcome("optimal", 0.0, detail)
    return Outcome("feasible", gap, detail)


_NUMBER = r"(-?[0-9.eE+\-]+)"


def _run_cbc(lp: pulp.LpProblem, limit: float | None, gap: float, warm: bool, preprocess: bool = True) -> Outcome:
    """CBC through PuLP, its log read for the bound. CBC 2.10's MIP preprocessing can call
    a feasible model infeasible ("Cut generators found to be infeasible! … Pre-processing
    says infeasible") — seen on small lot models and when cut short by a time limit — so
    that verdict is checked by solving again without preprocessing."""
    handle, log = tempfile.mkstemp(prefix="millplan-cbc-", suffix=".log")
    os.close(handle)
    solver = pulp.PULP_CBC_CMD(
        msg=False,
        timeLimit=limit,
        gapRel=gap or None,
        warmStart=warm,
        logPath=log,
        options=[] if preprocess else ["preprocess off"],
    )
    started = time.perf_counter()
    try:
        lp.solve(solver)
        elapsed = time.perf_counter() - started
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except Exception as error:  # noqa: BLE001 — the contract: solver trouble is a status, not a raise
        # a missing or broken CBC: PuLP says which; CBC's own last words are in its log
        said = []
        with contextlib.suppress(OSError), open(log, encoding="utf-8", errors="replace") as f:
            said = [line.strip() for line in f if line.strip()]
        last = f" (it said: {said[-1]})" if said else ""
        where = os.path.normpath(solver.path)
        return Outcome("error", detail=f"CBC at {where} could not be run{last}: {type(error).__name__}: {error}")
    finally:
        with contextlib.suppress(OSError):
            os.remove(log)
    result = re.search(r"^Result - (.*)$", text, re.M)
    detail = result.group(1).strip() if result else pulp.LpStatus[lp.status]
    if lp.status == pulp.LpStatusInfeasible:
        if preprocess and "Pre-processing says infeasible" in text:
            remaining = None if limit is None else max(limit - elapsed, TIME_FLOOR)
            return _run_cbc(lp, remaining, gap, warm, preprocess=False)
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
