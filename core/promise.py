"""Capable-to-promise: the earliest month a new deal (or a position typed in by hand) can
be made in full, what it would displace, and what that does to marginal income.

For each product line of the new positions, the line is planned as :func:`core.planning.plan`
would (its latest revision's options, locks, hand exclusions; other months' assignments
taken off), over ``horizon`` months from the plan month, first without the new positions
(the *baseline*), then with them. Key-account positions are held where the baseline put
them (locked), so a promise never moves a key account. The new positions are due in the
month tried — the plan month first, then each month after — and count as key accounts
for that try only, so the plan makes as much of them by that month as the hours allow
without touching the held key accounts; the first month by which all of their tonnes
are made is the promise. A try lets every position be made up to that many months early
(in both plans alike), so the new positions may use earlier hours.

Displaced: positions of the baseline with fewer tonnes made by their requested month, or
fewer within the horizon, with the month their last tonnes were made before and after
(``None``: not within the horizon). The change in marginal income is the plan with the
new positions less the baseline, over the whole horizon (RUB, lateness penalties aside).
Nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from core.attributes import PositionAttributes, mill_options
from core.errors import InvalidInput, NotFound, StateError
from core.model import DealStatus, Plant, Position
from core.months import Month
from core.planning import _carried_locks, _held, _inputs, _LineInput, _plant, _problem, priority_weight
from solver import prioritiser
from solver.problem import MAX_PERIODS, Demand, Lock, Option, Problem, Solution
from storage.store import Store

DEFAULT_HORIZON = 6
"""Months a promise looks ahead from the plan month by default."""

ANCHOR_RUB_PER_T = 1.0
"""Stability penalty (RUB per tonne changed) holding every other position to where the
current plan puts it when the new tonnes are added: a tie-break, far below any margin, so
that among equally good plans the one that moves the fewest tonnes is chosen and the
displaced list names only what the new tonnes really push aside, not a reshuffle."""


@dataclass(frozen=True)
class Displaced:
    """A planned position the new one pushes back or out: ``tonnes`` t fewer made by its
    requested month (or within the horizon); ``before`` the first month that loses them,
    ``after`` the last month that gains them (``None``: pushed past the horizon)."""

    position: str
    deal: str
    sales_manager: str
    tonnes: float
    before: Month | None
    after: Month | None


@dataclass(frozen=True)
class Promise:
    """The answer for one deal or typed-in position.

    ``earliest``: the first month by which all ``tonnes`` t can be made (``None``: not
    within the horizon, when ``made`` t at most can be); ``by_month`` the new tonnes per
    month in that plan; ``displaced`` what it pushes back or out; ``margin_change`` RUB;
    ``unplaceable``: the new positions no mill can make, each with why.
    """

    subject: str
    plan_month: Month
    horizon: int
    tonnes: float
    earliest: Month | None
    made: float
    by_month: dict[Month, float]
    displaced: tuple[Displaced, ...]
    margin_change: Decimal
    unplaceable: tuple[str, ...] = ()


def promise_deal(store: Store, number: str, *, month: Month | None = None, horizon: int = DEFAULT_HORIZON) -> Promise:
    """The promise for deal ``number`` (its positions with tonnes left), planned from
    ``month`` (default: next month). Raises :class:`NotFound` for an unknown deal and
    :class:`StateError` for one with nothing left to make."""
    with store.reading() as repo:
        repo.deal(number)
        positions = [p for p in repo.positions(deal_number=number) if p.remaining_tonnes > prioritiser.MIN_TONNES]
    if not positions:
        raise StateError(f"deal {number} has nothing left to make")
    return _promise(store, f"deal {number}", positions, month, horizon)


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
    horizon: int = DEFAULT_HORIZON,
) -> Promise:
    """The promise for one position typed in by hand (OD, wall mm; tonnes t; price and
    metal cost RUB/t). Raises :class:`InvalidInput` for non-positive sizes or tonnes."""
    if min(od_mm, wall_mm, tonnes) <= 0 or wall_mm * 2 >= od_mm:
        raise InvalidInput(f"a pipe {od_mm:g}×{wall_mm:g} mm of {tonnes:g} t cannot be made: sizes and tonnes must be positive, wall under half the OD")
    typed = Position(
        id=0, deal_number="typed", position_no=1, customer="", is_key_account=key_account, sales_manager="",
        deal_status=DealStatus.PENDING, product_line=product_line, pipe_type="", od_mm=od_mm, wall_mm=wall_mm,
        steel_grade=steel_grade, standard=standard, length_m=None, tonnes_ordered=tonnes, tonnes_produced=0.0,
        price=price, metal_cost=metal_cost, requested_month=month or Month.current() + 1,
    )
    return _promise(store, f"{od_mm:g}×{wall_mm:g} {steel_grade} {standard}, {tonnes:g} t", [typed], month, horizon)


def _promise(store: Store, subject: str, new: list[Position], month: Month | None, horizon: int) -> Promise:
    if not 1 <= horizon <= MAX_PERIODS:
        raise InvalidInput(f"horizon must be 1 to {MAX_PERIODS} months, not {horizon}")
    current = Month.current()
    month = month or current + 1
    if month < current:
        raise InvalidInput(f"{month} is past: promise from the current month or a later one")
    lines = sorted({p.product_line for p in new})
    with store.reading() as repo:
        plant = _plant(repo, None)
        missing = [l for l in lines if l not in plant.product_lines]
        if missing:
            raise NotFound(f"product line {', '.join(missing)} has no mills (known: {', '.join(plant.product_lines)})")
        inputs, elsewhere = _inputs(repo, plant, month, lines, current, {"horizon": horizon})
    # month locks beyond the promise's horizon do not bind within it
    inputs = [
        replace(inp, options=inp.options.changed(locks=tuple(l for l in inp.options.locks if l.month - month < horizon)))
        for inp in inputs
    ]
    answers = [_line_promise(plant, month, inp, elsewhere, [p for p in new if p.product_line == inp.product_line]) for inp in inputs]
    by_month: dict[Month, float] = {}
    for answer in answers:
        for m, t in answer.made.items():
            by_month[m] = by_month.get(m, 0.0) + t
    earliest = [a.earliest for a in answers]
    return Promise(
        subject=subject,
        plan_month=month,
        horizon=horizon,
        tonnes=round(sum(p.remaining_tonnes for p in new), 3),
        earliest=None if None in earliest else max(earliest),
        made=round(sum(by_month.values()), 3),
        by_month=dict(sorted(by_month.items())),
        displaced=tuple(d for a in answers for d in a.displaced),
        margin_change=sum((a.margin_change for a in answers), Decimal(0)),
        unplaceable=tuple(ref for a in answers for ref in a.unplaceable),
    )


@dataclass(frozen=True)
class _LineAnswer:
    earliest: Month | None
    made: dict[Month, float]
    displaced: tuple[Displaced, ...] = ()
    margin_change: Decimal = Decimal(0)
    unplaceable: tuple[str, ...] = ()


def _line_promise(plant: Plant, month: Month, inp: _LineInput, elsewhere: dict[int, float], new: list[Position]) -> _LineAnswer:
    """The promise of the ``new`` positions of one product line (``inp``: its plan inputs)."""
    new_ids = {p.id for p in new}
    inp = replace(inp, positions=[p for p in inp.positions if p.id not in new_ids])  # an accepted deal is not counted twice
    base_problem, attributes = _baseline_problem(plant, month, inp, elsewhere)
    baseline = prioritiser.solve(replace(base_problem, settings=replace(base_problem.settings, explain=False)))
    if not baseline.ok:
        raise StateError(f"{month} {inp.product_line}: the current plan cannot be solved ({baseline.message}); re-plan it first")
    described = [PositionAttributes(p, *mill_options(plant, p)) for p in new]
    unplaceable = tuple(
        f"{a.position.ref if a.position.deal_number != 'typed' else 'typed position'} ({a.no_mill_reason})" for a in described if not a.options
    )
    first_id = max([d.id for d in base_problem.demands] + [0]) + 1
    demands = {first_id + i: a for i, a in enumerate(a for a in described if a.options)}
    if not demands:
        return _LineAnswer(None, {}, unplaceable=unplaceable)
    wanted = sum(a.position.remaining_tonnes for a in demands.values())
    held = _key_accounts_held(base_problem, baseline)
    for k in range(base_problem.settings.periods):
        settings = replace(
            base_problem.settings,
            early_months=max(base_problem.settings.early_months, k),
            stability_penalty=max(base_problem.settings.stability_penalty, ANCHOR_RUB_PER_T),
            explain=False,
        )
        # with the plan's own early window the baseline is already the best plan around
        # the held key accounts (they are held where it put them): no need to solve again
        same = settings.early_months == base_problem.settings.early_months
        without = baseline if same else prioritiser.solve(Problem(held, base_problem.hours, settings))
        added = tuple(_new_demand(i, a, k) for i, a in demands.items())
        with_new = prioritiser.solve(Problem(held + added, base_problem.hours, settings))
        if not (without.ok and with_new.ok):
            raise StateError(f"{month} {inp.product_line}: no plan with the new tonnes by {month + k} ({with_new.message or without.message})")
        on_time = sum(t for (d, _, p), t in with_new.tonnes.items() if d in demands and p <= k)
        if on_time >= wanted - prioritiser.MIN_TONNES:
            break
    else:
        k = None
    made: dict[Month, float] = {}
    for (d, _, p), t in sorted(with_new.tonnes.items()):
        if d in demands:
            made[month + p] = made.get(month + p, 0.0) + t
    change = Decimal(repr(with_new.gross_margin - without.gross_margin)).quantize(Decimal("0.01"))
    return _LineAnswer(
        None if k is None or unplaceable else month + k,
        made,
        _displaced(attributes, base_problem, without, with_new, month),
        change,
        unplaceable,
    )


def _baseline_problem(plant: Plant, month: Month, inp: _LineInput, elsewhere: dict[int, float]) -> tuple[Problem, dict[int, PositionAttributes]]:
    """The line's problem as a plan of ``month`` would pose it (without the new positions)."""
    open_tonnes = {p.id: round(p.remaining_tonnes - elsewhere.get(p.id, 0.0), 3) for p in inp.positions}
    positions = [p for p in inp.positions if open_tonnes[p.id] >= prioritiser.MIN_TONNES]
    by_id = {p.id: p for p in positions}
    manual = {e.position_id: e for e in (inp.previous.exclusions if inp.previous else ()) if e.manual and e.position_id in by_id}
    locks, _ = _carried_locks(inp.previous, by_id, open_tonnes)
    for position_id in manual:
        locks.pop(position_id, None)
    attributes = {p.id: PositionAttributes(p, *mill_options(plant, p)) for p in positions if p.id not in manual}
    months = month.range(inp.options.horizon)
    mills = [m for m in plant.mills if m.product_line == inp.product_line]
    hours = {(m.code, mo): max(0.0, plant.hours(m, mo) - inp.booked.get((m.code, mo), 0.0)) for m in mills for mo in months}
    held = _held(inp.options, attributes, manual, by_id, months, inp.product_line)
    return _problem(attributes, open_tonnes, locks, held, inp.approved, mills, hours, months, inp.options), attributes


