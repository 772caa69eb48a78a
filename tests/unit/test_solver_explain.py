"""Shadow prices of mill hours and the reasons the prioritiser gives for each position it
left out or planned late.

Hand-checkable plants on both HiGHS and CBC; the shadow price is worked out as the margin
per hour of the marginal position (the one the mill's last hour goes to).
Units: t, h, RUB. ``Option(mill, hours_per_tonne, margin_per_tonne)``.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pulp
import pytest

from millplan.core.domain.months import Month
from millplan.core.domain.stored_text import say
from millplan.core.planning.explain import reason_code, reason_text
from millplan.solver.explain import shadow_prices
from millplan.solver.prioritiser import solve
from millplan.solver.problem import Booking, Demand, Lock, Option, Problem, Settings, Solution
from tests.unit import lexicographic
from tests.unit.random_problems import random_problem


@pytest.fixture(params=("highs", "cbc"))
def engine(request) -> str:
    return request.param


def plan(engine: str, demands, hours: dict, **settings) -> Solution:
    solution = solve(Problem(tuple(demands), hours, Settings(solver=engine, **settings)))
    assert solution.ok, solution.message
    return solution


def d(id, tonnes, *options, key=False, **fields) -> Demand:
    return Demand(id, tonnes, key, tuple(Option(*o) for o in options), **fields)


def approx(value):
    return pytest.approx(value, rel=1e-7, abs=1e-6)


# Mill 1: 100 h.
#   d1  40 t at 1 h/t,   3,000 RUB/t → 3,000 RUB/h
#   d2 100 t at 0.5 h/t, 2,000 RUB/t → 4,000 RUB/h
#   d3 100 t at 2 h/t,   1,000 RUB/t →   500 RUB/h
#   d4  10 t at 1 h/t,     200 RUB/t →   200 RUB/h
# By margin per hour: d2 takes 50 h, d1 40 h, d3 the last 10 h (5 t). d3 is the marginal
# position: one more hour would make 0.5 t more of it, so an hour is worth 500 RUB.
ONE_MILL = [
    d(1, 40, (1, 1.0, 3000)),
    d(2, 100, (1, 0.5, 2000)),
    d(3, 100, (1, 2.0, 1000)),
    d(4, 10, (1, 1.0, 200)),
]


def test_the_shadow_price_is_the_margin_per_hour_of_the_marginal_position(engine):
    solution = plan(engine, ONE_MILL, {(1, 0): 100})
    assert solution.tonnes == {(2, 1, 0): approx(100), (1, 1, 0): approx(40), (3, 1, 0): approx(5)}
    assert solution.shadow_prices == {(1, 0): approx(500)}


def test_left_out_positions_are_compared_with_the_shadow_price(engine):
    solution = plan(engine, ONE_MILL, {(1, 0): 100})
    assert set(solution.explanations) == {3, 4}  # d1 and d2 are made in full, on time
    marginal, cheaper = solution.explanations[3], solution.explanations[4]
    assert (marginal.code, marginal.tonnes_short, marginal.mill, marginal.period) == ("capacity", approx(95), 1, 0)
    assert marginal.shadow_price == approx(500) and marginal.earns_per_hour == approx(500)
    assert (cheaper.code, cheaper.tonnes_short) == ("capacity", approx(10))
    assert cheaper.shadow_price == approx(500) and cheaper.earns_per_hour == approx(200)
    assert "mill 1" in cheaper.text and "500 RUB" in cheaper.text and "200 RUB/h" in cheaper.text


def test_a_mill_with_spare_hours_has_a_zero_shadow_price(engine):
    # Two months: month 1 has 1,000 h for a 10 t position due then: an hour there is worth 0.
    demands = [*ONE_MILL, d(5, 10, (1, 1.0, 100), due=1)]
    solution = plan(engine, demands, {(1, 0): 100, (1, 1): 1000}, periods=2, lateness_penalty=5000)
    assert solution.shadow_prices[1, 1] == approx(0)
    assert solution.shadow_prices[1, 0] == approx(500)
    assert solution.tonnes[5, 1, 1] == approx(10)


def test_pushed_out_by_key_account_tonnes(engine):
    # Mill 1: 100 h. Key d1 100 t at 100 RUB/t fills it; d2 earns 5,000 RUB/h but is out.
    solution = plan(engine, [d(1, 100, (1, 1.0, 100), key=True), d(2, 100, (1, 1.0, 5000))], {(1, 0): 100})
    reason = solution.explanations[2]
    assert (reason.code, reason.mill, reason.period, reason.tonnes_short) == ("key_accounts", 1, 0, approx(100))
    assert reason.earns_per_hour == approx(5000)


def test_hours_held_by_a_locked_line(engine):
    # Mill 1: 100 h, all locked for d1 (100 RUB/t); d2 earns 5,000 RUB/h but is out.
    solution = plan(
        engine,
        [d(1, 100, (1, 1.0, 100), locked=(Lock(1, 0, 100),)), d(2, 50, (1, 1.0, 5000))],
        {(1, 0): 100},
    )
    assert solution.explanations[2].code == "reserved"


# -- what books the mill-month: key accounts, locks, better pay — never a claim the lines disprove --

MONTH = Month(2027, 1)


def said(reason) -> str:
    """The planner's sentence for a reason on mill 1 (ТЭСА-1) in the plan month."""
    return say(reason_text(reason, "ТЭСА-1", MONTH + reason.period, ["ТЭСА-1"]))


