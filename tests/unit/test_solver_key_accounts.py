"""Key accounts first, also when late: the order of the prioritiser's stages, and the
month its reasons name.

Hand-checkable plants on both HiGHS and CBC (the optimum is worked out in a comment), then
seeded random plants against the order written from its definition
(tests/unit/lexicographic.py: plain PuLP, and enumeration for whole positions).
Units: t, h, RUB. Periods count months from the plan month (0); a negative due month is
overdue. ``Option(mill, hours_per_tonne, margin_per_tonne)``.
"""

from __future__ import annotations

import random

import pytest

from millplan.solver import engines, prioritiser
from millplan.solver.prioritiser import solve
from millplan.solver.problem import Demand, Option, Problem, Settings
from millplan.solver.rounding import round_whole
from tests.unit import lexicographic
from tests.unit.horizon_solving import approx, d, engine, plan  # noqa: F401 — engine is a fixture


def months(hours: float, periods: int, mill: int = 1) -> dict:
    return {(mill, t): hours for t in range(periods)}


# Mill 1: 100 h a month, three months; the default penalty of 3 000 RUB/t a month late.
#   d1 key, due now,        100 t at 1 h/t,    1 000 RUB/t
#   d2 key, 5 months overdue, 25 t at 2 h/t,     500 RUB/t (loses 2 500 RUB/t a month late)
#   d3 not key, due month 1, 300 t at 1 h/t, 20 000 RUB/t
# Key tonnes on time: month 0 holds 100 t of d1 (d2 there would give 50 t): d1. Key tonnes
# in the horizon: d2's 25 t too, in month 1 (earliest), 50 h. d3 gets the other 50 h of
# month 1 and month 2. By margin alone d2 would stay out and d3 fill months 1 and 2.
OVERDUE = [
    d(1, 100, (1, 1.0, 1000), key=True),
    d(2, 25, (1, 2.0, 500), key=True, due=-5),
    d(3, 300, (1, 1.0, 20_000), due=1),
]


def test_an_overdue_key_account_goes_before_non_key_work_in_a_later_month(engine):
    solution = plan(engine, OVERDUE, months(100, 3), periods=3)
    assert solution.tonnes == {
        (1, 1, 0): approx(100),
        (2, 1, 1): approx(25),
        (3, 1, 1): approx(50),
        (3, 1, 2): approx(100),
    }
    assert solution.key_account_tonnes == approx(100)  # d2 is late: not on time
    late = solution.explanations[2]
    assert (late.code, late.late_tonnes, late.mill, late.period) == ("late", approx(25), 1, 0)
    assert "mill 1 in period 0 is booked by key-account positions (100.0 h)" in late.text


def test_a_key_account_left_out_is_told_what_holds_its_month_not_its_margin(engine):
    # Mill 1: 100 h this month. Key d1 100 t at 1 h/t; key d2 50 t at 2 h/t, losing money.
    # Most key tonnes: d1. d2 is out because d1 holds the hours — margin never came into it.
    solution = plan(
        engine, [d(1, 100, (1, 1.0, 100), key=True), d(2, 50, (1, 2.0, -500), key=True, due=-1)], {(1, 0): 100}
    )
    reason = solution.explanations[2]
    assert (reason.code, reason.mill, reason.period, reason.tonnes_short) == ("key_accounts", 1, 0, approx(50))


@pytest.mark.parametrize("gap", (0.0, 0.2))
def test_an_overdue_whole_key_account_is_placed_too(engine, gap, monkeypatch):
    # The same plant with whole positions: d3 300 t cannot be made whole in 100 h and
    # stays out; d2 is in month 1. With a gap (on HiGHS) the later stages start from their
    # relaxation rounded to whole positions, which must place d2 as well.
    rounded = []

    def spy(*args):
        rounded.append(round_whole(*args))
        return rounded[-1]

    monkeypatch.setattr(prioritiser, "round_whole", spy)
    problem = Problem(tuple(OVERDUE), months(100, 3), Settings(periods=3, whole=True, gap=gap, solver=engine))
    solution = solve(problem)
    assert solution.ok, solution.message
    assert solution.tonnes == {(1, 1, 0): approx(100), (2, 1, 1): approx(25)}
    assert all(rounded) and bool(rounded) == (gap > 0 and engine == "highs")