def _key_accounts_held(problem: Problem, baseline: Solution) -> tuple[Demand, ...]:
    """The demands with every key account held exactly where the baseline planned it —
    its tonnes cut to what was planned, each line locked; one planned nowhere stays out —
    and every other demand anchored to its baseline lines (``previous``, see
    :data:`ANCHOR_RUB_PER_T`)."""
    planned: dict[int, list[Lock]] = {}
    for (d, m, p), t in sorted(baseline.tonnes.items()):
        planned.setdefault(d, []).append(Lock(m, p, t))
    held = []
    for d in problem.demands:
        if not d.key_account:
            held.append(replace(d, previous=tuple(planned.get(d.id, ()))))
        elif d.id in planned:
            lines = tuple(planned[d.id])
            held.append(replace(d, tonnes=round(sum(l.tonnes for l in lines), 3), locked=lines, mandatory=False))
    return tuple(held)


def _new_demand(demand_id: int, attrs: PositionAttributes, due: int) -> Demand:
    p = attrs.position
    return Demand(
        id=demand_id,
        tonnes=p.remaining_tonnes,
        key_account=True,  # for this try: as much of it by ``due`` as the held key accounts leave room for
        options=tuple(Option(o.mill.id, o.hours_per_tonne, float(o.unit_margin)) for o in attrs.options),
        priority=priority_weight(p.manual_priority),
        due=due,
    )


