"""Stopping a solve: a plan's :class:`Deadline` — its time limit shared out, and its
cancel switch, which interrupts HiGHS in-process and kills CBC's process.

Timing asserts are generous (a loaded 2-core machine): a cancelled solve must end within
seconds where it would otherwise run for half a minute or more.
"""

from __future__ import annotations

import random
import threading
import time

import pytest

from millplan.solver import prioritiser
from millplan.solver.control import Cancelled, Deadline, current, start, wind_down
from millplan.solver.problem import Demand, Option, Problem, Settings
from tests.solver_processes import cbc_children


def busy_problem(engine: str) -> Problem:
    """160 whole positions (20–400 t) on four mills over three months, hours for half the
    tonnes: neither solver proves it optimal within 30 s (cf. tests/busy_plant.py). A
    limit of 60 s ends it should a cancel fail."""
    rng = random.Random(8)
    speeds = (8.0, 10.0, 12.0, 15.0)
    demands = []
    for i in range(160):
        price = rng.randint(45_000, 90_000)
        options = tuple(Option(m, 1 / speed, price - 30_000 - 1_000 - 700 * m) for m, speed in enumerate(speeds))
        demands.append(Demand(i, float(rng.randint(20, 400)), i % 5 == 0, options, due=rng.randrange(3)))
    hours = sum(d.tonnes for d in demands) / 2 / 3 / sum(speeds)
    return Problem(
        tuple(demands),
        {(m, t): hours for m in range(4) for t in range(3)},
        Settings(periods=3, whole=True, solver=engine, time_limit=60),
    )


def solve_in_thread(problem: Problem, deadline: Deadline) -> tuple[threading.Thread, dict]:
    """Start ``prioritiser.solve(problem)`` under ``deadline`` in a thread; the dict gets
    ``solution`` or ``cancelled`` (the monotonic time it was raised)."""
    result: dict = {}

    def work() -> None:
        with deadline.watching():
            try:
                result["solution"] = prioritiser.solve(problem)
            except Cancelled:
                result["cancelled"] = time.monotonic()

    thread = threading.Thread(target=work)
    thread.start()
    return thread, result


def until(condition, seconds: float) -> None:
    """Poll ``condition()`` every 50 ms until it holds or ``seconds`` have passed."""
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        time.sleep(0.05)


# -- the clock ------------------------------------------------------------------------------


def test_the_time_left_is_shared_by_weight_and_a_limit_only_tightens():
    deadline = Deadline()
    assert deadline.left() is None and deadline.share(1, 3) is None
    deadline.limit(60)
    deadline.limit(120)  # a looser limit changes nothing
    assert deadline.seconds == 60
    assert 59 < deadline.left() <= 60
    assert 19 < deadline.share(1, 3) <= 20  # a third of the time left to the first of three equal lines
    assert deadline.share(2, 2) == pytest.approx(deadline.left(), abs=0.1)  # the last line gets all that is left
    deadline.limit(0.001)
    time.sleep(0.01)
    assert deadline.left() == 0.0 and deadline.share(1, 1) == 0.0  # never negative


def test_the_deadline_watched_is_the_current_one_only_inside():
    deadline = Deadline()
    assert current() is None
    with deadline.watching():
        assert current() is deadline
    assert current() is None


def test_cancel_raises_at_the_next_check_and_kills_adopted_processes_even_late(start_process):
    deadline = Deadline()
    deadline.check()  # not cancelled: nothing happens
    running = start_process(["sleep", "60"])
    deadline.adopt(running)
    deadline.cancel()
    assert running.poll() is not None  # killed (and reaped) by cancel
    with pytest.raises(Cancelled):
        deadline.check()
    late = start_process(["sleep", "60"])
    deadline.adopt(late)  # a solver started after the cancel is killed at once
    assert late.poll() is not None


# -- cancelling a solve -------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["highs", "cbc"])
def test_a_cancelled_solve_stops_within_seconds_and_leaves_no_solver_process(engine):
    deadline = Deadline()
    thread, result = solve_in_thread(busy_problem(engine), deadline)
    try:
        if engine == "cbc":
            until(cbc_children, 30)
            assert cbc_children(), "CBC should be running by now"
        else:
            time.sleep(1.5)  # into the solve (the model is built in well under a second)
        cancelled = time.monotonic()
        deadline.cancel()
        thread.join(timeout=20)
    finally:
        deadline.cancel()  # never a 60 s solve left running after the test
    assert not thread.is_alive()
    assert "solution" not in result  # stopped, not finished: the solver would have run for 30 s and more
    assert result["cancelled"] - cancelled < 5  # typically well under a second
    assert cbc_children() == []


def test_a_solve_under_a_cancelled_deadline_does_not_start():
    deadline = Deadline()
    deadline.cancel()
    with deadline.watching(), pytest.raises(Cancelled):
        prioritiser.solve(busy_problem("highs"))


# -- the fronts' threads ---------------------------------------------------------------------


def test_a_call_started_runs_under_its_deadline_and_hands_back_its_result_or_error():
    deadline = Deadline()
    settled: list = []
    start(current, deadline, lambda ok, value: settled.append((ok, value)))  # the call sees its deadline
    start(deadline.check, Deadline(), lambda ok, value: settled.append((ok, value)))
    assert not wind_down(5)
    assert (True, deadline) in settled and (True, None) in settled
    cancelled = Deadline()
    cancelled.cancel()
    errors: list = []
    start(cancelled.check, Deadline(), lambda ok, value: errors.append((ok, type(value))))
    assert not wind_down(5) and errors == [(False, Cancelled)]


def test_wind_down_waits_at_most_its_time_and_says_a_call_still_runs():
    release = threading.Event()
    start(lambda: release.wait(10), Deadline(), lambda ok, value: None)
    began = time.monotonic()
    assert wind_down(0.2)  # still running: the front must leave without it
    assert time.monotonic() - began < 2
    release.set()
    assert not wind_down(5)