def test_a_mill_month_of_key_accounts_is_the_reason_even_where_they_pay_less(engine):
    # Mill 1: 100 h. Key d1 60 t at 100 RUB/t and key d2 40 t at 8,000 RUB/t take all of
    # it (key tonnes first). Non-key d3 (2,000 RUB/h) and d4 (5,000 RUB/h) are out; an hour
    # more would go to d4: 5,000 RUB/h, more than d3 earns — yet what holds the hours is key
    # accounts, d1 paying less than d3: not "better-paying" work.
    demands = [
        d(1, 60, (1, 1.0, 100), key=True),
        d(2, 40, (1, 1.0, 8000), key=True),
        d(3, 50, (1, 1.0, 2000)),
        d(4, 10, (1, 1.0, 5000)),
    ]
    solution = plan(engine, demands, {(1, 0): 100})
    assert solution.tonnes == {(1, 1, 0): approx(60), (2, 1, 0): approx(40)}
    out = solution.explanations[3]
    assert out.shadow_price == approx(5000) and out.earns_per_hour == approx(2000)
    assert out.code == "key_accounts" and reason_code(out) == "capacity_key_accounts"
    assert out.booked == Booking(key=approx(100))
    text = said(out)
    assert "ТЭСА-1 is booked by key-account positions (100.0 h)" in text and "better-paying" not in text
    assert "5 000 RUB/h at the margin" in text and "2 000 RUB/h this position earns" in text


def test_a_mill_month_of_better_paying_work_names_its_average(engine):
    # Mill 1: 100 h. d1 60 t at 1 h/t, 3,000 RUB/t (60 h); d2 20 t at 2 h/t, 5,000 RUB/t
    # (40 h, 2,500 RUB/h); d3 1,000 RUB/h is out. Better-paying: 100 h, (180,000 +
    # 100,000) RUB ÷ 100 h = 2,800 RUB/h on average.
    demands = [d(1, 60, (1, 1.0, 3000)), d(2, 20, (1, 2.0, 5000)), d(3, 30, (1, 1.0, 1000))]
    solution = plan(engine, demands, {(1, 0): 100})
    out = solution.explanations[3]
    assert out.code == "capacity" and reason_code(out) == "capacity_better_paying"
    assert out.booked == Booking(better=approx(100), better_per_hour=approx(2800))
    assert "ТЭСА-1 is booked by better-paying positions (100.0 h, 2 800 RUB/h on average)" in said(out)


