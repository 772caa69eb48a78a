"""What the prioritiser says about its own result: optimal, feasible with a gap, no solution
within the time limit, or infeasible with the positions and mill-months in conflict — read
from each solver's own status, never a traceback, nothing on standard output.

Units: t, h, RUB. ``Option(mill, hours_per_tonne, margin_per_tonne)``,
``Lock(mill, period, tonnes)``.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pulp
import pytest

from millplan.solver import engines
from millplan.solver.prioritiser import solve
from millplan.solver.problem import Demand, Lock, Option, Problem, Settings, Solution


@pytest.fixture(params=("highs", "cbc"))
def engine(request) -> str:
    return request.param


def d(id, tonnes, *options, key=False, **fields) -> Demand:
    return Demand(id, tonnes, key, tuple(Option(*o) for o in options), **fields)


def run(engine: str, demands, hours: dict, **settings) -> Solution:
    return solve(Problem(tuple(demands), hours, Settings(solver=engine, **settings)))


def hard_whole_problem(seed: int = 7) -> Problem:
    """120 whole mandatory positions on 10 mills, GAP-like (costs as negative margins, a
    little slack in the hours): takes HiGHS and CBC seconds to prove, not 10 ms."""
    rng = random.Random(seed)
    mills = range(1, 11)
    demands = []
    for i in range(1, 121):
        options = tuple(Option(m, rng.randint(5, 25) / 10, -float(rng.randint(10, 50))) for m in mills)
        demands.append(Demand(i, 10.0, False, options, mandatory=True))
    hours = {
        (m, 0): 0.8 * sum(o.hours_per_tonne * 10 for dm in demands for o in dm.options if o.mill == m) / 10
        for m in mills
    }
    return Problem(tuple(demands), hours)


# -- optimal, feasible, no solution --------------------------------------------------------


def test_an_optimal_mip_says_so_with_a_zero_gap(engine):
    solution = run(engine, [d(1, 90, (1, 1.0, 1000)), d(2, 60, (1, 1.0, 1200))], {(1, 0): 100}, whole=True)
    assert (solution.status, solution.gap, solution.message) == ("optimal", 0.0, "")


@pytest.mark.parametrize("limit", [0.0, 0.05])
def test_a_tiny_time_limit_on_a_hard_mip_is_never_called_optimal(engine, limit):
    base = hard_whole_problem()
    solution = solve(Problem(base.demands, base.hours, Settings(solver=engine, whole=True, time_limit=limit)))
    assert solution.status in ("feasible", "no_solution"), solution.status
    assert solution.seconds < 5
    if solution.status == "feasible":
        assert solution.ok and solution.gap is not None and solution.gap > 0
        assert "gap" in solution.message
        assert {i for i, _, _ in solution.tonnes} == {dm.id for dm in base.demands}  # mandatory: all made
    else:
        assert not solution.ok and solution.tonnes == {} and solution.gap is None
        assert "time limit" in solution.message and "before a feasible plan" in solution.message


def test_without_a_limit_the_hard_mip_is_proven_optimal():
    base = hard_whole_problem()
    solution = solve(Problem(base.demands, base.hours, Settings(whole=True, explain=False)))
    assert solution.status == "optimal" and solution.gap == 0.0


@pytest.mark.parametrize(
    ("value", "bound", "kind", "gap"),
    [
        (-1000.0, -1000.0, "optimal", 0.0),
        (-1000.0, -1000.0 - 1e-13, "optimal", 0.0),  # round-off is no gap
        (-1000.0, -1010.0, "feasible", 0.01),
        (0.0, 5.0, "feasible", 5.0),  # relative to at least 1 RUB
    ],
)
def test_a_value_short_of_its_bound_is_feasible_with_the_gap(value, bound, kind, gap):
    outcome = engines._graded(value, bound, "")
    assert outcome.kind == kind and outcome.gap == pytest.approx(gap)


def test_an_lp_cut_short_is_no_plan_even_at_a_feasible_interim_point(monkeypatch):
    # the primal simplex, stopped after two iterations, holds a feasible point far from the
    # optimum: a split plan stopped there is no plan (it once saved all zeros as "feasible")
    class Stopped(engines._HiGHS):
        def __init__(self, start, **options) -> None:
            super().__init__(start, **options, simplex_iteration_limit=2, simplex_strategy=4, presolve="off")

    lp = pulp.LpProblem("split", pulp.LpMaximize)
    tonnes = [pulp.LpVariable(f"x{i}", 0) for i in range(30)]
    lp += pulp.lpSum((i + 1) * x for i, x in enumerate(tonnes))
    for j in range(20):
        lp += pulp.lpSum(((i * j) % 7 + 1) * x for i, x in enumerate(tonnes)) <= 100 + j
    monkeypatch.setattr(engines, "_HiGHS", Stopped)
    stopped = engines.run(lp, "highs", None, 0.0, False, None)
    assert stopped.kind == "no_solution" and "Iteration limit" in stopped.detail
    assert lp.solverModel.getInfo().primal_solution_status == 2  # the interim point was feasible
    monkeypatch.undo()
    assert engines.run(lp, "highs", None, 0.0, False, None).kind == "optimal"


def test_an_accepted_gap_is_reported_not_hidden():
    # gap=0.5 lets the solver stop early; whatever it returns, status and gap agree.
    base = hard_whole_problem(3)
    solution = solve(Problem(base.demands, base.hours, Settings(whole=True, gap=0.5, explain=False)))
    assert solution.ok
    assert (solution.status == "optimal") == (solution.gap == 0.0)
    assert solution.gap <= 0.5


def test_a_feasible_lot_model_is_not_called_infeasible(engine):
    # Mill 1: 120 h, minimum lot 30 t. Key d3 44 t, d4 38 t, d6 64 t (1, 1 and 0.5 h/t) take
    # 114 h; the 6 h left hold no lot of anyone else. CBC 2.10's preprocessing once called
    # the priority stage of this plant infeasible. margin 44 × 2,096 − 38 × 50 − 64 × 205.
    demands = [
        d(1, 14, (1, 0.5, 481), previous=(Lock(1, 0, 6),)),
        d(2, 60, (1, 0.5, 3714), priority=1, due=-1),
        d(3, 44, (1, 1.0, 2096), key=True, priority=3, due=-1),
        d(4, 38, (1, 1.0, -50), key=True, priority=3, due=1),
        d(5, 30, (1, 0.5, 4403), priority=3),
        d(6, 64, (1, 0.5, -205), key=True, due=1, previous=(Lock(1, 0, 63),)),
        d(7, 27, (1, 1.5, 1712), priority=1),
        d(8, 63, (1, 1.5, 4445), due=-1),
    ]
    solution = run(
        engine, demands, {(1, 0): 120}, min_lot={1: 30}, early_months=1, lateness_penalty=1000, stability_penalty=500
    )
    assert solution.status == "optimal", solution.message
    assert solution.tonnes == {(3, 1, 0): 44, (4, 1, 0): 38, (6, 1, 0): 64}
    assert solution.margin == pytest.approx(44 * 2096 - 38 * 50 - 64 * 205)


# -- infeasible input ----------------------------------------------------------------------


def test_mandatory_positions_beyond_a_mill_month_name_it(engine):
    # Mill 1: 100 h this month. Mandatory d1 80 t and d2 50 t, mill 1 only, 1 h/t: 130 h.
    solution = run(
        engine,
        [d(1, 80, (1, 1.0, 100), mandatory=True), d(2, 50, (1, 1.0, 100), mandatory=True), d(3, 5, (1, 1.0, 1))],
        {(1, 0): 100},
    )
    assert solution.status == "infeasible" and not solution.ok and solution.tonnes == {}
    (conflict,) = solution.conflicts
    assert conflict.demands == (1, 2) and conflict.cells == ((1, 0),)
    assert "mill 1 in period 0" in solution.message and "130.0 h" in solution.message and "100.0 h" in solution.message


def test_mandatory_positions_beyond_a_group_of_mills_name_the_group(engine):
    # Mills 1 and 2: 60 h each. Mandatory d1 150 t may go on either: no single mill is the
    # culprit, the two together are (120 h for 150 h).
    solution = run(engine, [d(1, 150, (1, 1.0, 100), (2, 1.0, 100), mandatory=True)], {(1, 0): 60, (2, 0): 60})
    assert solution.status == "infeasible"
    assert [(c.demands, c.cells) for c in solution.conflicts] == [((1,), ((1, 0), (2, 0)))]


def test_with_many_mills_all_of_them_together_are_tried(engine):
    # 14 mills of 10 h; mandatory d1 150 t at 1 h/t may go on any: only all 14 together
    # (140 h) show the conflict.
    mills = range(1, 15)
    solution = run(engine, [d(1, 150, *((m, 1.0, 100) for m in mills), mandatory=True)], {(m, 0): 10 for m in mills})
    assert solution.status == "infeasible"
    assert [(c.demands, c.cells) for c in solution.conflicts] == [((1,), tuple((m, 0) for m in mills))]


def test_locks_beyond_hours_in_a_later_month_name_that_month(engine):
    solution = run(
        engine,
        [d(1, 50, (1, 1.0, 100), locked=(Lock(1, 1, 40),)), d(2, 50, (1, 1.0, 100), locked=(Lock(1, 1, 30),))],
        {(1, 0): 100, (1, 1): 50},
        periods=2,
    )
    assert [(c.demands, c.cells) for c in solution.conflicts] == [((1, 2), ((1, 1),))]
    assert "lock" in solution.message


@pytest.mark.parametrize(
    ("demand", "settings", "words"),
    [
        (d(1, 10, (1, 1.0, 100), locked=(Lock(2, 0, 10),)), {}, "locked on mill 2 in period 0, which cannot make it"),
        (d(1, 10, (1, 1.0, 100), locked=(Lock(1, 3, 10),)), {}, "outside the horizon"),
        (d(1, 10, (1, 1.0, 100), locked=(Lock(1, 0, 15),)), {}, "15 t locked on mill 1 in period 0 but only 10 t"),
        (d(1, 10, mandatory=True), {}, "there is no mill that can make it"),
        (d(1, 10, (2, 1.0, 100), mandatory=True), {}, "none of mills 2 has hours in period 0"),
        (d(1, 10, (1, 1.0, 100), mandatory=True), {"min_lot": {1: 20}}, "below the minimum lot of mills 1"),
        (
            d(1, 10, (1, 1.0, 100), mandatory=True, locked=(Lock(1, 0, 4),)),
            {"whole": True},
            "mandatory and whole but only 4 of 10 t",
        ),
        (
            d(1, 10, (1, 1.0, 100), mandatory=True, locked=(Lock(1, 1, 10),)),
            {},
            "mandatory this month but locked on mill 1 in period 1",
        ),
    ],
    ids=[
        "lock-on-wrong-mill",
        "lock-outside-horizon",
        "lock-above-tonnes",
        "mandatory-no-mill",
        "mandatory-no-hours",
        "mandatory-below-lot",
        "mandatory-whole-partly-locked",
        "mandatory-locked-later",
    ],
)
def test_impossible_single_positions_are_named(engine, demand, settings, words):
    solution = run(engine, [demand], {(1, 0): 100, (1, 1): 100}, periods=2, **settings)
    assert solution.status == "infeasible"
    assert solution.conflicts and all(c.demands == (1,) for c in solution.conflicts)
    assert words in solution.message


def test_a_mandatory_whole_position_too_big_for_every_mill_is_named(engine):
    # 150 t at 1 h/t; mills 1 and 2 have 100 h each: it fits split, not whole.
    solution = run(
        engine, [d(1, 150, (1, 1.0, 100), (2, 1.0, 100), mandatory=True)], {(1, 0): 100, (2, 0): 100}, whole=True
    )
    assert solution.status == "infeasible"
    assert solution.conflicts[0].demands == (1,) and solution.conflicts[0].cells == ((1, 0), (2, 0))
    assert "none of mills 1, 2 has the hours for all 150 t in period 0" in solution.message


def test_whole_mandatory_positions_that_fit_in_hours_but_not_in_pieces_are_all_named(engine):
    # Mills 1 and 2: 100 h each. Three mandatory whole positions of 60 t (1 h/t): 180 h of
    # 200, yet only one fits on each mill. Found by the solver, explained from the data.
    demands = [d(i, 60, (1, 1.0, 100), (2, 1.0, 100), mandatory=True) for i in (1, 2, 3)]
    solution = run(engine, [*demands, d(4, 10, (1, 1.0, 100))], {(1, 0): 100, (2, 0): 100}, whole=True)
    assert solution.status == "infeasible"
    (conflict,) = solution.conflicts
    assert conflict.demands == (1, 2, 3) and conflict.cells == ((1, 0), (2, 0))
    assert "whole" in conflict.text


# -- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"periods": 0}, "periods"),
        ({"periods": 13}, "periods"),
        ({"solver": "gurobi"}, "gurobi"),
        ({"lateness_penalty": -1}, "lateness_penalty"),
        ({"time_limit": -1}, "time_limit"),
        ({"min_lot": {1: -5}}, "min_lot"),
    ],
)
def test_bad_settings_are_refused_by_name(settings, words):
    with pytest.raises(ValueError, match=words):
        Settings(**settings)


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        (lambda: Problem((), {1: 100.0}), "keyed by (mill, period)"),
        (lambda: Problem((), {(1, 0): -1.0}), "mill 1 in period 0"),
        (lambda: Problem((d(1, 5), d(1, 6)), {}), "demand id 1 is repeated"),
        (lambda: Problem((d(-3, 5),), {}), "demand id -3 is negative"),
        (lambda: Problem((d(1, -5),), {}), "demand 1 has negative tonnes"),
        (lambda: Problem((d(1, 5, (1, 1.0, 1), (1, 2.0, 1)),), {}), "demand 1 offers a mill twice"),
        (lambda: Problem((d(1, 5, (1, -1.0, 1)),), {}), "demand 1 has negative hours"),
        (lambda: Problem((d(1, 5, (1, 1.0, 1), locked=(Lock(1, 0, -1),)),), {}), "demand 1 has negative locked"),
        (
            lambda: Problem((d(1, 5, (1, 1.0, 1), locked=(Lock(1, 0, 1), Lock(1, 0, 2))),), {}),
            "demand 1 names one mill and period twice",
        ),
    ],
)
def test_malformed_problems_are_refused_naming_the_entry(problem, words):
    with pytest.raises(ValueError) as refused:
        problem()
    assert words in str(refused.value)


# -- a later stage cut short -----------------------------------------------------------------

KEY_THEN_MARGIN = [d(1, 60, (1, 1.0, 100), key=True), d(2, 100, (1, 1.0, 5000)), d(3, 100, (1, 1.0, 4000))]
"""Mill 1: 100 h. Key d1 60 t first; the margin stage gives the other 40 h to d2."""


def test_a_later_stage_stopped_by_the_time_limit_returns_the_earlier_plan(engine, monkeypatch):
    # The margin stage "runs out of time" without a solution: the key stage's plan stands,
    # reported as feasible with the reason, not as optimal and not as an error.
    real = engines.run
    calls = []

    def margin_stage_times_out(lp, *args, **kwargs):
        calls.append(lp.objective)
        if len(calls) == 2:
            return engines.Outcome("no_solution", detail="Time limit reached")
        return real(lp, *args, **kwargs)

    monkeypatch.setattr(engines, "run", margin_stage_times_out)
    solution = run(engine, KEY_THEN_MARGIN, {(1, 0): 100}, explain=False, time_limit=60)
    assert solution.status == "feasible" and solution.ok and solution.gap == 0.0  # the key stage was proven
    assert "margin stage ended without a better plan" in solution.message
    assert solution.tonnes[1, 1, 0] == pytest.approx(60) and solution.key_account_tonnes == pytest.approx(60)


def test_time_spent_before_a_later_stage_leaves_the_earlier_plan(engine, monkeypatch):
    # The key stage itself uses up the limit: the margin stage is not started.
    real = engines.run

    def slow(lp, *args, **kwargs):
        outcome = real(lp, *args, **kwargs)
        time.sleep(0.3)
        return outcome

    monkeypatch.setattr(engines, "run", slow)
    solution = run(engine, KEY_THEN_MARGIN, {(1, 0): 100}, explain=False, time_limit=0.2)
    assert solution.status == "feasible" and solution.gap == 0.0
    assert "time limit was reached before the margin stage" in solution.message
    assert solution.key_account_tonnes == pytest.approx(60)


def test_a_later_mip_stage_starts_from_the_earlier_plan(engine, monkeypatch):
    # Later stages get (next to) no time: handed the earlier plan as a start, the solver
    # still returns a plan at least as good, instead of none. (CBC gets a second: cut off
    # sooner, its preprocessing can stop before it reads the start.)
    base = hard_whole_problem()
    demands = tuple(replace(dm, key_account=dm.id % 4 == 0) for dm in base.demands)
    real = engines.run
    stages = []

    def later_stages_without_time(lp, name, time_limit, gap, mip, start):
        warm = start is not None
        stages.append(warm)
        return real(lp, name, {"highs": 0.0, "cbc": 1.0}[engine] if warm else time_limit, gap, mip, start)

    monkeypatch.setattr(engines, "run", later_stages_without_time)
    solution = solve(Problem(demands, base.hours, Settings(solver=engine, whole=True, explain=False)))
    assert stages == [False, True]  # key stage cold, margin stage warm
    assert solution.ok and "without a better plan" not in solution.message


@pytest.mark.parametrize("engine_class", ["_HiGHS", "PULP_CBC_CMD"])
def test_a_solver_that_breaks_gives_an_error_status_not_an_exception(monkeypatch, engine_class):
    def broken(self, *args, **kwargs):
        raise RuntimeError("solver library crashed")

    target = engines._HiGHS if engine_class == "_HiGHS" else pulp.PULP_CBC_CMD
    monkeypatch.setattr(target, "callSolver" if engine_class == "_HiGHS" else "actualSolve", broken)
    solution = run("highs" if engine_class == "_HiGHS" else "cbc", [d(1, 10, (1, 1.0, 100))], {(1, 0): 100})
    assert solution.status == "error" and not solution.ok
    assert "RuntimeError: solver library crashed" in solution.message and "margin stage" in solution.message


# -- silence -------------------------------------------------------------------------------


def test_every_kind_of_solve_prints_nothing(capfd, engine):
    """Whole positions, lots, a horizon, the shadow-price LP, an infeasible and a
    time-limited solve: standard output stays the caller's."""
    print("before", flush=True)
    run(engine, [d(1, 90, (1, 1.0, 1000)), d(2, 60, (1, 1.0, 1200))], {(1, 0): 100, (1, 1): 50}, periods=2, whole=True)
    run(engine, [d(1, 80, (1, 1.0, 2000)), d(2, 50, (1, 1.0, 1000))], {(1, 0): 100}, min_lot={1: 30})
    run(
        engine,
        [d(1, 80, (1, 1.0, 1), mandatory=True), d(2, 60, (1, 1.0, 1), mandatory=True)],
        {(1, 0): 100},
        whole=True,
    )
    base = hard_whole_problem()
    solve(Problem(base.demands, base.hours, Settings(solver=engine, whole=True, time_limit=0)))
    print("after", flush=True)
    assert capfd.readouterr().out == "before\nafter\n"
