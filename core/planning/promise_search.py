"""How early one product line can make the new positions, and what it displaces to do so,
against the *baseline* (the line planned without them, see :mod:`millplan.core.planning.promise`):

1. **Free hours.** Every baseline line is held as it is and the new positions may take
   only the hours it leaves free, in any month up to the requested one: the first month by
   which all their tonnes are made is the answer if it is not after the requested month —
   earlier than asked, nothing displaced.
2. **Displacing.** Otherwise the new tonnes made before the requested month on free hours
   are kept, and the rest are due in the month tried — the requested month first, then
   each month after — counting as key accounts for that try only, and made no earlier than
   the requested month: so no position on time is displaced to make the deal *earlier*
   than asked. Key-account positions are held where the baseline put them (a promise
   never moves a key account); the others are anchored to their baseline lines by a small
   penalty (:data:`ANCHOR_RUB_PER_T`), so only what the new tonnes really need is moved.
   The first month by which all new tonnes are made is the answer.

A month is solved only if the hours left by the lines held locked could hold the tonnes
at all (:meth:`_Line.most_by`, a bound computed without a solve): a month passed over
would fail anyway, so the answer is the one trying every month would give, in fewer
solves. The plan without the new tonnes is solved for the month found alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from millplan.core.domain.errors import MillplanError, StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.plant import Plant
from millplan.core.domain.portfolio import Position
from millplan.core.planning import explain
from millplan.core.planning.attributes import PositionAttributes, mill_options
from millplan.core.planning.displacement import Displaced, displaced_positions, first_planned, rub
from millplan.core.planning.inputs import LineInput
from millplan.core.planning.line_plan import baseline_problem
from millplan.core.planning.solving import priority_weight
from millplan.solver import control, prioritiser
from millplan.solver.problem import Demand, Lock, Option, Problem, Solution, hours_room, locked_lines, report_tonnes

ANCHOR_RUB_PER_T = 1.0
"""Stability penalty (RUB per tonne changed) holding every other position to where the
current plan puts it when the new tonnes are added: a tie-break, far below any margin, so
that among equally good plans the one that moves the fewest tonnes is chosen and the
displaced list names only what the new tonnes really push aside, not a reshuffle."""

SURE_SHORT_T = 1.0
"""Tonnes by which the hours bound of :meth:`_Line.most_by` must fall short of the new
tonnes before a month is passed over unsolved: far above the solver's and reporting's
round-off, so only months sure to fail are spared a solve."""


def _solve(problem: Problem) -> Solution:
    """``problem`` solved in the time the promise has left (its deadline is current).
    Raises :class:`MillplanError` when the time limit cuts the solve short."""
    deadline = control.current()
    solution = prioritiser.solve(problem, time_limit=deadline.left())
    unproven = solution.status == "feasible" and (solution.gap is None or solution.gap > problem.settings.gap)
    if solution.status == "no_solution" or unproven:  # only the time limit stops a solve so
        raise MillplanError(
            _("no answer within {seconds} s: promise with a longer time limit (--time-limit)").format(
                seconds=f"{deadline.seconds:g}"
            )
        )
    return solution


@dataclass(frozen=True)
class LineAnswer:
    """One product line's answer: the ``earliest`` month all its new tonnes are made by
    (``None``: not within the horizon), the new tonnes (t) ``made`` by month, whether
    ``on_free_hours``, what it ``displaced``, the ``margin_change`` (RUB) and the new
    positions no mill can make (``unplaceable``, each with why)."""

    earliest: Month | None
    made: dict[Month, float]
    on_free_hours: bool = False
    displaced: tuple[Displaced, ...] = ()
    margin_change: Decimal = Decimal(0)
    unplaceable: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Line:
    """One product line's promise: the baseline ``problem`` (without the new positions) and
    its plan, the new positions by demand id, how to name ids, and the first month the
    saved plan has each position in (``planned``, by position id). Each new position has
    two ids: one for its tonnes due in the month tried, and one from :attr:`kept_from` on
    for those kept where free hours make them before the requested month."""

    month: Month
    product_line: str
    problem: Problem
    baseline: Solution
    attributes: dict[int, PositionAttributes]
    new: dict[int, PositionAttributes]
    refs: dict[int, str]
    codes: dict[int, str]
    planned: dict[int, Month]

    @property
    def wanted(self) -> float:
        """The new positions' tonnes (t)."""
        return sum(a.position.remaining_tonnes for d, a in self.new.items() if d < self.kept_from)

    @property
    def kept_from(self) -> int:
        """The first id of the kept early parts."""
        return min(self.new) + len(self.new) // 2

    def solve(self, demands: tuple[Demand, ...], **settings) -> Solution:
        """The plan of ``demands`` on the line's hours with these settings changed; raises
        :class:`StateError` naming positions, mills and months when there is none."""
        problem = Problem(demands, self.problem.hours, replace(self.problem.settings, explain=False, **settings))
        solution = _solve(problem)
        if not solution.ok:
            why = explain.why_no_plan(solution, self.refs, self.codes, self.month)
            raise StateError(
                _("{month} {line}: no plan with the new tonnes ({why})").format(
                    month=month_text(self.month), line=self.product_line, why=why
                )
            )
        return solution

    def most_by(self, demands: tuple[Demand, ...], first: int, last: int) -> float:
        """At most the new tonnes (t) a plan of ``demands`` can make in periods ``first``
        to ``last``, without a solve: the hours of each mill-period a new position can use,
        less what the locked lines there take, at the fastest new position's h/t on that
        mill. Other lines, lots and each position's own tonnes are ignored: only looser."""
        fastest: dict[int, float] = {}
        for d in demands:
            if d.id in self.new and not d.locked:
                for o in d.options:
                    fastest[o.mill] = min(fastest.get(o.mill, o.hours_per_tonne), o.hours_per_tonne)
        locked = locked_lines(Problem(demands, self.problem.hours, self.problem.settings))
        most = 0.0
        for (mill, period), hours in self.problem.hours.items():
            if mill in fastest and first <= period <= last:
                taken = locked.get((mill, period), ())
                free = max(0.0, hours_room(hours, taken) - sum(t * rate for t, rate in taken))
                most += free / fastest[mill] if fastest[mill] > 0 else (float("inf") if free > 0 else 0.0)
        return most

    def made_by(self, solution: Solution, period: int) -> float:
        """New tonnes (t) made by ``period``."""
        return sum(t for (d, _, p), t in solution.tonnes.items() if d in self.new and p <= period)

    def by_month(self, solution: Solution) -> dict[Month, float]:
        """New tonnes (t) by month."""
        made: dict[Month, float] = {}
        for (d, _mill, p), t in sorted(solution.tonnes.items()):
            if d in self.new:
                made[self.month + p] = made.get(self.month + p, 0.0) + t
        return made

    def new_demands(self, due: int, tonnes: dict[int, float] | None = None) -> tuple[Demand, ...]:
        """The new positions due in period ``due`` (all their tonnes, or ``tonnes`` by id),
        key accounts for the try: as much by ``due`` as the held lines leave room for."""
        if tonnes is None:
            tonnes = {d: a.position.remaining_tonnes for d, a in self.new.items() if d < self.kept_from}
        return tuple(_demand(d, self.new[d], due, t) for d, t in tonnes.items() if t >= prioritiser.MIN_TONNES)


