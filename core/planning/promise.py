"""Capable-to-promise: whether a new deal (or a position typed in by hand) can be made
by its requested month, and if not the earliest month that can; what it would displace,
and what that does to marginal income net of the lateness it causes.

For each product line of the new positions, the line is planned as :func:`millplan.core.planning.run.plan`
would (its latest revision's options, locks, hand exclusions; other months' assignments
taken off), over ``horizon`` months from the plan month (widened to reach the requested
month), without the new positions: the *baseline*. Then:

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

Displaced: baseline positions with fewer tonnes made by their requested month or within
the horizon, or made later than due by more tonne-months, each with its key-account flag,
sales manager, the month the current plan (the saved assignment and its forecast) has it
in, and what it costs, as the prioritiser's margin stage counts it: the lateness of the
tonnes still made within the horizon (t·month and RUB at the plan's lateness penalty),
and for tonnes pushed out of the horizon the marginal income they earned there (RUB, net
of their own lateness). Tonnes out of the horizon are charged no lateness: the plan counts
them as not made, so their whole marginal income is lost instead (charging both would
count them twice). The change in marginal income is the plan with the new positions less
the plan without them, over the horizon: the new positions' margin less those two costs
(and any change of mill of the others). Nothing is saved.

A promise runs under a :class:`~solver.control.Deadline` (given, else the caller's
:func:`millplan.solver.control.current`, else its own): cancelled, its solver stops and it raises
:class:`~solver.control.Cancelled`; its time limit (:data:`TIME_LIMIT` by default) holds for
all its solves together, and a solve cut short by it fails the promise rather than answer
from a plan not proven best.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from millplan.core.domain.errors import InvalidInput, MillplanError, NotFound, StateError
from millplan.core.domain.model import Assignment, DealStatus, Plant, Position
from millplan.core.domain.months import Month
from millplan.core.planning import explain
from millplan.core.planning.attributes import PositionAttributes, mill_options
from millplan.core.planning.run import _carried_locks, _held, _inputs, _LineInput, _plant, _problem, priority_weight
from millplan.solver import control, prioritiser
from millplan.solver.control import Deadline
from millplan.solver.model import due_period, months_late, net_margin
from millplan.solver.problem import (
    MAX_PERIODS,
    Demand,
    Lock,
    Option,
    Problem,
    Solution,
    hours_room,
    locked_lines,
    report_tonnes,
)
from millplan.storage.store import Store

DEFAULT_HORIZON = 6
"""Months a promise looks ahead from the plan month by default."""

TIME_LIMIT = 30.0
"""Seconds a promise gets, all its solves together, unless the caller gives another."""

ANCHOR_RUB_PER_T = 1.0
"""Stability penalty (RUB per tonne changed) holding every other position to where the
current plan puts it when the new tonnes are added: a tie-break, far below any margin, so
that among equally good plans the one that moves the fewest tonnes is chosen and the
displaced list names only what the new tonnes really push aside, not a reshuffle."""

SURE_SHORT_T = 1.0
"""Tonnes by which the hours bound of :meth:`_Line.most_by` must fall short of the new
tonnes before a month is passed over unsolved: far above the solver's and reporting's
round-off, so only months sure to fail are spared a solve."""


@dataclass(frozen=True)
class Displaced:
    """A planned position the new one pushes back or out (fewer tonnes made by its
    requested month or within the horizon, or later than before): ``tonnes`` t taken from
    the months they were planned in; ``before`` the first month the current plan (the
    saved assignment and its forecast) has it in (``None``: not in it); ``after`` the last
    month that gains tonnes (``None``: none, all pushed out of the horizon);
    ``late_tonne_months`` the lateness caused to the tonnes still made within the horizon
    (t·month) and ``lateness_penalty`` its cost (RUB) at the plan's lateness penalty;
    ``out_tonnes`` t pushed out of the horizon and ``margin_lost`` the marginal income
    they earned in it (RUB, net of their lateness there)."""

    position: str
    deal: str
    key_account: bool
    sales_manager: str
    tonnes: float
    before: Month | None
    after: Month | None
    late_tonne_months: float
    lateness_penalty: Decimal
    out_tonnes: float = 0.0
    margin_lost: Decimal = Decimal(0)


@dataclass(frozen=True)
class Promise:
    """The answer for one deal or typed-in position.

    ``requested``: the month asked for (a deal's latest requested month, not before the
    plan month). ``earliest``: the first month by which all ``tonnes`` t can be made
    (``None``: not within the horizon, when ``made`` t at most can be); ``on_free_hours``:
    made on hours the plan leaves free, nothing displaced. ``by_month`` the new tonnes per
    month in that plan; ``displaced`` what it pushes back or out; ``margin_change`` RUB,
    net of ``lateness_penalty`` (RUB, the displaced positions' lateness caused) and of
    ``margin_lost`` (RUB, the marginal income of their tonnes pushed out of the horizon);
    ``unplaceable``: the new positions no mill can make, each with why.
    """

    subject: str
    plan_month: Month
    horizon: int
    requested: Month
    tonnes: float
    earliest: Month | None
    made: float
    by_month: dict[Month, float]
    on_free_hours: bool
    displaced: tuple[Displaced, ...]
    margin_change: Decimal
    lateness_penalty: Decimal
    margin_lost: Decimal = Decimal(0)
    unplaceable: tuple[str, ...] = ()

    @property
    def meets_request(self) -> bool:
        """All tonnes by the requested month (or earlier)."""
        return self.earliest is not None and self.earliest <= self.requested

    @property
    def margin_loss(self) -> Decimal | None:
        """RUB by which accepting it would lower the plant's marginal income (``None``:
        it does not)."""
        return -self.margin_change if self.margin_change < 0 else None


def promise_deal(
    store: Store,
    number: str,
    *,
    month: Month | None = None,
    horizon: int = DEFAULT_HORIZON,
    time_limit: float = TIME_LIMIT,
    deadline: Deadline | None = None,
) -> Promise:
    """The promise for deal ``number`` (its positions with tonnes left) for its latest
    requested month, planned from ``month`` (default: next month), in at most
    ``time_limit`` s under ``deadline`` (see the module). Raises :class:`NotFound` for an
    unknown deal, :class:`StateError` for one with nothing left to make,
    :class:`MillplanError` when the time limit cuts a solve short, and
    :class:`~solver.control.Cancelled` when the deadline is cancelled."""
    with store.reading() as repo:
        repo.plant.deal(number)
        positions = [p for p in repo.plant.positions(deal_number=number) if p.remaining_tonnes > prioritiser.MIN_TONNES]
    if not positions:
        raise StateError(f"deal {number} has nothing left to make")
    requested = max(p.requested_month for p in positions)
    return _promise(store, f"deal {number}", positions, month, requested, horizon, _limited(deadline, time_limit))


def promise_position(
    store: Store,
    *,
    product_line: str,
    od_mm: float,
    wall_mm: float,
    steel_grade: str,
    standard: str,
    tonnes: float,
    price: Decimal,
    metal_cost: Decimal,
    key_account: bool = False,
    month: Month | None = None,
    requested: Month | None = None,
    horizon: int = DEFAULT_HORIZON,
    time_limit: float = TIME_LIMIT,
    deadline: Deadline | None = None,
) -> Promise:
    """The promise for one position typed in by hand (OD, wall mm; tonnes t; price and
    metal cost RUB/t) wanted by ``requested`` (default: the plan month ``month``, itself
    next month by default), in at most ``time_limit`` s under ``deadline`` as for
    :func:`promise_deal`. Raises :class:`InvalidInput` for non-positive sizes or tonnes,
    and as :func:`promise_deal` does for time and cancelling."""
    if min(od_mm, wall_mm, tonnes) <= 0 or wall_mm * 2 >= od_mm:
        raise InvalidInput(
            f"a pipe {od_mm:g}×{wall_mm:g} mm of {tonnes:g} t cannot be made: sizes and tonnes must be positive, wall under half the OD"
        )
    wanted = requested or month or Month.current() + 1
    typed = Position(
        id=0,
        deal_number="typed",
        position_no=1,
        customer="",
        is_key_account=key_account,
        sales_manager="",
        deal_status=DealStatus.PENDING,
        product_line=product_line,
        pipe_type="",
        od_mm=od_mm,
        wall_mm=wall_mm,
        steel_grade=steel_grade,
        standard=standard,
        length_m=None,
        tonnes_ordered=tonnes,
        tonnes_produced=0.0,
        price=price,
        metal_cost=metal_cost,
        requested_month=wanted,
    )
    subject = f"{od_mm:g}×{wall_mm:g} {steel_grade} {standard}, {tonnes:g} t"
    return _promise(store, subject, [typed], month, wanted, horizon, _limited(deadline, time_limit))


def _limited(deadline: Deadline | None, time_limit: float) -> Deadline:
    """The promise's deadline (``deadline``, else the caller's current one, else its own),
    held to ``time_limit`` s."""
    deadline = deadline or control.current() or Deadline()
    deadline.limit(time_limit)
    return deadline


def _solve(problem: Problem) -> Solution:
    """``problem`` solved in the time the promise has left (its deadline is current).
    Raises :class:`MillplanError` when the time limit cuts the solve short."""
    deadline = control.current()
    solution = prioritiser.solve(problem, time_limit=deadline.left())
    unproven = solution.status == "feasible" and (solution.gap is None or solution.gap > problem.settings.gap)
    if solution.status == "no_solution" or unproven:  # only the time limit stops a solve so
        raise MillplanError(f"no answer within {deadline.seconds:g} s: promise with a longer time limit (--time-limit)")
    return solution


def _promise(
    store: Store,
    subject: str,
    new: list[Position],
    month: Month | None,
    requested: Month,
    horizon: int,
    deadline: Deadline,
) -> Promise:
    if not 1 <= horizon <= MAX_PERIODS:
        raise InvalidInput(f"horizon must be 1 to {MAX_PERIODS} months, not {horizon}")
    current = Month.current()
    month = month or current + 1
    if month < current:
        raise InvalidInput(f"{month} is past: promise from the current month or a later one")
    requested = max(requested, month)  # overdue already: as soon as possible
    if requested - month >= MAX_PERIODS:
        raise InvalidInput(
            f"{subject} is wanted in {requested}, beyond {MAX_PERIODS} months from {month}: promise from a later month"
        )
    horizon = max(horizon, requested - month + 1)
    lines = sorted({p.product_line for p in new})
    with store.reading() as repo:
        plant = _plant(repo, None)
        missing = [l for l in lines if l not in plant.product_lines]
        if missing:
            raise NotFound(f"product line {', '.join(missing)} has no mills (known: {', '.join(plant.product_lines)})")
        inputs, elsewhere = _inputs(repo, plant, month, lines, current, {"horizon": horizon})
    # month locks beyond the promise's horizon do not bind within it
    inputs = [
        replace(
            inp, options=inp.options.changed(locks=tuple(l for l in inp.options.locks if l.month - month < horizon))
        )
        for inp in inputs
    ]
    with deadline.watching():
        answers = [
            _line_promise(
                plant, month, requested - month, inp, elsewhere, [p for p in new if p.product_line == inp.product_line]
            )
            for inp in inputs
        ]
    by_month: dict[Month, float] = {}
    for answer in answers:
        for m, t in answer.made.items():
            by_month[m] = by_month.get(m, 0.0) + t
    earliest = [a.earliest for a in answers]
    displaced = tuple(d for a in answers for d in a.displaced)
    return Promise(
        subject=subject,
        plan_month=month,
        horizon=horizon,
        requested=requested,
        tonnes=report_tonnes(sum(p.remaining_tonnes for p in new)),
        earliest=None if None in earliest else max(earliest),
        made=report_tonnes(sum(by_month.values())),
        by_month=dict(sorted(by_month.items())),
        on_free_hours=all(a.on_free_hours for a in answers),
        displaced=displaced,
        margin_change=sum((a.margin_change for a in answers), Decimal(0)),
        lateness_penalty=sum((d.lateness_penalty for d in displaced), Decimal(0)),
        margin_lost=sum((d.margin_lost for d in displaced), Decimal(0)),
        unplaceable=tuple(ref for a in answers for ref in a.unplaceable),
    )


@dataclass(frozen=True)
class _LineAnswer:
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
            raise StateError(f"{self.month} {self.product_line}: no plan with the new tonnes ({why})")
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
        for (d, _, p), t in sorted(solution.tonnes.items()):
            if d in self.new:
                made[self.month + p] = made.get(self.month + p, 0.0) + t
        return made

    def new_demands(self, due: int, tonnes: dict[int, float] | None = None) -> tuple[Demand, ...]:
        """The new positions due in period ``due`` (all their tonnes, or ``tonnes`` by id),
        key accounts for the try: as much by ``due`` as the held lines leave room for."""
        if tonnes is None:
            tonnes = {d: a.position.remaining_tonnes for d, a in self.new.items() if d < self.kept_from}
        return tuple(_demand(d, self.new[d], due, t) for d, t in tonnes.items() if t >= prioritiser.MIN_TONNES)


def _line_promise(
    plant: Plant, month: Month, due: int, inp: _LineInput, elsewhere: dict[int, float], new: list[Position]
) -> _LineAnswer:
    """The promise of the ``new`` positions of one product line (``inp``: its plan
    inputs), wanted by period ``due``."""
    new_ids = {p.id for p in new}
    inp = replace(
        inp, positions=[p for p in inp.positions if p.id not in new_ids]
    )  # an accepted deal is not counted twice
    problem, attributes = _baseline_problem(plant, month, inp, elsewhere)
    refs = {d: a.position.ref for d, a in attributes.items()}
    codes = {m.id: m.code for m in plant.mills if m.product_line == inp.product_line}
    baseline = _solve(replace(problem, settings=replace(problem.settings, explain=False)))
    if not baseline.ok:
        why = explain.why_no_plan(baseline, refs, codes, month)
        raise StateError(f"{month} {inp.product_line}: the current plan cannot be solved ({why}); re-plan it first")
    described = [PositionAttributes(p, *mill_options(plant, p)) for p in new]
    unplaceable = tuple(f"{_ref(a.position)} ({a.no_mill_reason})" for a in described if not a.options)
    placeable = [a for a in described if a.options]
    if not placeable:
        return _LineAnswer(None, {}, unplaceable=unplaceable)
    first_id = max([d.id for d in problem.demands] + [0]) + 1
    ids = {first_id + i: a for i, a in enumerate(placeable)} | {
        first_id + len(placeable) + i: a for i, a in enumerate(placeable)
    }
    refs |= {d: _ref(a.position) for d, a in ids.items()}
    line = _Line(month, inp.product_line, problem, baseline, attributes, ids, refs, codes, _planned(inp.previous))
    answer = _on_free_hours(line, due)
    return replace(answer, earliest=None if unplaceable else answer.earliest, unplaceable=unplaceable)


def _ref(position: Position) -> str:
    return "typed position" if position.deal_number == "typed" else position.ref


def _on_free_hours(line: _Line, due: int) -> _LineAnswer:
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
    change = _rub(found.margin - line.baseline.margin)
    return _LineAnswer(line.month + due, line.by_month(found), True, (), change)


def _displacing(line: _Line, due: int, early: dict[int, list[Lock]]) -> _LineAnswer:
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
    change = _rub(with_new.margin - without.margin)
    displaced = _displaced(line.attributes, problem, without, with_new, line.month, line.planned)
    return _LineAnswer(None if found is None else line.month + found, line.by_month(with_new), False, displaced, change)


def _baseline_problem(
    plant: Plant, month: Month, inp: _LineInput, elsewhere: dict[int, float]
) -> tuple[Problem, dict[int, PositionAttributes]]:
    """The line's problem as a plan of ``month`` would pose it (without the new positions)."""
    open_tonnes = {p.id: report_tonnes(p.remaining_tonnes - elsewhere.get(p.id, 0.0)) for p in inp.positions}
    positions = [p for p in inp.positions if open_tonnes[p.id] >= prioritiser.MIN_TONNES]
    by_id = {p.id: p for p in positions}
    manual = {
        e.position_id: e
        for e in (inp.previous.exclusions if inp.previous else ())
        if e.manual and e.position_id in by_id
    }
    locks, _ = _carried_locks(inp.previous, by_id, open_tonnes)
    for position_id in manual:
        locks.pop(position_id, None)
    attributes = {p.id: PositionAttributes(p, *mill_options(plant, p)) for p in positions if p.id not in manual}
    months = month.range(inp.options.horizon)
    mills = [m for m in plant.mills if m.product_line == inp.product_line]
    hours = {
        (m.code, mo): max(0.0, plant.hours(m, mo) - inp.booked.get((m.code, mo), 0.0)) for m in mills for mo in months
    }
    held = _held(inp.options, attributes, manual, by_id, months, inp.product_line)
    return _problem(attributes, open_tonnes, locks, held, inp.approved, mills, hours, months, inp.options), attributes


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