# Mill 1: 100 h a month, three months.
#   d1 key, due now,          100 t at 1 h/t,    1 000 RUB/t: month 0 (100 t on time, d2 there
#                                                            would give only 80 t)
#   d2 key, 1 month overdue,   80 t at 1.25 h/t, 1 000 RUB/t: 100 h, month 1 or 2
#   d3 not key, due month 1,  200 t at 0.5 h/t, 10 000 RUB/t: 100 h, month 1 or 2
# By margin less lateness, d3 on time and d2 two months late (480 000 RUB of lateness)
# beats d2 one month late and d3 late (240 000 + 600 000). Key accounts earliest first: d2
# takes month 1, d3 waits.
EARLIEST = [
    d(1, 100, (1, 1.0, 1000), key=True),
    d(2, 80, (1, 1.25, 1000), key=True, due=-1),
    d(3, 200, (1, 0.5, 10_000), due=1),
]


def test_late_key_account_tonnes_go_to_the_earliest_month_before_margin(engine):
    solution = plan(engine, EARLIEST, months(100, 3), periods=3)
    assert solution.tonnes == {(1, 1, 0): approx(100), (2, 1, 1): approx(80), (3, 1, 2): approx(200)}
    assert solution.lateness_cost == approx(80 * 3000 + 200 * 3000)


def test_an_overdue_key_account_is_on_time_in_the_plan_month(engine):
    # Mill 1: 100 h in month 0 only. Key d1 due now 100 t at 1 h/t; key d2 overdue 60 t at
    # 0.5 h/t. Both count as on time in month 0 (overdue is due now): 60 t of d2 (30 h)
    # and 70 t of d1 make 130 t, more than d1 alone.
    solution = plan(
        engine, [d(1, 100, (1, 1.0, 9000), key=True), d(2, 60, (1, 0.5, 100), key=True, due=-2)], {(1, 0): 100}
    )
    assert solution.tonnes == {(1, 1, 0): approx(70), (2, 1, 0): approx(60)}
    assert solution.key_account_tonnes == approx(130)


def test_a_plan_with_every_key_tonne_on_time_skips_the_late_key_stages(monkeypatch):
    # Every key tonne on time after the first stage: the horizon and lateness stages are at
    # their ceiling, so only the key and margin stages are solved — and the plan is the same.
    runs = []
    real = engines.run
    monkeypatch.setattr(engines, "run", lambda *args: runs.append(args) or real(*args))
    demands = [d(1, 50, (1, 1.0, 1000), key=True), d(2, 80, (1, 1.0, 5000), due=-1), d(3, 40, (1, 1.0, 3000), due=1)]
    solution = plan("highs", demands, months(100, 2), periods=2)
    assert len(runs) == 2
    assert solution.tonnes == {
        (1, 1, 0): approx(50),
        (2, 1, 0): approx(50),
        (2, 1, 1): approx(30),
        (3, 1, 1): approx(40),
    }


# -- the reason names the month a position is left out of ---------------------------------

# Mill 1: 100 h in months 0 and 1; penalty 3 000 RUB/t.
#   d1 not key, due now, 250 t at 1 h/t, 10 000 RUB/t: 100 t in month 0, 100 t late in month 1
#      (7 000 RUB/h), 50 t out — so an hour is worth 10 000 RUB in month 0, 7 000 in month 1;
#   d3 not key, due now,  50 t at 2 h/t,  5 000 RUB/t: 2 500 RUB/h in month 0, 1 000 late.
# d3 falls shorter of the price in month 0 (7 500 RUB/h) than in month 1 (6 000): its
# reason must still be month 0's, the month it is left out of.
LATER_CHEAPER = [d(1, 250, (1, 1.0, 10_000)), d(3, 50, (1, 2.0, 5000))]


def test_a_position_left_out_gets_the_reason_of_its_due_month(engine):
    solution = plan(engine, LATER_CHEAPER, months(100, 2), periods=2)
    assert solution.shadow_prices == {(1, 0): approx(10_000), (1, 1): approx(7000)}
    reason = solution.explanations[3]
    assert (reason.code, reason.mill, reason.period, reason.tonnes_short) == ("capacity", 1, 0, approx(50))
    assert reason.shadow_price == approx(10_000) and reason.earns_per_hour == approx(2500)
    assert "mill 1 in period 0" in reason.text
    assert solution.explanations[1].period == 0


