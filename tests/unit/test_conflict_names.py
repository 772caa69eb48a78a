"""Every conflict :mod:`millplan.solver.conflicts` can find, told in a planner's terms by
:func:`millplan.core.planning.explain.why_no_plan`: positions (``DEAL#NO``), mill codes and months, never a
solver id. Each problem below has no plan for one reason; demands are 41 and 42, mills 7
and 8, so a bare id left in a message is caught by the pattern."""

from __future__ import annotations

import re

import pytest

from millplan.core.domain.months import Month
from millplan.core.planning import explain
from millplan.solver import prioritiser
from millplan.solver.conflicts import residual_conflict
from millplan.solver.problem import Demand, Lock, Option, Problem, Settings

MONTH = Month(2027, 1)
REFS = {41: "С-26/1#1", 42: "С-26/2#3"}
CODES = {7: "ТЭСА-1", 8: "ТЭСА-2"}
SOLVER_ID = re.compile(r"\b(demands?|mills?|periods?|cells?) \d|\b(41|42|7|8)\b(?! h| t)")


def _problem(*demands: Demand, hours: dict | None = None, **settings) -> Problem:
    return Problem(
        demands,
        hours if hours is not None else {(7, 0): 10.0, (8, 0): 10.0, (7, 1): 10.0},
        Settings(periods=2, **settings),
    )


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
    "mandatory whole, partly locked": _problem(
        Demand(41, 8, False, BOTH, mandatory=True, locked=(Lock(7, 0, 5),)), whole=True
    ),
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


def test_many_locked_positions_are_each_named_once_and_the_hours_grouped():
    # 31 positions, each locked at 60 t on ТЭСА-1 at 1 h/t this month: 1 860 h against
    # 1 000 h. The message names ten of them once each and counts the other 21.
    refs = {i: f"С-26/{1000 + i}#1" for i in range(1, 32)}
    locked = [Demand(i, 60, False, ONE, locked=(Lock(7, 0, 60),)) for i in refs]
    solution = prioritiser.solve(_problem(*locked, hours={(7, 0): 1000.0}))
    assert solution.status == "infeasible"
    message = explain.why_no_plan(solution, refs, CODES, MONTH)
    named = [ref for ref in refs.values() if ref in message]
    assert named == [refs[i] for i in range(1, 11)] and all(message.count(ref) == 1 for ref in named)
    assert "… and 21 more" in message
    assert "need at least 1 860.0 h on ТЭСА-1 in 2027-01 but there are 1 000.0 h" in message
    assert not re.search(r"\d,\d{3}", message), message


def test_a_long_list_of_mill_months_is_capped_too():
    # twelve mandatory positions, one mill each, mill-months named in the residual conflict
    refs = {i: f"С-26/{i}#1" for i in range(1, 13)}
    codes = {100 + i: f"М{i}" for i in refs}
    problem = Problem(
        tuple(Demand(i, 5, False, (Option(100 + i, 1.0, 100.0),), mandatory=True) for i in refs),
        {(100 + i, 0): 10.0 for i in refs},
        Settings(),
    )
    message = explain.named(residual_conflict(problem).text, refs, codes, MONTH)
    assert "М1 in 2027-01, М2 in 2027-01" in message and "М11 in" not in message
    assert message.count("… and 2 more") == 2  # the positions and the mill-months
