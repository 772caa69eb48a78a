"""Posing one product line's plan to the solver and solving it within the plan's time.

The problem (:func:`line_problem`): periods count from the plan month, each position due in
its requested month, the locks and held positions fixed, the approved revision's lines
what the stability penalty keeps. The solve (:class:`Solve`) runs under the plan's
:class:`~millplan.solver.control.Deadline` in its share of the time left, tries
:data:`DEFAULT_SOLVER` when another solver fails (unless the caller named it) and, when the
default time limit alone found no plan, solves again for longer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.errors import InfeasiblePlan, InvalidInput
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.plant import Mill
from millplan.core.planning.attributes import PositionAttributes
from millplan.core.planning.locks import Held
from millplan.core.planning.options import NO_PLAN_RETRY, PlanOptions
from millplan.solver import control, prioritiser
from millplan.solver.control import Deadline
from millplan.solver.problem import Demand, Lock, Option, Problem, Settings, Solution


def priority_weight(manual_priority: int | None) -> int:
    """Tie-break weight: priority 1 (highest) → 3, 2 → 2, 3 → 1, none → 0."""
    return 0 if manual_priority is None else 4 - manual_priority


DEFAULT_SOLVER = PlanOptions().solver
"""The solver used where the options name none — and instead of one that fails, unless
the caller named it."""


def plan_deadline(given: Deadline | None) -> Deadline:
    """``given``, else the deadline the caller runs this under, else a new one."""
    return given or control.current() or Deadline()


@dataclass(frozen=True)
class Solve:
    """How one line's problem is solved within its plan: under ``deadline``, in at most
    ``share`` s (its part of the plan's time left; ``None``: no limit), its options' own
    time limit else ``default_time_limit``; ``insisted``: the caller named the solver, so
    no other is tried when it fails."""

    deadline: Deadline
    share: float | None = None
    default_time_limit: float | None = None
    insisted: bool = False

    def __call__(self, problem: Problem, where: str) -> tuple[Solution, list[str]]:
        """The solution and notes on how it was reached (another solver, a longer limit).

        Raises :class:`InfeasiblePlan` naming ``where`` (month and line) and the seconds it
        had when no plan was found in time."""
        settings = problem.settings
        own = (
            settings.time_limit
            if settings.time_limit is not None
            else self.default_time_limit
            if settings.searches
            else None
        )
        limits = [limit for limit in (own, self.share) if limit is not None]
        end = time.monotonic() + min(limits) if limits else None
        notes = []
        with self.deadline.watching():
            solution = prioritiser.solve(problem, time_limit=min(limits, default=None))
            if solution.status == "error" and not self.insisted and settings.solver != DEFAULT_SOLVER:
                notes.append(
                    _("{said} ({solver}): planned with {default} instead").format(
                        said=solution.message, solver=solution.solver, default=DEFAULT_SOLVER
                    )
                )
                problem = replace(problem, settings=replace(settings, solver=DEFAULT_SOLVER))
                left = None if end is None else max(0.0, end - time.monotonic())
                solution = prioritiser.solve(problem, time_limit=left)
            if solution.status == "no_solution" and settings.time_limit is None and self.default_time_limit is not None:
                # only the default limit stopped it: a plan late beats no plan, but not an
                # endless one — a bounded retry, the plan's deadline moved on as far
                more = NO_PLAN_RETRY * self.default_time_limit
                notes.append(
                    _(
                        "no plan within the default time limit of {seconds} s: solved again for up to {more} s more"
                    ).format(seconds=f"{self.default_time_limit:g}", more=f"{more:g}")
                )
                self.deadline.extend(more)
                solution = prioritiser.solve(problem, time_limit=more)
        if solution.status == "no_solution":
            had = self.deadline.seconds if self.deadline.seconds is not None else min(limits, default=0.0)
            raise InfeasiblePlan(
                _("{where}: no plan within {seconds} s — plan with a longer time limit (--time-limit)").format(
                    where=where, seconds=f"{had:.3g}"
                )
            )
        return solution, notes


def line_problem(
    attributes: dict[int, PositionAttributes],
    open_tonnes: dict[int, float],
    locks: dict[int, dict[str, float]],
    held: Held,
    approved: Assignment | None,
    mills: list[Mill],
    hours: dict[tuple[str, Month], float],
    months: list[Month],
    options: PlanOptions,
) -> Problem:
    """The solver's problem: periods count from ``months[0]``; a demand is due in the
    period of its requested month; the approved revision's lines and forecast are what
    the stability penalty keeps. Raises :class:`InvalidInput` for a lock on a mill of
    another product line."""
    ids = {m.code: m.id for m in mills}
    first = months[0]
    previous: dict[int, dict[tuple[int, int], float]] = {}
    kept = [(l.position_id, l.mill_code, first, l.tonnes) for l in (approved.lines if approved else ())]
    kept += [(f.position_id, f.mill_code, f.month, f.tonnes) for f in (approved.forecast if approved else ())]
    for pid, code, month, tonnes in kept:
        if code in ids and month in months:
            cell = (ids[code], month - first)
            previous.setdefault(pid, {})[cell] = previous.get(pid, {}).get(cell, 0.0) + tonnes
    demands = []
    for position_id, attrs in attributes.items():
        if not attrs.options:
            continue
        p = attrs.position
        cells = {(ids[code], 0): tonnes for code, tonnes in locks.get(position_id, {}).items()}
        for lock in held.locks.get(position_id, ()):
            if lock.mill not in ids:
                raise InvalidInput(
                    _("{ref} is locked on {mill}, which is not a mill of product line {line}").format(
                        ref=lock.position, mill=lock.mill, line=p.product_line
                    )
                )
            cells[ids[lock.mill], lock.month - first] = open_tonnes[position_id] if lock.tonnes is None else lock.tonnes
        demands.append(
            Demand(
                id=position_id,
                tonnes=open_tonnes[position_id],
                key_account=p.is_key_account,
                priority=priority_weight(p.manual_priority),
                options=tuple(Option(o.mill.id, o.hours_per_tonne, float(o.unit_margin)) for o in attrs.options),
                due=p.requested_month - first,
                mandatory=position_id in held.mandatory,
                locked=tuple(Lock(m, t, tonnes) for (m, t), tonnes in sorted(cells.items())),
                previous=tuple(Lock(m, t, tonnes) for (m, t), tonnes in sorted(previous.get(position_id, {}).items())),
            )
        )
    settings = Settings(
        periods=len(months),
        whole=options.whole,
        min_lot={ids[code]: tonnes for code, tonnes in options.min_lot.items() if code in ids},
        lateness_penalty=float(options.lateness_penalty),
        early_months=options.early_months,
        stability_penalty=float(options.stability),
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap / 100,
    )
    return Problem(
        tuple(demands), {(m.id, t): hours[m.code, mo] for m in mills for t, mo in enumerate(months)}, settings
    )