def line_promise(
    plant: Plant, month: Month, due: int, inp: LineInput, elsewhere: dict[int, float], new: list[Position]
) -> LineAnswer:
    """The promise of the ``new`` positions of one product line (``inp``: its plan
    inputs), wanted by period ``due``."""
    new_ids = {p.id for p in new}
    inp = replace(
        inp, positions=[p for p in inp.positions if p.id not in new_ids]
    )  # an accepted deal is not counted twice
    problem, attributes = baseline_problem(plant, month, inp, elsewhere)
    refs = {d: a.position.ref for d, a in attributes.items()}
    codes = {m.id: m.code for m in plant.mills if m.product_line == inp.product_line}
    baseline = _solve(replace(problem, settings=replace(problem.settings, explain=False)))
    if not baseline.ok:
        why = explain.why_no_plan(baseline, refs, codes, month)
        raise StateError(
            _("{month} {line}: the current plan cannot be solved ({why}); re-plan it first").format(
                month=month_text(month), line=inp.product_line, why=why
            )
        )
    described = [PositionAttributes(p, *mill_options(plant, p)) for p in new]
    unplaceable = tuple(f"{_ref(a.position)} ({a.no_mill_reason})" for a in described if not a.options)
    placeable = [a for a in described if a.options]
    if not placeable:
        return LineAnswer(None, {}, unplaceable=unplaceable)
    first_id = max([d.id for d in problem.demands] + [0]) + 1
    ids = {first_id + i: a for i, a in enumerate(placeable)} | {
        first_id + len(placeable) + i: a for i, a in enumerate(placeable)
    }
    refs |= {d: _ref(a.position) for d, a in ids.items()}
    line = _Line(month, inp.product_line, problem, baseline, attributes, ids, refs, codes, first_planned(inp.previous))
    answer = _on_free_hours(line, due)
    return replace(answer, earliest=None if unplaceable else answer.earliest, unplaceable=unplaceable)


def _ref(position: Position) -> str:
    return _("typed position") if position.deal_number == "typed" else position.ref


