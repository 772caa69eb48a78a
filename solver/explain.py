"""Shadow prices of mill hours and why each demand was left out or planned late.

Shadow prices come from the LP relaxation of the margin stage: every binary (whole
position, minimum lot) relaxed to [0, 1], key-account tonnes on time held at least at the
plan's, the objective margin less penalties. The dual of ``hours_m_t`` is what one more
hour of mill *m* in period *t* would add to that objective (RUB/h). Fixing the binaries at
the plan instead would fix every whole position's tonnes and leave every price at zero,
which tells a planner nothing. With whole positions or lots the prices are therefore those
of the divisible plan nearest to the real one — a planner's rule of thumb, not a proof.

A demand's explanation compares, on its best compatible mill-period (the one where it
earns most per hour above the shadow price), the shadow price with what it earns per hour
there: margin (less lateness) ÷ hours per tonne.
"""

from __future__ import annotations

from solver import engines
from solver.model import allowed_lines, build, due_period, net_margin
from solver.problem import Demand, Explanation, Option, Problem

PRICE_TOLERANCE = 1e-6
"""RUB/h within which a position's earnings per hour count as equal to a shadow price
(relative to the larger of the two, at least 1)."""

SHORT = 0.01
"""Tonnes (t) short or late below which nothing needs explaining (the reporting grain)."""


def shadow_prices(problem: Problem, key_tonnes: float) -> dict[tuple[int, int], float]:
    """RUB per extra hour by (mill, period), for every mill-period some demand could use;
    empty if the relaxation could not be solved."""
    model = build(problem, relax=True)
    if not model.hours_rows:
        return {}
    if model.key.items():
        size = sum(abs(c) for c in model.key.values())
        model.lp += model.key >= key_tonnes - max(1e-6, 1e-9 * size * max(1.0, key_tonnes)), "keep_key"
    model.lp.setObjective(model.margin)
    outcome = engines.run(model.lp, problem.settings.solver, None, 0.0, warm=False)
    if outcome.kind != "optimal":
        return {}
    rows = {row.name: row for row in model.lp.constraints()}
    # a maximisation's hours row is worth ≥ 0 per hour; solvers differ in the sign they report
    return {cell: abs(rows[name].pi or 0.0) for cell, name in model.hours_rows.items()}


def explain(problem: Problem, tonnes: dict[tuple[int, int, int], float], key_tonnes: float) -> tuple[dict, dict]:
    """``(shadow_prices, explanations)`` for the plan ``tonnes`` ((demand, mill, period) → t)
    that makes ``key_tonnes`` key-account tonnes on time."""
    prices = shadow_prices(problem, key_tonnes)
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
        short = d.tonnes - sum(made.values())
        late = sum(t for (_, p), t in made.items() if p > due)
        if short < SHORT and late < SHORT:
            continue
        explanations[d.id] = _explanation(problem, d, max(short, 0.0) if short >= SHORT else 0.0, late, prices, occupants)
    return prices, explanations


def _occupants(problem: Problem, tonnes: dict) -> dict[tuple[int, int], list[tuple[Demand, Option]]]:
    """Who the plan put on each mill-period."""
    demands = {d.id: d for d in problem.demands}
    result: dict[tuple[int, int], list[tuple[Demand, Option]]] = {}
    for d, m, t in tonnes:
        demand = demands[d]
        option = next(o for o in demand.options if o.mill == m)
        result.setdefault((m, t), []).append((demand, option))
    return result