def test_a_mixed_mill_month_names_each_part(engine):
    # Mill 1: 110 h. Key d1 30 t at 100 RUB/t; d2 locked at 10 t, 50 RUB/t; d3 70 t at
    # 4,000 RUB/t; d4 (1,000 RUB/h) is out. Booked: 30 h key accounts, 10 h locked, 70 h
    # better-paying at 4,000 RUB/h; the most hours are better-paying work's, so its code.
    demands = [
        d(1, 30, (1, 1.0, 100), key=True),
        d(2, 10, (1, 1.0, 50), locked=(Lock(1, 0, 10),)),
        d(3, 70, (1, 1.0, 4000)),
        d(4, 50, (1, 1.0, 1000)),
    ]
    solution = plan(engine, demands, {(1, 0): 110})
    out = solution.explanations[4]
    assert out.booked == Booking(key=approx(30), reserved=approx(10), better=approx(70), better_per_hour=approx(4000))
    assert out.code == "capacity"
    assert (
        "ТЭСА-1 is booked by key-account positions (30.0 h), locked or mandatory positions (10.0 h) "
        "and better-paying positions (70.0 h, 4 000 RUB/h on average)"
    ) in said(out)


def test_a_late_position_is_told_what_books_its_due_month(engine):
    # Mill 1: 100 h a month. Key d1 100 t at 100 RUB/t holds month 0; d2 (5,000 RUB/h, due
    # now) goes to month 1. The lateness saved (3,000 RUB/h) is below d2's own 5,000, and
    # the hour's price — what holds month 0 is the key account, and the planner is told so.
    solution = plan(
        engine, [d(1, 100, (1, 1.0, 100), key=True), d(2, 100, (1, 1.0, 5000))], {(1, 0): 100, (1, 1): 100}, periods=2
    )
    late = solution.explanations[2]
    assert (late.code, late.held, late.booked) == ("late", "key_accounts", Booking(key=approx(100)))
    assert said(late).startswith(
        "made late: capacity fully booked in 2027-01: ТЭСА-1 is booked by key-account positions (100.0 h)"
    )


def test_a_reason_in_russian_writes_its_month_as_russian_does(engine, russian):
    solution = plan(
        engine, [d(1, 100, (1, 1.0, 100), key=True), d(2, 100, (1, 1.0, 5000))], {(1, 0): 100, (1, 1): 100}, periods=2
    )
    text = said(solution.explanations[2])
    assert "янв 2027" in text and "2027-01" not in text


def test_a_lock_that_caps_a_position_is_the_reason(engine):
    # d1 50 t, locked at 12.5 t on its only mill, whose hours are plenty: the lock caps it.
    solution = plan(engine, [d(1, 50, (1, 1.0, 5000), locked=(Lock(1, 0, 12.5),))], {(1, 0): 100})
    reason = solution.explanations[1]
    assert (reason.code, reason.tonnes_short) == ("locked", approx(37.5))
    assert "12.5 t" in reason.text


def test_no_compatible_mill_with_hours(engine):
    # d1 has no mill at all; d2's only mill has no hours this month.
    solution = plan(engine, [d(1, 10), d(2, 10, (2, 1.0, 100)), d(3, 10, (1, 1.0, 100))], {(1, 0): 100, (2, 0): 0})
    assert solution.explanations[1].code == "no_mill" and solution.explanations[2].code == "no_mill"
    assert solution.explanations[1].mill is None and solution.explanations[1].shadow_price is None
    assert 3 not in solution.explanations


def test_an_unprofitable_position_is_said_to_lose_money(engine):
    solution = plan(engine, [d(1, 10, (1, 1.0, -50))], {(1, 0): 100})
    reason = solution.explanations[1]
    assert reason.code == "unprofitable" and reason.earns_per_hour == approx(-50)
    assert solution.shadow_prices == {(1, 0): approx(0)}


