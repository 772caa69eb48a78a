"""What the horizon and key-account solver tests share: both engines as a fixture, an
optimal solve, a demand in one line, and an approximate tonnage.

``Option(mill, hours_per_tonne, margin_per_tonne)``; units t, h, RUB.
"""

from __future__ import annotations

import pytest

from millplan.solver.prioritiser import solve
from millplan.solver.problem import Demand, Option, Problem, Settings, Solution


@pytest.fixture(params=("highs", "cbc"))
def engine(request) -> str:
    """Each test runs on HiGHS and on CBC."""
    return request.param


def plan(engine: str, demands, hours: dict, **settings) -> Solution:
    """Solve with ``settings`` on ``engine``; the plan must be optimal."""
    solution = solve(Problem(tuple(demands), hours, Settings(solver=engine, **settings)))
    assert solution.status == "optimal" and solution.gap == 0.0, solution.message
    return solution


def d(id, tonnes, *options, key=False, **fields) -> Demand:
    """A demand of ``tonnes`` with its ``options`` as ``(mill, h/t, RUB/t)`` tuples."""
    return Demand(id, tonnes, key, tuple(Option(*o) for o in options), **fields)


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-6)
