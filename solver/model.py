"""The prioritiser's PuLP model over the horizon (DESIGN.md, "The prioritiser").

A *line* is a demand *d* on a mill *m* in a period *t*. Lines exist only where *m* can make
*d*, the mill has hours in *t*, *t* lies in the demand's window (from ``due −
early_months``, not before 0; period 0 alone for a mandatory demand), and the demand is
not smaller than the mill's minimum lot; locked lines always exist. The tonnes of a line
are ``scale · variable``:

* split (default): a continuous ``x_d_m_t`` in [0, tonnes], scale 1;
* whole: a binary ``y_d_m_t`` with scale = the demand's tonnes, at most one line per
  demand — with every demand mandatory this is exactly the generalized assignment problem;
* minimum lot (split): also a binary ``z_d_m_t`` with ``lot · z ≤ x ≤ tonnes · z``;
* locked: ``x`` fixed at the locked tonnes (a whole demand with locks has only them).

Rows: ``demand_d`` (Σ lines ≤ tonnes, = for mandatory), ``hours_m_t`` (Σ tonnes · h/t ≤
hours, or the locked lines' hours where reporting round-off puts them beyond: see
:func:`millplan.solver.problem.hours_room`), ``lot_d_m_t``/``cap_d_m_t`` for lots,
``devup_d_m_t``/``devdn_d_m_t`` for the deviation from the approved revision. Names are
built from the numeric ids only.

Stage objectives, all maximised, in lexicographic order (:data:`STAGES`): ``key`` = Σ
tonnes of key-account lines by their due period; ``key_horizon`` = Σ tonnes of key-account
lines in the horizon, late or not; ``key_lateness`` = −Σ months late × tonnes of
key-account lines (the fewest key-account tonne-months late: the earliest months first);
``margin`` = Σ (margin_per_tonne − lateness_penalty × months late) × tonnes −
stability_penalty × Σ |tonnes − previous tonnes| over the lines of demands with a previous
plan; ``priority`` = Σ priority × tonnes. An overdue demand is due in period 0 in every
stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulp

from millplan.solver.problem import Demand, Option, Problem, hours_room, locked_lines

Cell = tuple[int, int]
LineKey = tuple[int, int, int]

STAGES = ("key", "key_horizon", "key_lateness", "margin", "priority")
"""The lexicographic stages, first first: names of :class:`Model`'s objective expressions."""

KEY_STAGES = STAGES[:3]
"""The stages about key-account tonnes, which every later stage keeps."""


def due_period(demand: Demand) -> int:
    """The period a demand is due, counted from 0: an overdue demand is due now (its past
    lateness is sunk and must not make leaving it out look cheaper)."""
    return max(demand.due, 0)


def window(demand: Demand, periods: int, early_months: int) -> range:
    """The periods a demand may be made in (locks aside)."""
    if demand.mandatory:
        return range(0, 1)
    return range(max(0, demand.due - early_months), periods)


def months_late(demand: Demand, period: int) -> int:
    """Months after its due period (0 if on time or early)."""
    return max(0, period - due_period(demand))


def net_margin(demand: Demand, option: Option, period: int, penalty: float) -> float:
    """RUB per tonne of the demand made on ``option``'s mill in ``period``, less lateness."""
    return option.margin_per_tonne - penalty * months_late(demand, period)


def allowed_lines(problem: Problem, demand: Demand, idle: bool = False) -> list[tuple[Option, int]]:
    """The (option, period) lines a demand may use when it is not locked; ``idle`` adds
    those on mill-periods listed with no hours (their lines can only be 0)."""
    s = problem.settings
    lines = []
    for o in demand.options:
        if demand.tonnes < s.min_lot.get(o.mill, 0.0):
            continue
        for t in window(demand, s.periods, s.early_months):
            hours = problem.hours.get((o.mill, t))
            if hours is not None and (hours > 0 or (idle and o.hours_per_tonne > 0)):
                lines.append((o, t))
    return lines


