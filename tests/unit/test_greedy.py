"""The Excel-era rule (solver.greedy.plan), the baseline the prioritiser is measured against.

Hand-checkable plants; the arithmetic is in each test. ``Option(mill, hours_per_tonne,
margin_per_tonne)``: t, h, RUB. Plan keys are ``(demand id, mill, period)`` as in
``Solution.tonnes``.
"""

from __future__ import annotations

import pytest

from millplan.solver import greedy
from millplan.solver.prioritiser import solve
from millplan.solver.problem import Demand, Lock, Option, Problem, Settings


def demand(id, tonnes, *options, key=False, due=0, locked=()) -> Demand:
    return Demand(id, tonnes, key, tuple(Option(*o) for o in options), due=due, locked=tuple(locked))


def test_key_accounts_before_better_paying_positions():
    # Mill 1: 100 h. Key d1 100 t at 1 h/t, 1 000 RUB/t; d2 100 t at 1 h/t, 5 000 RUB/t.
    # Key first: d1 takes all 100 h. Margin 100 × 1 000 = 100 000 RUB.
    problem = Problem((demand(1, 100, (1, 1.0, 1000), key=True), demand(2, 100, (1, 1.0, 5000))), {(1, 0): 100})
    result = greedy.plan(problem)
    assert result.tonnes == {(1, 1, 0): pytest.approx(100)}
    assert result.key_account_tonnes == pytest.approx(100)
    assert result.margin == pytest.approx(100_000)


def test_higher_margin_per_tonne_first_and_mills_filled_in_order():
    # Mill 1: 50 h, mill 2: 100 h; all at 1 h/t. d1 80 t earns 3 000 (mill 1) / 2 000 (mill 2);
    # d2 60 t earns 2 500 on mill 1 only. d1 ranks first (3 000 > 2 500): mill 1 takes 50 t,
    # mill 2 the other 30 t; mill 1 is full, so d2 gets nothing.
    # Margin 50 × 3 000 + 30 × 2 000 = 210 000 RUB.
    problem = Problem(
        (demand(1, 80, (2, 1.0, 2000), (1, 1.0, 3000)), demand(2, 60, (1, 1.0, 2500))),
        {(1, 0): 50, (2, 0): 100},
    )
    result = greedy.plan(problem)
    assert result.tonnes == {(1, 1, 0): pytest.approx(50), (1, 2, 0): pytest.approx(30)}
    assert result.margin == pytest.approx(210_000)


def test_whole_positions_go_to_the_first_mill_with_hours_for_all_of_them():
    # Mill 1: 50 h, mill 2: 100 h, 1 h/t. Whole d1 80 t does not fit mill 1 → all to mill 2;
    # d2 40 t then fits mill 1.
    problem = Problem(
        (demand(1, 80, (1, 1.0, 3000), (2, 1.0, 3000)), demand(2, 40, (1, 1.0, 1000), (2, 1.0, 1000))),
        {(1, 0): 50, (2, 0): 100},
        Settings(whole=True),
    )
    assert greedy.plan(problem).tonnes == {(1, 2, 0): pytest.approx(80), (2, 1, 0): pytest.approx(40)}


def test_periods_in_turn_with_due_months_and_early_production():
    # Mill 1: 10 h a month, 1 h/t. d1 15 t due in month 0 at 1 000 RUB/t; d2 10 t due in
    # month 1 at 2 000 RUB/t. Month 0: only d1 is due → 10 t. Month 1: d2 ranks first and
    # takes the 10 h; d1's last 5 t find no hours.
    problem = Problem(
        (demand(1, 15, (1, 1.0, 1000), due=0), demand(2, 10, (1, 1.0, 2000), due=1)),
        {(1, 0): 10, (1, 1): 10},
        Settings(periods=2),
    )
    assert greedy.plan(problem).tonnes == {(1, 1, 0): pytest.approx(10), (2, 1, 1): pytest.approx(10)}
    # One month early allowed: d2 is eligible in month 0 and, ranking first, takes it;
    # d1 gets month 1, a month late: 10 t × 1 month × 100 RUB/t = 1 000 RUB lateness.
    early = Problem(problem.demands, problem.hours, Settings(periods=2, early_months=1, lateness_penalty=100))
    result = greedy.plan(early)
    assert result.tonnes == {(2, 1, 0): pytest.approx(10), (1, 1, 1): pytest.approx(10)}
    assert result.gross_margin == pytest.approx(10 * 2000 + 10 * 1000)
    assert result.lateness_cost == pytest.approx(1000)
    assert result.margin == pytest.approx(29_000)


