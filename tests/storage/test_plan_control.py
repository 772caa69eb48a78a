"""How a month's plan is run: one time limit for all its product lines and stages, a
cancel that writes nothing, and a failing solver that is an error of its own (replaced by
the default solver unless the caller named it).

Timing asserts are generous (a loaded 2-core machine); ``benchmarks/solve_control_bench.py``
prints the exact figures.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pulp
import pytest
from sqlmodel import SQLModel, func, select

from core import planning
from core.errors import SolverError
from solver.control import Cancelled, Deadline
from tests.busy_plant import OPTIONS, busy_plant
from tests.plants import PLAN_MONTH, tiny_plant
from tests.solver_processes import break_cbc


def row_counts(store) -> dict[str, int]:
    """Rows of every table: drafts, lines, notifications, audit entries, open items …"""
    with store.reading() as repo:
        return {t.name: repo.session.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


@pytest.fixture
def broken_cbc(tmp_path: Path, monkeypatch) -> Path:
    return break_cbc(tmp_path, monkeypatch)


def test_a_time_limit_holds_for_all_lines_together(store):
    busy_plant(store, ("A", "B", "C"))
    limit = 4.0
    started = time.monotonic()
    outcomes = planning.plan(store, PLAN_MONTH, login="plm", options={**OPTIONS, "time_limit": limit})
    elapsed = time.monotonic() - started
    # each line had a share and used it: a plan, stopped at a gap (none can be proven in 4 s)
    assert [o.assignment.product_line for o in outcomes] == ["A", "B", "C"]
    assert all(o.solver_status == "feasible" and o.assignment.lines for o in outcomes)
    # one limit for the three lines, not one each (that would be 12 s of solving)
    assert sum(o.seconds for o in outcomes) <= limit * 1.25
    assert elapsed <= limit * 2


def test_the_default_time_limit_bounds_a_plan_whose_options_set_none(store):
    busy_plant(store)
    started = time.monotonic()
    [outcome] = planning.plan(store, PLAN_MONTH, login="plm", options=OPTIONS, default_time_limit=2.0)
    assert outcome.solver_status == "feasible" and outcome.gap is not None  # stopped at a reported gap
    assert time.monotonic() - started < 10  # unbounded, it runs for minutes
    assert outcome.assignment.options["time_limit"] is None  # the default is not kept with the revision


@pytest.mark.parametrize("engine", ["highs", "cbc"])
def test_a_cancelled_plan_raises_and_writes_nothing(store, engine):
    busy_plant(store, ("A", "B"))
    before = row_counts(store)
    deadline = Deadline()
    result: dict = {}

    def work() -> None:
        try:
            planning.plan(store, PLAN_MONTH, login="plm", options={**OPTIONS, "solver": engine, "time_limit": 60}, deadline=deadline)
        except Cancelled:
            result["cancelled"] = True

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(2)  # into the first line's solve
    deadline.cancel()
    thread.join(timeout=20)
    assert not thread.is_alive() and result == {"cancelled": True}
    assert row_counts(store) == before  # no draft, no lines, no notification, no audit entry


def test_a_broken_solver_named_by_the_caller_is_a_solver_error(sqlite_store, broken_cbc):
    tiny_plant(sqlite_store)
    with pytest.raises(SolverError) as raised:
        planning.plan(sqlite_store, PLAN_MONTH, login="plm", solver="cbc")
    assert raised.value.exit_code == 6
    message = str(raised.value)
    assert "PULP_CBC_CMD failed" in message and str(broken_cbc) in message and "libCbc.so.3" in message
    assert "infeasible" not in message
    with sqlite_store.reading() as repo:
        assert repo.assignment(PLAN_MONTH, "L") is None


def test_a_broken_solver_from_the_months_options_gives_way_to_the_default(sqlite_store, monkeypatch, tmp_path):
    tiny_plant(sqlite_store)
    [first] = planning.plan(sqlite_store, PLAN_MONTH, login="plm", solver="cbc")  # the month now plans with CBC
    assert first.solver_name == "PULP_CBC_CMD"
    monkeypatch.setattr(pulp.PULP_CBC_CMD, "pulp_cbc_path", str(tmp_path / "no-such-cbc"))
    [outcome] = planning.plan(sqlite_store, PLAN_MONTH, login="plm")
    assert outcome.solver_name == "HiGHS" and outcome.solver_status == "optimal"
    assert any("could not be run" in note and "planned with highs instead" in note for note in outcome.notes)
    assert outcome.assignment.tonnes == pytest.approx(first.assignment.tonnes)  # the same optimum, by the other solver