@dataclass
class Model:
    """The built model: ``lines`` maps (demand, mill, period) to (variable, scale, option);
    ``binaries`` are the integer variables (empty for a pure LP); ``variables`` all of them
    (kept here: PuLP collects them by walking every row each time); the objective
    expressions of the :data:`STAGES`; the hours rows by cell; ``deviations``: (deviation
    variable, line variable, scale, previous tonnes) of the stability penalty."""

    lp: pulp.LpProblem
    lines: dict[LineKey, tuple[pulp.LpVariable, float, Option]] = field(default_factory=dict)
    binaries: list[pulp.LpVariable] = field(default_factory=list)
    variables: list[pulp.LpVariable] = field(default_factory=list)
    hours_rows: dict[Cell, str] = field(default_factory=dict)
    deviations: list[tuple[pulp.LpVariable, pulp.LpVariable, float, float]] = field(default_factory=list)
    key: pulp.LpAffineExpression = field(default_factory=pulp.LpAffineExpression)
    key_horizon: pulp.LpAffineExpression = field(default_factory=pulp.LpAffineExpression)
    key_lateness: pulp.LpAffineExpression = field(default_factory=pulp.LpAffineExpression)
    margin: pulp.LpAffineExpression = field(default_factory=pulp.LpAffineExpression)
    priority: pulp.LpAffineExpression = field(default_factory=pulp.LpAffineExpression)

    @property
    def is_mip(self) -> bool:
        return bool(self.binaries)

    def tonnes(self, key: LineKey) -> float:
        var, scale, _ = self.lines[key]
        return scale * (var.varValue or 0.0)

    def stage(self, name: str) -> pulp.LpAffineExpression:
        """The objective of stage ``name`` (one of :data:`STAGES`)."""
        return getattr(self, name)


def build(problem: Problem, relax: bool = False) -> Model:
    """The model of ``problem``; ``relax`` makes every binary continuous in [0, 1] (the LP
    relaxation, for shadow prices). It also has the lines of mill-periods listed without
    hours, held at 0 by their hours rows, so that a mill-period in maintenance has the
    price of its first hour in the duals of the model's own margin stage (or its LP
    relaxation)."""
    s = problem.settings
    model = Model(pulp.LpProblem("prioritiser", pulp.LpMaximize))
    key_terms, horizon_terms, lateness_terms, margin_terms, priority_terms = [], [], [], [], []
    usage: dict[Cell, list[tuple[pulp.LpVariable, float]]] = {}
    for d in problem.demands:
        own = _lines(model, problem, d, relax)
        for (mill, t), (var, scale, o) in own.items():
            usage.setdefault((mill, t), []).append((var, scale * o.hours_per_tonne))
            if d.key_account:  # every line is in the horizon (a lock outside it is a conflict)
                horizon_terms.append((var, scale))
                if t <= due_period(d):
                    key_terms.append((var, scale))
                else:
                    lateness_terms.append((var, -months_late(d, t) * scale))
            margin_terms.append((var, scale * net_margin(d, o, t, s.lateness_penalty)))
            if d.priority:
                priority_terms.append((var, scale * d.priority))
        if d.mandatory or len(own) > 1:
            # a whole demand counts its lines (binaries), a split one its tonnes
            whole = s.whole and not d.locked
            row = pulp.LpAffineExpression((var, 1.0 if whole else scale) for var, scale, _ in own.values())
            bound = 1.0 if whole else d.tonnes
            model.lp += (row == bound) if d.mandatory else (row <= bound), f"demand_{d.id}"
        if s.stability_penalty > 0 and d.previous:
            margin_terms += _deviation(model, d, own, s.stability_penalty)
    locked = locked_lines(problem)
    for (mill, t), terms in usage.items():
        name = f"hours_{mill}_{t}"
        model.lp += (
            pulp.LpAffineExpression(terms) <= hours_room(problem.hours.get((mill, t), 0.0), locked.get((mill, t), ())),
            name,
        )
        model.hours_rows[mill, t] = name
    model.key = _expression(key_terms)
    model.key_horizon = _expression(horizon_terms)
    model.key_lateness = _expression(lateness_terms)
    model.margin = _expression(margin_terms)
    model.priority = _expression(priority_terms)
    return model