def _on_free_hours(line: _Line, due: int) -> LineAnswer:
    """The answer on the hours the baseline leaves free (every baseline line held): the
    first period by which all new tonnes are made, if not after ``due``; otherwise
    :func:`_displacing`, keeping what the free hours make before ``due``."""
    held = _holding(line.problem, line.baseline, everyone=True)

    def attempt(k: int) -> Solution:
        return line.solve(held + line.new_demands(k), early_months=k)

    new = held + line.new_demands(due)
    if (
        line.most_by(new, 0, due) < line.wanted - SURE_SHORT_T
        and line.most_by(new, 0, due - 1) < prioritiser.MIN_TONNES
    ):
        return _displacing(line, due, {})  # the free hours hold too little, and no line before ``due``: no solve
    found = attempt(due)
    if line.made_by(found, due) < line.wanted - prioritiser.MIN_TONNES:
        early: dict[int, list[Lock]] = {}
        for (d, m, p), t in sorted(found.tonnes.items()):
            if d in line.new and p < due:
                early.setdefault(d, []).append(Lock(m, p, t))
        return _displacing(line, due, early)
    for k in range(due):  # how early; a month whose free hours cannot hold the tonnes is not solved
        if line.most_by(held + line.new_demands(k), 0, k) < line.wanted - SURE_SHORT_T:
            continue
        earlier = attempt(k)
        if line.made_by(earlier, k) >= line.wanted - prioritiser.MIN_TONNES:
            found, due = earlier, k
            break
    change = rub(found.margin - line.baseline.margin)
    return LineAnswer(line.month + due, line.by_month(found), True, (), change)


def _displacing(line: _Line, due: int, early: dict[int, list[Lock]]) -> LineAnswer:
    """The answer when the new tonnes need others' hours: the ``early`` lines (by new
    demand id, before period ``due``, on free hours) are kept; the rest is due in ``due``,
    then each period after, and made no earlier than ``due``; key accounts are held where
    the baseline put them and the others anchored to it."""
    problem, baseline = line.problem, line.baseline
    shift = line.kept_from - min(line.new)
    kept = tuple(
        _demand(d + shift, line.new[d], due, report_tonnes(sum(l.tonnes for l in lines)), locked=tuple(lines))
        for d, lines in early.items()
    )
    rest = {
        d: report_tonnes(a.position.remaining_tonnes - sum(l.tonnes for l in early.get(d, ())))
        for d, a in line.new.items()
        if d < line.kept_from
    }
    held = _holding(problem, baseline, everyone=False)
    stability = max(problem.settings.stability_penalty, ANCHOR_RUB_PER_T)
    last = problem.settings.periods - 1
    for k in range(due, last + 1):
        # the rest, due in k, may be made from ``due`` on: an early window of k − due
        # months (for every position alike, in both plans)
        demands = held + kept + line.new_demands(k, rest)
        if k < last and sum(rest.values()) - line.most_by(demands, due, k) > SURE_SHORT_T:
            continue  # not even the hours left by the locked lines hold the rest by k
        with_new = line.solve(demands, early_months=k - due, stability_penalty=stability)
        if line.made_by(with_new, k) >= line.wanted - prioritiser.MIN_TONNES:
            found = k
            break
    else:
        found = None
    # the plan without the new tonnes only for the month found (or the last one tried)
    if k - due == problem.settings.early_months:
        without = baseline  # the best plan around key accounts held where it put them
    else:
        without = line.solve(held, early_months=k - due, stability_penalty=stability)
    # the new tonnes are on time in the month promised, so the plans' margins differ by the
    # new margin less the others' lost margin and the lateness caused them
    change = rub(with_new.margin - without.margin)
    displaced = displaced_positions(line.attributes, problem, without, with_new, line.month, line.planned)
    return LineAnswer(None if found is None else line.month + found, line.by_month(with_new), False, displaced, change)


def _holding(problem: Problem, baseline: Solution, *, everyone: bool) -> tuple[Demand, ...]:
    """The demands with the key accounts (``everyone``: every demand) held exactly where
    the baseline planned them — tonnes cut to what was planned, each line locked; one
    planned nowhere stays out — and every other demand anchored to its baseline lines
    (``previous``, see :data:`ANCHOR_RUB_PER_T`)."""
    planned: dict[int, list[Lock]] = {}
    for (d, m, p), t in sorted(baseline.tonnes.items()):
        planned.setdefault(d, []).append(Lock(m, p, t))
    held = []
    for d in problem.demands:
        if not (everyone or d.key_account):
            held.append(replace(d, previous=tuple(planned.get(d.id, ()))))
        elif d.id in planned:
            lines = tuple(planned[d.id])
            held.append(
                replace(
                    d, tonnes=report_tonnes(sum(l.tonnes for l in lines)), locked=lines, mandatory=False, previous=()
                )
            )
    return tuple(held)


def _demand(
    demand_id: int, attrs: PositionAttributes, due: int, tonnes: float, locked: tuple[Lock, ...] = ()
) -> Demand:
    """A new position's demand: a key account for the try, unless its lines are ``locked``."""
    return Demand(
        id=demand_id,
        tonnes=tonnes,
        key_account=not locked,
        options=tuple(Option(o.mill.id, o.hours_per_tonne, float(o.unit_margin)) for o in attrs.options),
        priority=priority_weight(attrs.position.manual_priority),
        due=due,
        locked=locked,
    )