def test_kept_out_to_keep_the_approved_revision(engine):
    # Mill 1: 100 h; the approved revision gave them to d1 (1,000 RUB/t). New d2 pays
    # 1,100 RUB/t: swapping gains 10,000 RUB but changes 100 t of d1's line, which at
    # 200 RUB/t costs 20,000. d2 stays out, and says why.
    solution = plan(
        engine,
        [d(1, 100, (1, 1.0, 1000), previous=(Lock(1, 0, 100),)), d(2, 100, (1, 1.0, 1100))],
        {(1, 0): 100},
        stability_penalty=200,
    )
    assert solution.tonnes == {(1, 1, 0): approx(100)}
    assert solution.explanations[2].code == "stability"


def test_a_late_position_weighs_the_hour_of_its_due_month_against_the_penalty_saved(engine):
    # Mill 1: month 0 100 h, month 1 250 h; penalty 300 RUB/t per month; both due now.
    #   d1 200 t at 1 h/t, 2,000 RUB/t; d2 50 t at 2 h/t, 3,000 RUB/t.
    # Month 0 holds 100 h: an hour of d1 there saves 300 RUB of lateness, an hour of d2
    # only 150 (half a tonne). So d1 fills month 0 and d2 goes late with d1's other 100 t
    # (month 1 keeps 50 h spare: its hour is worth 0). One more hour in month 0 would bring
    # one tonne of d1 forward: 300 RUB.
    solution = plan(
        engine,
        [d(1, 200, (1, 1.0, 2000)), d(2, 50, (1, 2.0, 3000))],
        {(1, 0): 100, (1, 1): 250},
        periods=2,
        lateness_penalty=300,
    )
    assert solution.tonnes == {(1, 1, 0): approx(100), (1, 1, 1): approx(100), (2, 1, 1): approx(50)}
    assert solution.shadow_prices == {(1, 0): approx(300), (1, 1): approx(0)}
    late = solution.explanations[2]
    assert (late.code, late.late_tonnes, late.tonnes_short, late.mill, late.period) == ("late", approx(50), 0, 1, 0)
    assert late.shadow_price == approx(300) and late.earns_per_hour == approx(150)
    marginal = solution.explanations[1]  # the marginal one: saves exactly what an hour is worth
    assert (marginal.code, marginal.late_tonnes, marginal.earns_per_hour) == ("late", approx(100), approx(300))


def test_a_position_late_behind_key_account_tonnes_says_so(engine):
    # Mill 1: 100 h a month. Key d1 100 t at 100 RUB/t takes month 0; d2 100 t at 5,000
    # RUB/t goes to month 1 (penalty 300). An hour more in month 0 would bring a tonne of d2
    # forward: 300 RUB, exactly what it would save — the key account holds the month.
    solution = plan(
        engine,
        [d(1, 100, (1, 1.0, 100), key=True), d(2, 100, (1, 1.0, 5000))],
        {(1, 0): 100, (1, 1): 100},
        periods=2,
        lateness_penalty=300,
    )
    late = solution.explanations[2]
    assert (late.code, late.late_tonnes, late.mill, late.period) == ("late", approx(100), 1, 0)
    assert late.shadow_price == approx(300) and late.earns_per_hour == approx(300)
    assert (
        "mill 1 in period 0 is booked by key-account positions (100.0 h)" in late.text and late.held == "key_accounts"
    )


def test_a_position_locked_in_a_later_month_is_late_by_its_lock(engine):
    solution = plan(
        engine, [d(1, 100, (1, 1.0, 5000), locked=(Lock(1, 1, 100),))], {(1, 0): 100, (1, 1): 100}, periods=2
    )
    late = solution.explanations[1]
    assert late.code == "late" and late.late_tonnes == approx(100) and "locked in period 1" in late.text


def test_a_position_late_because_its_due_month_has_no_hours(engine):
    # Mill 1 is in maintenance in month 0: d1, due then, is made in month 1.
    solution = plan(engine, [d(1, 10, (1, 1.0, 5000))], {(1, 0): 0, (1, 1): 100}, periods=2, lateness_penalty=300)
    late = solution.explanations[1]
    assert (late.code, late.late_tonnes, late.mill) == ("late", approx(10), None)
    assert "no mill that can make it has hours in its due period 0" in late.text