def _displaced(
    attributes: dict[int, PositionAttributes],
    problem: Problem,
    before: Solution,
    after: Solution,
    month: Month,
    planned: dict[int, Month],
) -> tuple[Displaced, ...]:
    """Positions with fewer tonnes by their requested month or within the horizon, or
    later than due by more tonne-months; each named with its key-account flag and sales
    manager, the first month the current plan has it in (``planned``, by position id), the
    last month that gains tonnes (``None``: none), and what the margin stage charges for
    it: the lateness caused to the tonnes still made (t·month, RUB), and for the tonnes
    pushed out of the horizon — taken from its latest lines first, those the plan would
    give up first — the marginal income they earned there, net of their lateness (RUB)."""
    demands = {d.id: d for d in problem.demands}
    penalty = problem.settings.lateness_penalty
    penalty_rub = Decimal(repr(penalty))

    def lines(solution: Solution) -> dict[int, dict[tuple[int, int], float]]:
        result: dict[int, dict[tuple[int, int], float]] = {}
        for (d, m, p), t in solution.tonnes.items():
            if d in demands:
                cells = result.setdefault(d, {})
                cells[m, p] = cells.get((m, p), 0.0) + t
        return result

    def late(cells: dict[tuple[int, int], float], d: int) -> float:
        return sum(t * months_late(demands[d], p) for (_, p), t in cells.items())

    def by_period(cells: dict[tuple[int, int], float]) -> dict[int, float]:
        periods: dict[int, float] = {}
        for (_, p), t in cells.items():
            periods[p] = periods.get(p, 0.0) + t
        return periods

    old, new = lines(before), lines(after)
    found = []
    for d, was_cells in sorted(old.items()):
        now_cells = new.get(d, {})
        was, now = by_period(was_cells), by_period(now_cells)
        due = due_period(demands[d])
        on_time_lost = sum(t for p, t in was.items() if p <= due) - sum(t for p, t in now.items() if p <= due)
        out = sum(was.values()) - sum(now.values())
        out = out if out >= prioritiser.MIN_TONNES else 0.0
        kept, lost, left = dict(was_cells), 0.0, out
        for m, p in sorted(was_cells, key=lambda cell: -cell[1]):  # the latest lines go out first
            taken = min(left, kept[m, p])
            kept[m, p] -= taken
            left -= taken
            option = next(o for o in demands[d].options if o.mill == m)
            lost += taken * net_margin(demands[d], option, p, penalty)
        lateness = report_tonnes(late(now_cells, d) - late(kept, d))
        delta = {p: now.get(p, 0.0) - was.get(p, 0.0) for p in was.keys() | now.keys()}
        losing = [p for p, change in delta.items() if change <= -prioritiser.MIN_TONNES]
        if not losing or max(on_time_lost, out, lateness) < prioritiser.MIN_TONNES:
            continue
        gaining = [p for p, change in delta.items() if change >= prioritiser.MIN_TONNES]
        position = attributes[d].position
        lateness = max(lateness, 0.0)
        found.append(
            Displaced(
                position.ref,
                position.deal_number,
                position.is_key_account,
                position.sales_manager,
                report_tonnes(-sum(delta[p] for p in losing)),
                planned.get(d),
                month + max(gaining) if gaining else None,
                lateness,
                (penalty_rub * Decimal(repr(lateness))).quantize(Decimal("0.01")),
                report_tonnes(out),
                _rub(lost),
            )
        )
    return tuple(found)


def _rub(amount: float) -> Decimal:
    """RUB to the kopeck."""
    return Decimal(repr(amount)).quantize(Decimal("0.01"))


def _planned(assignment: Assignment | None) -> dict[int, Month]:
    """The first month the saved plan ``assignment`` (its lines, then its forecast) has
    each position in, by position id: what the planner sees as the current plan."""
    first: dict[int, Month] = {}
    if assignment is not None:
        for line in assignment.lines:
            first.setdefault(line.position_id, assignment.month)
        for f in sorted(assignment.forecast, key=lambda f: f.month):
            first.setdefault(f.position_id, f.month)
    return first
