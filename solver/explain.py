"""Shadow prices of mill hours and why each demand was left out or planned late.

Shadow prices come from the LP relaxation of the margin stage: every binary (whole
position, minimum lot) relaxed to [0, 1], the key-account stages (tonnes on time, tonnes in
the horizon, tonne-months late) held at least at the plan's, the objective margin less
penalties. The dual of ``hours_m_t`` is what one more
hour of mill *m* in period *t* would add to that objective (RUB/h). Fixing the binaries at
the plan instead would fix every whole position's tonnes and leave every price at zero,
which tells a planner nothing. With whole positions or lots the prices are therefore those
of the divisible plan nearest to the real one — a planner's rule of thumb, not a proof.

A demand's explanation compares, on its best compatible mill in its due period (the
plan month for one due by then: the month it is left out of), the shadow price with what it
earns per hour there: margin (less lateness) ÷ hours per tonne. Before the price comes
what books that mill-period's hours (:func:`_booking`): key-account, locked and mandatory
lines, and better-paying ones, by the hours each holds — a price alone never says who.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from millplan.solver import engines
from millplan.solver.model import allowed_lines, build, due_period, net_margin
from millplan.solver.problem import Booking, Demand, Explanation, Option, Problem, report_tonnes

PRICE_TOLERANCE = 1e-6
"""RUB/h within which a position's earnings per hour count as equal to a shadow price
(relative to the larger of the two, at least 1)."""

KEY_SLACK_RELATIVE = 1e-7
KEY_SLACK_ABSOLUTE = 1e-6
"""How far the relaxation may fall short of the plan's key-account stage values (t, t·month):
CBC reports values to eight digits, so the plan's own value can overshoot the optimum by
5e-8 of it."""

SHORT = 0.01
"""Tonnes (t) short or late below which nothing needs explaining (the reporting grain)."""


def shadow_prices(
    problem: Problem, kept: Mapping[str, float], time_limit: float | None = None
) -> dict[tuple[int, int], float]:
    """RUB per extra hour by (mill, period), for every mill-period of the horizon in
    ``problem.hours`` (0 where no demand could use it; for one without hours, the worth of
    its first hour), holding each key-account stage named in ``kept`` (``"key"``: t on
    time, ``"key_horizon"``: t in the horizon, ``"key_lateness"``: −t·months late; the
    plan's values, unrounded) at least at its value, solving for at most ``time_limit`` s
    (``None``: no limit); empty if the relaxation could not be solved in time."""
    model = build(problem, relax=True)
    prices = {(m, t): 0.0 for m, t in problem.hours if 0 <= t < problem.settings.periods}
    if not model.hours_rows:
        return prices
    for stage, value in kept.items():
        expr = model.stage(stage)
        if expr.items():
            model.lp += expr >= value - max(KEY_SLACK_ABSOLUTE, KEY_SLACK_RELATIVE * abs(value)), f"keep_{stage}"
    model.lp.setObjective(model.margin)
    outcome = engines.run(model.lp, problem.settings.solver, time_limit, 0.0, mip=False, start=None)
    if outcome.kind != "optimal":
        return {}
    rows = {row.name: row for row in model.lp.constraints()}
    # a maximisation's hours row is worth ≥ 0 per hour; solvers differ in the sign they report
    prices.update({cell: abs(rows[name].pi or 0.0) for cell, name in model.hours_rows.items()})
    return prices


def explain(
    problem: Problem,
    tonnes: dict[tuple[int, int, int], float],
    kept: Mapping[str, float],
    prices: dict | None = None,
    time_limit: float | None = None,
) -> tuple[dict, dict]:
    """``(shadow_prices, explanations)`` for the plan ``tonnes`` ((demand, mill, period) → t)
    whose key-account stage values are ``kept`` (as :func:`shadow_prices` takes them,
    unrounded, as solved); ``prices``: the shadow prices when already known (read from the
    plan's own LP), else they are computed by :func:`shadow_prices` within ``time_limit`` s."""
    if prices is None:
        prices = shadow_prices(problem, kept, time_limit)
    planned: dict[int, dict[tuple[int, int], float]] = {}
    for (d, m, t), amount in tonnes.items():
        planned.setdefault(d, {})[m, t] = amount
    occupants = _occupants(problem, tonnes)
    explanations = {}
    for d in problem.demands:
        made = planned.get(d.id, {})
        due = due_period(d)
        if due >= problem.settings.periods:
            continue  # not due within the horizon: not making it yet needs no reason
        short = report_tonnes(d.tonnes - sum(made.values()))
        late = {t: amount for (_, t), amount in made.items() if t > due}
        if short >= SHORT:
            explanations[d.id] = _left_out(problem, d, short, report_tonnes(sum(late.values())), prices, occupants)
        elif sum(late.values()) >= SHORT:
            explanations[d.id] = _late(problem, d, late, prices, occupants)
    return prices, explanations


def _occupants(problem: Problem, tonnes: dict) -> dict[tuple[int, int], list[tuple[Demand, Option, float]]]:
    """Who the plan put on each mill-period, and how many tonnes."""
    demands = {d.id: d for d in problem.demands}
    result: dict[tuple[int, int], list[tuple[Demand, Option, float]]] = {}
    for (d, m, t), amount in tonnes.items():
        demand = demands[d]
        option = next(o for o in demand.options if o.mill == m)
        result.setdefault((m, t), []).append((demand, option, amount))
    return result


def _late(problem: Problem, d: Demand, late: dict[int, float], prices, occupants) -> Explanation:
    """Made in full but partly late. What books the due month's hours (:func:`_booking`)
    is the reason when anything counted does; else against the price of an hour in the
    due month stands what making it on time would save per hour there: the lateness
    penalty of its first late month. It is late because that saving is the smaller — or,
    when it is not (or it is a key account, placed before money is weighed), because of
    what else holds the due month's hours (:func:`_rest`), or its locks."""
    tonnes = report_tonnes(sum(late.values()))
    due = due_period(d)

    def said(why, o=None, t=None, price=None, saves=None, held=None, booked=None) -> Explanation:
        text = f"demand {d.id}: {tonnes:g} t made late — {why}"
        return Explanation(d.id, "late", 0.0, tonnes, o and o.mill, t, price, saves, text, held, booked)

    locked = {lock.period for lock in d.locked}
    if all(t in locked for t in late):
        return said(f"it is locked in period {max(late)}")
    lines = [(o, t) for o, t in allowed_lines(problem, d) if t == due]
    if not lines:
        return said(f"no mill that can make it has hours in its due period {due}")
    penalty = problem.settings.lateness_penalty * (min(late) - due)
    o, t, price, saves = _best(lines, prices, lambda o, t: _per_hour(penalty, o))
    facts = (o, t, price, saves)
    on_time = f"on time it would save {saves:,.0f} RUB of lateness per hour"
    booked = _booking(problem, d, o, t, _per_hour(net_margin(d, o, t, problem.settings.lateness_penalty), o), occupants)
    if booked.code:
        return said(
            f"mill {o.mill} in period {t} is booked by {booked.said(_number)}; {on_time}", *facts, booked.code, booked
        )
    held = _rest(problem, d, o, t, occupants)
    if held and (d.key_account or saves >= price - _tolerance(saves, price)):
        return said(f"{held[1]}; {on_time}", *facts, held[0])
    return said(
        f"an hour of mill {o.mill} in period {t} is worth {price:,.0f} RUB at the margin; "
        f"making it on time would save only {saves:,.0f} RUB of lateness per hour",
        *facts,
    )


def _left_out(problem: Problem, d: Demand, short: float, late: float, prices, occupants) -> Explanation:
    """Left out wholly or partly: the first reason that holds, from the data to what
    books its best mill in its due period (:func:`_booking`) and the prices there — the
    month it is left out of, whatever later months could have held it. A key account is
    placed for its tonnes, not its money: margin is no reason for one."""
    s = problem.settings
    tail = f" ({late:g} t of what is made is late)" if late >= SHORT else ""

    def said(code, why, o=None, t=None, price=None, earns=None, booked=None) -> Explanation:
        text = f"demand {d.id}: {short:g} t left out — {why}{tail}"
        return Explanation(d.id, code, short, late, o and o.mill, t, price, earns, text, booked=booked)

    locked = {(lock.mill, lock.period) for lock in d.locked}
    # a locked line is fixed (and a whole demand with locks is made only there)
    lines = [] if s.whole and d.locked else [(o, t) for o, t in allowed_lines(problem, d) if (o.mill, t) not in locked]
    due = due_period(d)
    now = [(o, t) for o, t in lines if t == due]
    if not now:
        if d.locked and (not lines or any(lock.period == due for lock in d.locked)):
            where = f" in period {due}" if lines else ""
            return said(
                "locked",
                f"it is locked at {sum(lock.tonnes for lock in d.locked):g} t and no other line is open to it{where}",
            )
        if not lines and d.options and all(d.tonnes < s.min_lot.get(o.mill, 0.0) for o in d.options):
            return said("min_lot", f"{d.tonnes:g} t is below the minimum lot of every mill that can make it")
        if lines:
            return said("no_mill", f"no mill that can make it has hours in its due period {due}", t=due)
        return said("no_mill", "no mill that can make it has hours in the periods it may be made")
    o, t, price, earns = _best(now, prices, lambda o, t: _per_hour(net_margin(d, o, t, s.lateness_penalty), o))
    cell = f"mill {o.mill} in period {t}"
    facts = (o, t, price, earns)
    unprofitable = ("unprofitable", f"it earns {earns:,.0f} RUB/h on {cell}: making it would lose money", *facts)
    if earns <= 0 and not d.key_account:
        return said(*unprofitable)
    booked = _booking(problem, d, o, t, earns, occupants)
    if booked.code:
        return said(
            booked.code,
            f"{cell} is booked by {booked.said(_number)}: an hour there is worth {price:,.0f} RUB at the margin, it earns {earns:,.0f} RUB/h",
            *facts,
            booked,
        )
    # nothing counted books the hours: what else holds them, if it earns at least their price
    # (or is a key account, placed before money is weighed), else their price
    held = _rest(problem, d, o, t, occupants)
    if held and (d.key_account or earns >= price - _tolerance(earns, price)):
        return said(*held, *facts)
    if earns <= 0:
        return said(*unprofitable)
    if earns < price - _tolerance(earns, price):
        return said(
            "capacity",
            f"{cell} is full: an hour there is worth {price:,.0f} RUB at the margin, it earns {earns:,.0f} RUB/h",
            *facts,
        )
    return said(
        "capacity",
        f"{cell} is full: an hour there is worth {price:,.0f} RUB at the margin, as much as it earns",
        *facts,
    )


def _booking(problem: Problem, d: Demand, o: Option, t: int, earns: float, occupants) -> Booking:
    """What books the hours of mill ``o.mill`` in period ``t`` against demand ``d`` earning
    ``earns`` RUB/h there (:class:`~solver.problem.Booking`). A key-account line holds its
    hours before money is weighed, whatever it earns; so does a line locked there or a
    mandatory one in the plan month. Non-key lines count against a non-key demand only when
    they earn more per hour (margin less lateness there), never against a key account.
    Nothing books a mill-period with room left for :data:`SHORT` t of the demand (at its
    hours per tonne on ``o``): something else keeps it out."""
    lines = occupants.get((o.mill, t), ())
    room = problem.hours.get((o.mill, t), 0.0) - sum(tonnes * option.hours_per_tonne for _, option, tonnes in lines)
    if room >= SHORT * o.hours_per_tonne:
        return Booking()
    key = reserved = better = income = 0.0
    for x, option, tonnes in lines:
        hours = tonnes * option.hours_per_tonne
        if x.id == d.id or hours <= 0:
            continue
        if x.key_account:
            key += hours
        elif (x.mandatory and t == 0) or any((lock.mill, lock.period) == (o.mill, t) for lock in x.locked):
            reserved += hours
        elif not d.key_account:
            per_hour = _per_hour(net_margin(x, option, t, problem.settings.lateness_penalty), option)
            if per_hour > earns + _tolerance(earns, per_hour):
                better += hours
                income += per_hour * hours
    return Booking(key, reserved, better, income / better if better else 0.0)


def _rest(problem: Problem, d: Demand, o: Option, t: int, occupants) -> tuple[str, str] | None:
    """``(code, reason)`` when the hours of mill ``o.mill`` in period ``t`` are held by
    something other than what books them (:func:`_booking`) or their price: a whole
    position that does not fit, a minimum lot, lines of the approved revision."""
    s = problem.settings
    cell = f"mill {o.mill} in period {t}"
    if s.whole:
        return "whole", f"it does not fit whole into what is left of {cell}"
    if s.min_lot.get(o.mill, 0.0) > 0:
        return "min_lot", f"what is left of {cell} is below its minimum lot of {s.min_lot[o.mill]:g} t"
    if s.stability_penalty > 0 and not d.key_account and any(x.previous for x, _, _ in occupants.get((o.mill, t), ())):
        return "stability", f"room on {cell} would mean moving lines of the approved revision"
    return None


def _best(lines, prices, earns) -> tuple[Option, int, float, float]:
    """The line where ``earns(option, period)`` (RUB/h) most exceeds the shadow price."""
    scored = [(earns(o, t) - prices.get((o.mill, t), 0.0), i) for i, (o, t) in enumerate(lines)]
    o, t = lines[max(scored)[1]]
    return o, t, prices.get((o.mill, t), 0.0), earns(o, t)


def _per_hour(rub_per_tonne: float, option: Option) -> float:
    """RUB/h from RUB/t on ``option``'s mill (a mill needing no time earns without limit)."""
    if option.hours_per_tonne > 0:
        return rub_per_tonne / option.hours_per_tonne
    return math.copysign(math.inf, rub_per_tonne)


def _tolerance(a: float, b: float) -> float:
    return PRICE_TOLERANCE * max(1.0, abs(a), abs(b))


def _number(value: float, places: int) -> str:
    """The solver's own texts group thousands with commas (the front regroups them)."""
    return f"{value:,.{places}f}"