def test_explanations_can_be_turned_off():
    solution = solve(Problem(tuple(ONE_MILL), {(1, 0): 100}, Settings(explain=False)))
    assert solution.ok and solution.explanations == {} and solution.shadow_prices == {}


# -- seeded random plants: prices are supergradients, every shortfall is explained ----------


def best_margin(problem: Problem, hours: dict, key_floor: float) -> float:
    """Most margin with at least ``key_floor`` key-account tonnes, one month: plain PuLP and
    CBC, written without the prioritiser's code."""
    model = pulp.LpProblem("check", pulp.LpMaximize)
    x = {(dm.id, o.mill): pulp.LpVariable(f"x_{dm.id}_{o.mill}", 0) for dm in problem.demands for o in dm.options}
    for dm in problem.demands:
        model += pulp.lpSum(x[dm.id, o.mill] for o in dm.options) <= dm.tonnes
        for lock in dm.locked:
            model += x[dm.id, lock.mill] == lock.tonnes
    for (mill, _), h in hours.items():
        model += (
            pulp.lpSum(
                x[dm.id, o.mill] * o.hours_per_tonne for dm in problem.demands for o in dm.options if o.mill == mill
            )
            <= h
        )
    model += pulp.lpSum(x[dm.id, o.mill] for dm in problem.demands if dm.key_account for o in dm.options) >= key_floor
    margin = pulp.lpSum(o.margin_per_tonne * x[dm.id, o.mill] for dm in problem.demands for o in dm.options)
    model += margin + 0
    assert model.solve(pulp.PULP_CBC_CMD(msg=False)) == pulp.LpStatusOptimal
    return pulp.value(margin) or 0.0


@pytest.mark.parametrize("seed", range(25))
def test_random_shadow_prices_bound_the_value_of_an_hour_more_or_less(seed):
    # The margin f(hours) at fixed key-account tonnes is concave in each mill's hours and
    # its shadow price π a supergradient: f(h ± 1) ≤ f(h) ± π, whether or not the optimum
    # is degenerate. Checked for every mill with more than an hour.
    problem = random_problem(seed)
    solution = solve(problem)
    key = solution.key_account_tonnes - 0.001 * len(solution.tonnes)  # lines are reported to the kg
    base = best_margin(problem, problem.hours, key)
    for cell, h in problem.hours.items():
        price = solution.shadow_prices[cell]
        assert price >= 0
        for step in (1.0, -1.0):
            if h + step < 0 or not any(o.mill == cell[0] for dm in problem.demands for o in dm.options):
                continue
            try:
                moved = best_margin(problem, {**problem.hours, cell: h + step}, key)
            except AssertionError:  # one hour less may not hold the locks or key tonnes
                continue
            assert moved <= base + step * price + 1e-4 * max(1.0, abs(base)), (cell, step, price)


@pytest.mark.parametrize("seed", range(25))
def test_random_plants_explain_every_shortfall_consistently(seed):
    problem = random_problem(seed)
    solution = solve(problem)
    made = {}
    for (i, _, _), t in solution.tonnes.items():
        made[i] = made.get(i, 0.0) + t
    short = {dm.id for dm in problem.demands if dm.tonnes - made.get(dm.id, 0.0) >= 0.01}
    assert set(solution.explanations) == short
    keys = {dm.id for dm in problem.demands if dm.key_account}
    for reason in solution.explanations.values():
        assert reason.tonnes_short > 0 and reason.text.startswith(f"demand {reason.demand}:")
        if reason.code == "capacity":
            assert reason.earns_per_hour <= reason.shadow_price * (1 + 1e-6) + 1e-6
        if reason.code == "key_accounts":  # other key-account tonnes hold its mill-month
            assert any(
                i in keys and i != reason.demand and (m, t) == (reason.mill, reason.period)
                for i, m, t in solution.tonnes
            )
        if reason.code == "unprofitable":
            assert reason.earns_per_hour <= 0
        if reason.booked:  # the code is what books the most hours; better-paying work pays more
            assert reason.code == reason.booked.code
            assert (
                reason.booked.key + reason.booked.reserved + reason.booked.better
                <= problem.hours[reason.mill, reason.period] + 0.01
            )  # tonnes to the kg
            assert not reason.booked.better or reason.booked.better_per_hour > reason.earns_per_hour


