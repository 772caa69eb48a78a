"""Every conflict :mod:`solver.conflicts` can find, told in a planner's terms by
:func:`core.explain.why_no_plan`: positions (``DEAL#NO``), mill codes and months, never a
solver id. Each problem below has no plan for one reason; demands are 41 and 42, mills 7
and 8, so a bare id left in a message is caught by the pattern."""

from __future__ import annotations

import re

import pytest

from core import explain
from core.months import Month
from solver import prioritiser
from solver.problem import Demand, Lock, Option, Problem, Settings

MONTH = Month(2027, 1)
REFS = {41: "С-26/1#1", 42: "С-26/2#3"}
CODES = {7: "ТЭСА-1", 8: "ТЭСА-2"}
SOLVER_ID = re.compile(r"\b(demands?|mills?|periods?|cells?) \d|\b(41|42|7|8)\b(?! h| t)")


def _problem(*demands: Demand, hours: dict | None = None, **settings) -> Problem:
    return Problem(demands, hours if hours is not None else {(7, 0): 10.0, (8, 0): 10.0, (7, 1): 10.0}, Settings(periods=2, **settings))


ONE = (Option(7, 1.0, 100.0),)
BOTH = (Option(7, 1.0, 100.0), Option(8, 1.0, 100.0))
CASES = {
    "locked on a mill that cannot make it": _problem(Demand(41, 5, False, ONE, locked=(Lock(8, 0, 5),))),
    "locked outside the horizon": _problem(Demand(41, 5, False, ONE, locked=(Lock(7, 3, 5),))),
    "mandatory but locked later": _problem(Demand(41, 5, False, ONE, mandatory=True, locked=(Lock(7, 1, 5),))),
    "more locked than wanted": _problem(Demand(41, 5, False, ONE, locked=(Lock(7, 0, 6),))),
    "mandatory, no mill with hours": _problem(Demand(41, 5, False, ONE, mandatory=True), hours={(8, 0): 10.0}),
    "mandatory below every lot": _problem(Demand(41, 5, False, BOTH, mandatory=True), min_lot={7: 20.0, 8: 20.0}),
    "mandatory whole, no mill big enough": _problem(Demand(41, 15, False, BOTH, mandatory=True), whole=True),
    "mandatory whole, partly locked": _problem(Demand(41, 8, False, BOTH, mandatory=True, locked=(Lock(7, 0, 5),)), whole=True),
    "locks and mandatory beyond the hours": _problem(
        Demand(41, 8, False, ONE, locked=(Lock(7, 0, 8),)), Demand(42, 13, True, BOTH, mandatory=True)
    ),
    # each fits on ТЭСА-1 alone and 15 h hold both by hours, but not whole: the residual
    "whole positions that fit only in pieces": _problem(
        *(Demand(d, 6, False, BOTH, mandatory=True) for d in (41, 42)), whole=True, hours={(7, 0): 10.0, (8, 0): 5.0}
    ),
}


@pytest.mark.parametrize("problem", CASES.values(), ids=CASES.keys())
def test_every_conflict_is_told_without_solver_ids(problem):
    solution = prioritiser.solve(problem)
    assert solution.status == "infeasible" and solution.conflicts
    message = explain.why_no_plan(solution, REFS, CODES, MONTH)
    assert "С-26/1#1" in message and ("ТЭСА-" in message or "no mill" in message)
    assert not SOLVER_ID.search(message), message