def test_no_hours_in_the_due_month_is_the_reason_even_with_hours_later(engine):
    # Mill 1 is in maintenance in month 0; month 1 is full of d1 (due then, 10 000 RUB/t).
    # d2, due now at 2 000 RUB/t, is out: month 0 has no hours for it.
    solution = plan(
        engine, [d(1, 100, (1, 1.0, 10_000), due=1), d(2, 30, (1, 1.0, 2000))], {(1, 0): 0, (1, 1): 100}, periods=2
    )
    reason = solution.explanations[2]
    assert (reason.code, reason.mill, reason.period) == ("no_mill", None, 0)
    assert "no mill that can make it has hours in its due period 0" in reason.text


# -- seeded random plants against the order written from its definition ------------------


def random_plant(seed: int, whole: bool = False) -> Problem:
    """3–9 positions on 1–2 mills over 2–3 months: about half key accounts, due from three
    months overdue to past the horizon, priorities 0–2, an early window of 0–1 months,
    mills short of hours. Whole plants are kept small enough to enumerate."""
    rng = random.Random(seed)
    periods = rng.randint(2, 3)
    mills = list(range(1, rng.randint(1, 2) + 1))
    hours = {(m, t): float(rng.choice([0, 20, 50, 80])) for m in mills for t in range(periods)}
    demands = []
    for i in range(1, rng.randint(3, 5 if whole else 9) + 1):
        chosen = rng.sample(mills, rng.randint(1, len(mills)))
        options = tuple(Option(m, rng.choice([0.5, 1.0, 1.5]), float(rng.randint(-500, 8000))) for m in chosen)
        demands.append(
            Demand(
                i,
                float(rng.randint(5, 60)),
                rng.random() < 0.5,
                options,
                rng.randint(0, 2),
                due=rng.randint(-3, periods),
            )
        )
    settings = Settings(
        periods=periods, whole=whole, lateness_penalty=float(rng.choice([300, 3000])), early_months=rng.randint(0, 1)
    )
    return Problem(tuple(demands), hours, settings)


@pytest.mark.parametrize("seed", range(40))
def test_split_plans_follow_the_order_exactly(seed):
    problem = random_plant(seed)
    solution = solve(problem, solver="cbc" if seed % 4 == 0 else "highs")
    assert solution.status == "optimal", solution.message
    best = lexicographic.lp_optimum(problem)
    got = lexicographic.values(problem, solution.tonnes)
    kg = 0.0005 * (len(solution.tonnes) + 1)  # t: each line is reported to the kg
    # what rounding every line by up to half a kilogram can move each stage by
    worst = (kg, kg, kg * problem.settings.periods, kg * 20_000, kg * 2)
    for stage, name in enumerate(lexicographic.NAMES[:4]):
        assert got[stage] == pytest.approx(best[stage], rel=1e-7, abs=worst[stage] + 1e-6), name
    assert best[4] * (1 - 1e-4) - worst[4] <= got[4] <= best[4] + worst[4] + 1e-6  # see lp_optimum


@pytest.mark.parametrize("seed", range(40))
def test_whole_plans_follow_the_order_exactly(seed):
    problem = random_plant(seed, whole=True)
    solution = solve(problem, solver="cbc" if seed % 4 == 0 else "highs")
    assert solution.status == "optimal", solution.message
    assert lexicographic.values(problem, solution.tonnes) == pytest.approx(
        lexicographic.enumerated_optimum(problem), abs=1e-3
    )


@pytest.mark.parametrize("seed", range(40))
def test_no_key_account_is_short_while_its_mill_makes_non_key_work(seed):
    # The mechanism of the order, stated plainly: a key-account position left (partly) out
    # has no mill-month open to it where the plan makes anything not for a key account.
    problem = random_plant(seed)
    solution = solve(problem)
    made: dict = {}
    for (i, _, _), tonnes in solution.tonnes.items():
        made[i] = made.get(i, 0.0) + tonnes
    demands = {dm.id: dm for dm in problem.demands}
    s = problem.settings
    for dm in problem.demands:
        if not dm.key_account or dm.tonnes - made.get(dm.id, 0.0) < 0.01:
            continue
        for o in dm.options:
            for t in range(max(0, dm.due - s.early_months), s.periods):
                if problem.hours[o.mill, t] > 0:
                    others = {
                        i: x
                        for (i, m, p), x in solution.tonnes.items()
                        if (m, p) == (o.mill, t) and not demands[i].key_account
                    }
                    assert not others, (dm.id, o.mill, t, others)