def horizon_problem(seed: int) -> Problem:
    """A random split plant over three months: due months, lateness, early making, some
    mill-months idle, key accounts and locks (an LP)."""
    rng = random.Random(seed)
    mills = range(1, rng.randint(2, 4) + 1)
    hours = {(m, t): (0.0 if rng.random() < 0.15 else float(rng.randint(20, 300))) for m in mills for t in range(3)}
    demands = []
    for i in range(1, rng.randint(4, 12) + 1):
        options = tuple(
            Option(m, round(rng.uniform(0.05, 2.0), 3), float(rng.randint(-1000, 20_000)))
            for m in rng.sample(list(mills), rng.randint(1, 2))
        )
        tonnes = float(rng.randint(1, 200))
        due = rng.randrange(3)
        locked = ()
        if rng.random() < 0.2 and hours[options[0].mill, due] > 0:
            locked = (
                Lock(
                    options[0].mill,
                    due,
                    round(min(tonnes, hours[options[0].mill, due] / options[0].hours_per_tonne / 4), 1),
                ),
            )
        demands.append(Demand(i, tonnes, rng.random() < 0.4, options, rng.choice([0, 0, 1, 2]), due=due, locked=locked))
    return Problem(tuple(demands), hours, Settings(periods=3, early_months=1, lateness_penalty=1500.0))


@pytest.mark.parametrize("whole", (False, True))
@pytest.mark.parametrize("seed", range(30))
def test_lp_prices_read_from_the_plan_equal_those_of_the_separate_relaxation(seed, whole):
    # On an LP the prices come from the margin stage's own duals (after lifting the hold on
    # the key face), for whole positions within a gap from the LP relaxation the margin
    # stage starts from; they must be those of the separate relaxation solved from scratch.
    # An idle mill-month's row (Σ h·x ≤ 0, every line on it at 0) is degenerate: any price
    # from the worth of its first hour up is a dual there, so only mills with hours compare.
    problem = horizon_problem(seed)
    if whole:
        problem = replace(problem, settings=replace(problem.settings, whole=True, gap=0.01))
    solution = solve(problem)
    assert solution.ok, solution.message
    own = solution.shadow_prices
    slack = 0.001 * len(solution.tonnes) * problem.settings.periods  # lines are reported to the kg
    kept = dict(zip(("key", "key_horizon", "key_lateness"), lexicographic.values(problem, solution.tonnes)))
    separate = shadow_prices(problem, {stage: value - slack for stage, value in kept.items()})
    assert set(own) == set(separate) == {cell for cell in problem.hours}
    for cell, price in separate.items():
        if problem.hours[cell] > 0:
            assert own[cell] == pytest.approx(price, rel=1e-6, abs=1e-4), cell


def test_a_spent_time_limit_leaves_prices_and_reasons_out_and_says_so():
    # the plan comes within the limit; a relaxation for prices after it would overrun it,
    # and reasons without prices would mislead
    demands = [d(1, 40, (1, 1.0, 3000), key=True), d(2, 100, (1, 0.5, 2000))]
    problem = Problem(tuple(demands), {(1, 0): 60}, Settings(whole=True, time_limit=0))
    solution = solve(problem)
    assert solution.ok, solution.message
    assert solution.shadow_prices == {} and solution.explanations == {}
    assert "no shadow prices or explanations: the time limit was reached" in solution.message
    untimed = solve(replace(problem, settings=replace(problem.settings, time_limit=None)))
    assert untimed.shadow_prices and untimed.explanations
