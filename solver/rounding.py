"""A whole-position plan rounded from the LP relaxation, to start (or spare) a MIP stage.

HiGHS finds the LP bound of a 5 000-position whole plan in seconds, then spends most of
its time in root cuts before its sub-MIP heuristic finds a plan within a gap of 0.5 %. The
relaxation of a whole plan has few fractional positions (at most about one per hours row
and kept row), so keeping every line the LP makes whole and placing the others greedily
loses little: often less than the gap accepted, in which case no MIP is needed at all.
"""

from __future__ import annotations

import pulp

from millplan.solver.model import Model
from millplan.solver.problem import ROUND_OFF, Problem

WHOLE = 1e-6
"""A relaxed binary within this of 1 counts as chosen."""


def round_whole(problem: Problem, model: Model, expr: pulp.LpAffineExpression) -> bool:
    """Replace the relaxed values of ``model``'s whole-position binaries (just solved as an
    LP with objective ``expr``, to be maximised) by a whole plan: the lines at 1 kept, every
    other position placed on the line with the best coefficient of ``expr`` per hour that
    still has hours; mandatory and key-account positions are placed first (on the LP's line
    when it has one), while the kept key-account tonnes (on time or in the horizon) fall
    short — a key-account position then on time if it can be, else in its earliest month.
    Deviation variables are set to match. Returns whether the plan meets every row of the
    model (kept stage values included); when not, the values are left as rounded and must
    not be used."""
    hours_per = {}  # line variable → (cell, hours it takes at 1)
    by_demand: dict[int, list] = {}
    for (d, mill, t), (var, scale, option) in model.lines.items():
        if var.lowBound == var.upBound:  # a locked line: fixed
            continue
        hours_per[var] = ((mill, t), scale * option.hours_per_tonne)
        by_demand.setdefault(d, []).append(var)
    free = dict(problem.hours)
    for (d, mill, t), (var, scale, option) in model.lines.items():
        if var.lowBound == var.upBound:
            free[mill, t] = free.get((mill, t), 0.0) - (var.varValue or 0.0) * scale * option.hours_per_tonne
    taken = {}  # demand → the line the LP makes whole
    for d, lines in by_demand.items():
        whole = [var for var in lines if (var.varValue or 0.0) >= 1 - WHOLE]
        if whole:
            taken[d] = whole[0]
        for var in lines:
            var.varValue = 0.0
    coefficient = dict(expr.items())
    # key-account tonnes on time and in the horizon the kept stages still lack, by stage
    # (with no free line placed yet), and each line's coefficient in them
    short = _kept_short(model, ("key", "key_horizon"))
    kept = {stage: dict(model.stage(stage).items()) for stage in short}
    lateness = dict(model.key_lateness.items())
    demands = {d.id: d for d in problem.demands}

    def worth(var) -> float:
        hours = hours_per[var][1]
        return coefficient.get(var, 0.0) / hours if hours > 0 else float("inf")

    # mandatory, then key-account positions (they hold the kept key tonnes) — each on the
    # LP's line if it has one — then the rest, the LP's whole lines first, most per hour first
    order = sorted(
        by_demand,
        key=lambda d: (
            not demands[d].mandatory,
            not demands[d].key_account,
            d not in taken,
            -max(worth(v) for v in by_demand[d]),
        ),
    )
    for d in order:
        key_must = demands[d].key_account and any(value > 0 for value in short.values())
        must = demands[d].mandatory or key_must
        lines = sorted(by_demand[d], key=worth, reverse=True)
        if key_must:
            lines.sort(key=lambda v: -lateness.get(v, 0.0))  # on time first, then the earliest month: stable
        if d in taken:  # the LP's line first, others if it is full by now
            lines = [taken[d]] + [v for v in lines if v is not taken[d]]
        for var in lines:
            cell, hours = hours_per[var]
            if hours <= free.get(cell, 0.0) + ROUND_OFF and (
                must or var is taken.get(d) or coefficient.get(var, 0.0) > 0
            ):
                var.varValue = 1.0
                free[cell] -= hours
                for stage in short:
                    short[stage] -= kept[stage].get(var, 0.0)
                break
    for dev, var, scale, before in model.deviations:
        dev.varValue = abs(scale * (var.varValue or 0.0) - before)
    # the round-off of hours and tonnes, in proportion to a larger row (a kept margin, RUB)
    return all(row.valid(ROUND_OFF * max(1.0, abs(row.constant))) for row in model.lp.constraints())


def _kept_short(model: Model, stages: tuple[str, ...]) -> dict[str, float]:
    """What the plan in the variables lacks against each of ``stages`` kept so far (its
    ``keep_<stage>`` row), by stage; stages not kept yet are left out."""
    rows = model.lp._constraints
    return {stage: -(rows[f"keep_{stage}"].value() or 0.0) for stage in stages if f"keep_{stage}" in rows}