def _displaced(
    attributes: dict[int, PositionAttributes], problem: Problem, before: Solution, after: Solution, month: Month
) -> tuple[Displaced, ...]:
    """Positions with fewer tonnes by their requested month, or within the horizon; each
    named with the first month that loses tonnes and the last that gains them (``None``
    when tonnes are pushed past the horizon)."""
    due = {d.id: max(d.due, 0) for d in problem.demands}

    def by_period(solution: Solution) -> dict[int, dict[int, float]]:
        result: dict[int, dict[int, float]] = {}
        for (d, _, p), t in solution.tonnes.items():
            if d in due:
                periods = result.setdefault(d, {})
                periods[p] = periods.get(p, 0.0) + t
        return result

    old, new = by_period(before), by_period(after)
    found = []
    for d, was in sorted(old.items()):
        now = new.get(d, {})
        on_time_lost = sum(t for p, t in was.items() if p <= due[d]) - sum(t for p, t in now.items() if p <= due[d])
        out = sum(was.values()) - sum(now.values())
        lost = max(on_time_lost, out)
        if lost < prioritiser.MIN_TONNES:
            continue
        delta = {p: now.get(p, 0.0) - was.get(p, 0.0) for p in was.keys() | now.keys()}
        losing = min(p for p, change in delta.items() if change <= -prioritiser.MIN_TONNES)
        gaining = [p for p, change in delta.items() if change >= prioritiser.MIN_TONNES]
        to = None if out >= prioritiser.MIN_TONNES or not gaining else month + max(gaining)
        p = attributes[d].position
        found.append(Displaced(p.ref, p.deal_number, p.sales_manager, round(lost, 3), month + losing, to))
    return tuple(found)