def test_key_tonnes_count_by_the_due_month_and_overdue_lateness_is_sunk():
    # Mill 1: 12 h a month, 1 h/t, 100 RUB/t per month late. Key d1 20 t due month 0 at
    # 1 000 RUB/t; d2 5 t at 500 RUB/t, overdue since two months before the plan month.
    # Month 0: d1 12 t. Month 1: d1 its last 8 t (late), d2 the 4 h left (late one month:
    # lateness before the plan month is sunk). Key tonnes by the due month: 12.
    # Lateness (8 + 4) × 100 = 1 200 RUB; gross 20 × 1 000 + 4 × 500 = 22 000 RUB.
    problem = Problem(
        (demand(1, 20, (1, 1.0, 1000), key=True), demand(2, 5, (1, 1.0, 500), due=-2)),
        {(1, 0): 12, (1, 1): 12},
        Settings(periods=2, lateness_penalty=100),
    )
    result = greedy.plan(problem)
    assert result.tonnes == {(1, 1, 0): pytest.approx(12), (1, 1, 1): pytest.approx(8), (2, 1, 1): pytest.approx(4)}
    assert result.key_account_tonnes == pytest.approx(12)
    assert result.gross_margin == pytest.approx(22_000)
    assert result.lateness_cost == pytest.approx(1_200)


def test_locked_lines_are_booked_first_exactly():
    # Mill 1: 10 h at 1 h/t. d2 is locked at 4 t on mill 1 in month 0, so the key account d1
    # gets only the 6 h left, and d2 gets nothing beyond its lock (no hours left).
    problem = Problem(
        (demand(1, 10, (1, 1.0, 1000), key=True), demand(2, 10, (1, 1.0, 500), locked=[Lock(1, 0, 4)])),
        {(1, 0): 10},
    )
    assert greedy.plan(problem).tonnes == {(2, 1, 0): pytest.approx(4), (1, 1, 0): pytest.approx(6)}
    # Whole positions, 20 h: the key account's 10 t fit whole; d2, placed by its lock, gets
    # no more although 6 h are left.
    whole = Problem(problem.demands, {(1, 0): 20}, Settings(whole=True))
    assert greedy.plan(whole).tonnes == {(2, 1, 0): pytest.approx(4), (1, 1, 0): pytest.approx(10)}


def test_loss_making_tonnes_only_for_key_accounts_and_minimum_lots_kept():
    # d1 (non-key) loses 100 RUB/t: left out. Key d2 loses 100 RUB/t: planned (key first).
    # d3 15 t: mill 2's minimum lot is 20 t, so it goes to mill 3.
    problem = Problem(
        (
            demand(1, 10, (1, 1.0, -100)),
            demand(2, 10, (1, 1.0, -100), key=True),
            demand(3, 15, (2, 1.0, 900), (3, 1.0, 800)),
        ),
        {(1, 0): 100, (2, 0): 100, (3, 0): 100},
        Settings(min_lot={2: 20}),
    )
    result = greedy.plan(problem)
    assert result.tonnes == {(2, 1, 0): pytest.approx(10), (3, 3, 0): pytest.approx(15)}
    assert result.margin == pytest.approx(-1000 + 15 * 800)


def test_greedy_loses_to_the_prioritiser_on_a_slow_well_paying_position():
    # Mill 1: 100 h. d1 100 t at 1 h/t earns 1 000 RUB/t (1 000 RUB per mill-hour); d2 200 t at
    # 0.5 h/t earns 800 RUB/t (1 600 RUB per mill-hour). Greedy takes d1 first (more per
    # tonne): 100 t fill the mill, 100 000 RUB. The prioritiser plans d2's 200 t in the same
    # 100 h: 160 000 RUB.
    problem = Problem((demand(1, 100, (1, 1.0, 1000)), demand(2, 200, (1, 0.5, 800))), {(1, 0): 100})
    baseline = greedy.plan(problem)
    assert baseline.tonnes == {(1, 1, 0): pytest.approx(100)}
    assert baseline.margin == pytest.approx(100_000)
    solution = solve(problem)
    assert solution.status == "optimal"
    assert solution.tonnes == {(2, 1, 0): pytest.approx(200)}
    assert solution.gross_margin == pytest.approx(160_000)