def _explanation(problem, d: Demand, short: float, late: float, prices, occupants) -> Explanation:
    s = problem.settings
    lines = allowed_lines(problem, d)
    if short < SHORT:  # made in full, partly late: the binding cell is in its due month
        due_lines = [(o, t) for o, t in lines if t == due_period(d)]
        if not due_lines:
            return Explanation(d.id, "late", 0.0, late, None, None, None, None,
                               f"demand {d.id}: {late:g} t made late — no mill that can make it has hours in its due period")
        o, t, price, earns = _best(problem, d, due_lines, prices)
        return Explanation(d.id, "late", 0.0, late, o.mill, t, price, earns,
                           f"demand {d.id}: {late:g} t made late — mill {o.mill} is full in period {t}: "
                           f"an hour there is worth {price:,.0f} RUB at the margin, it earns {earns:,.0f} RUB/h")
    tail = f" ({late:g} t of what is made is late)" if late >= SHORT else ""
    if not d.options or not any(problem.hours.get((o.mill, t), 0.0) > 0 for o in d.options for t in range(s.periods)):
        return Explanation(d.id, "no_mill", short, late, None, None, None, None,
                           f"demand {d.id}: {short:g} t left out — no mill that can make it has hours{tail}")
    if not lines:
        if all(d.tonnes < s.min_lot.get(o.mill, 0.0) for o in d.options):
            return Explanation(d.id, "min_lot", short, late, None, None, None, None,
                               f"demand {d.id}: {short:g} t left out — {d.tonnes:g} t is below every mill's minimum lot{tail}")
        return Explanation(d.id, "no_mill", short, late, None, None, None, None,
                           f"demand {d.id}: {short:g} t left out — no mill that can make it has hours in the periods it may be made{tail}")
    o, t, price, earns = _best(problem, d, lines, prices)
    cell = f"mill {o.mill} in period {t}"
    if earns <= 0:
        code, why = "unprofitable", f"it earns {earns:,.0f} RUB/h on {cell}: making it would lose money"
    elif earns < price - _tolerance(earns, price):
        code, why = "capacity", f"{cell} is full: an hour there is worth {price:,.0f} RUB at the margin, it earns {earns:,.0f} RUB/h"
    elif not d.key_account and _cheaper(occupants, (o.mill, t), earns, lambda x: x.key_account):
        code, why = "key_accounts", f"pushed out of {cell} by key-account tonnes (it earns {earns:,.0f} RUB/h)"
    elif _cheaper(occupants, (o.mill, t), earns, lambda x: x.mandatory or bool(x.locked)):
        code, why = "reserved", f"the hours of {cell} are held by locked or mandatory lines (it earns {earns:,.0f} RUB/h)"
    elif s.whole or s.min_lot.get(o.mill, 0.0) > 0:
        code, why = ("whole", f"it does not fit whole into what is left of {cell}") if s.whole else (
            "min_lot", f"what is left of {cell} is below the minimum lot of {s.min_lot[o.mill]:g} t")
    elif s.stability_penalty > 0 and any(x.previous for x, _ in occupants.get((o.mill, t), ())):
        code, why = "stability", f"room on {cell} would mean moving lines of the approved revision"
    else:
        code, why = "capacity", f"{cell} is full: an hour there is worth {price:,.0f} RUB at the margin, as much as it earns"
    return Explanation(d.id, code, short, late, o.mill, t, price, earns, f"demand {d.id}: {short:g} t left out — {why}{tail}")


def _best(problem: Problem, d: Demand, lines, prices) -> tuple[Option, int, float, float]:
    """The line where the demand earns most per hour above the shadow price."""
    best = None
    for o, t in lines:
        earns = net_margin(d, o, t, problem.settings.lateness_penalty) / o.hours_per_tonne if o.hours_per_tonne > 0 else float("inf")
        price = prices.get((o.mill, t), 0.0)
        if best is None or earns - price > best[3] - best[2]:
            best = (o, t, price, earns)
    return best


def _tolerance(a: float, b: float) -> float:
    return PRICE_TOLERANCE * max(1.0, abs(a), abs(b))


def _cheaper(occupants, cell, earns: float, which) -> bool:
    """Whether lines matching ``which`` on ``cell`` earn less per hour than ``earns``."""
    for demand, option in occupants.get(cell, ()):
        if which(demand) and option.margin_per_tonne / max(option.hours_per_tonne, 1e-12) < earns - _tolerance(earns, 0):
            return True
    return False