def ceiling(problem: Problem, model: Model, expr: pulp.LpAffineExpression) -> float:
    """An upper bound of ``expr`` (a sum over line variables) that no plan exceeds: each
    demand's tonnes spent on its lines in ``expr`` best coefficient per tonne first, lines
    with fixed bounds (locks) counted as they stand; hours, and lines outside ``expr``, are
    ignored (the bound only loosens). A stage whose plan reaches its ceiling is at its
    optimum without a solve (for ``key_horizon``: every key-account tonne that has a line is
    made; for ``key_lateness``: none is late but by a lock)."""
    room = {d.id: d.tonnes for d in problem.demands}
    # built here, not with the model: only the key-account stages' check needs it
    owners = {var: (d, scale) for (d, _, _), (var, scale, _) in model.lines.items()}
    free: dict[int, list[tuple[float, float]]] = {}  # demand → (coefficient per tonne, most tonnes) of open lines
    total = 0.0
    for var, c in expr.items():
        d, scale = owners[var]
        if var.lowBound == var.upBound:
            total += c * var.lowBound
            room[d] -= scale * var.lowBound
        elif c > 0 and scale > 0:
            free.setdefault(d, []).append((c / scale, scale * var.upBound))
    for d, lines in free.items():
        left = room[d]
        for per_tonne, most in sorted(lines, reverse=True):
            amount = max(0.0, min(most, left))
            total += per_tonne * amount
            left -= amount
    return total


def _expression(terms: list[tuple[pulp.LpVariable, float]]) -> pulp.LpAffineExpression:
    """Σ coefficient × variable, adding the coefficients of a repeated variable (building an
    ``LpAffineExpression`` from pairs directly would keep only the last)."""
    expr = pulp.LpAffineExpression()
    for var, coefficient in terms:
        expr.addterm(var, coefficient)
    return expr


def _lines(model: Model, problem: Problem, d: Demand, relax: bool) -> dict[Cell, tuple[pulp.LpVariable, float, Option]]:
    """Create the demand's line variables (and lot rows), idle ones included (see
    :func:`build`); returns them by (mill, period)."""
    s = problem.settings
    category = pulp.LpContinuous if relax else pulp.LpBinary
    binaries = [] if relax else model.binaries  # relaxed, they are not binaries any more
    options = {o.mill: o for o in d.options}
    own = {}
    for lock in d.locked:  # a lock on a mill that cannot make the demand is a conflict, found before
        if lock.mill in options:
            var = model.lp.add_variable(f"x_{d.id}_{lock.mill}_{lock.period}", lock.tonnes, lock.tonnes)
            own[lock.mill, lock.period] = (var, 1.0, options[lock.mill])
    # a whole demand the planner has placed is made only where it is locked
    for o, t in () if s.whole and d.locked else allowed_lines(problem, d, idle=True):
        if (o.mill, t) in own:
            continue
        name = f"{d.id}_{o.mill}_{t}"
        if s.whole:
            var = model.lp.add_variable(f"y_{name}", 0, 1, category)
            binaries.append(var)
            own[o.mill, t] = (var, d.tonnes, o)
            continue
        var = model.lp.add_variable(f"x_{name}", 0, d.tonnes)
        lot = s.min_lot.get(o.mill, 0.0)
        if lot > 0:
            z = model.lp.add_variable(f"z_{name}", 0, 1, category)
            binaries.append(z)
            model.variables.append(z)
            model.lp += var - lot * z >= 0, f"lot_{name}"
            model.lp += var - d.tonnes * z <= 0, f"cap_{name}"
        own[o.mill, t] = (var, 1.0, o)
    for (mill, t), line in own.items():
        model.lines[d.id, mill, t] = line
        model.variables.append(line[0])
    return own


def _deviation(model: Model, d: Demand, own: dict, penalty: float) -> list[tuple[pulp.LpVariable, float]]:
    """Objective terms charging ``penalty`` per tonne changed against ``d.previous``:
    |x − previous| on each previously planned line (a deviation variable), and x on every
    other line (which the revision did not have)."""
    previous = {(p.mill, p.period): p.tonnes for p in d.previous}
    terms = []
    for cell, (var, scale, _) in own.items():
        before = previous.get(cell)
        if before is None:
            terms.append((var, -penalty * scale))
            continue
        name = f"{d.id}_{cell[0]}_{cell[1]}"
        dev = model.lp.add_variable(f"dev_{name}", 0)
        model.variables.append(dev)
        model.deviations.append((dev, var, scale, before))
        model.lp += dev - scale * var >= -before, f"devup_{name}"
        model.lp += dev + scale * var >= before, f"devdn_{name}"
        terms.append((dev, -penalty))
    return terms
