"""Running the prioritiser for a month and saving the result as a draft assignment.

Eligible: positions of accepted deals with tonnes left to make (ordered − produced)
requested no later than the plan month. Tonnes may be split across compatible mills;
capacity is the month's calendar hours (else the mill's nominal fund). Objective,
lexicographic (DESIGN.md): most key-account tonnes, then most marginal income; manual
priority only breaks ties. Lines the product-line manager locked are kept, positions he
excluded stay out; both carry over from the month's latest revision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from core import notifications
from core.attributes import PositionAttributes, mill_options
from core.errors import InfeasiblePlan, MillplanError, NotFound, StateError
from core.model import Assignment, AssignmentLine, AssignmentState, DealStatus, Exclusion, Mill, Plant, Position
from core.open_items import sync_conflicts
from core.months import Month
from core.numbers import grouped
from core.permissions import Action, actor_in, require
from solver import prioritiser
from solver.problem import Demand, Option, Problem, Solution
from storage.repository import Repository
from storage.store import Store

FULL = 0.999
"""A mill counts as fully booked above this share of its hours (solver round-off)."""


@dataclass(frozen=True)
class PlanOutcome:
    """A saved draft and how it was reached: positions considered, solver status (optimal),
    solver name and seconds, and notes such as locks dropped."""

    assignment: Assignment
    considered: int
    solver_status: str
    solver_name: str
    seconds: float
    notes: list[str] = field(default_factory=list)


def priority_weight(manual_priority: int | None) -> int:
    """Tie-break weight: priority 1 (highest) → 3, 2 → 2, 3 → 1, none → 0."""
    return 0 if manual_priority is None else 4 - manual_priority


SOLVERS = ("highs", "cbc")


@dataclass(frozen=True)
class Change:
    """Changes to one product line's plan inputs, from a granted request, a conflict
    resolution or a what-if.

    ``force``: positions locked in whole (their open tonnes, on their best mills with
    hours left beside the other locks); ``exclude``: position id → reason, taken out by
    hand; ``unlock``: positions whose locks are released; ``priority``: position id → the
    manual priority (1 highest … 3, or ``None``) to plan with.
    """

    force: frozenset[int] = frozenset()
    exclude: Mapping[int, str] = field(default_factory=dict)
    unlock: frozenset[int] = frozenset()
    priority: Mapping[int, int | None] = field(default_factory=dict)


NO_CHANGE = Change()


@dataclass
class _LinePlan:
    """One product line's plan, solved but not yet saved."""

    product_line: str
    lines: list[AssignmentLine]
    exclusions: list[Exclusion]
    considered: int
    solution: Solution
    notes: list[str]


def plan(
    store: Store,
    month: Month,
    *,
    login: str,
    product_line: str | None = None,
    solver: str = "highs",
    time_limit: float | None = None,
    current: Month | None = None,
) -> list[PlanOutcome]:
    """Plan ``month`` for one product line (or every line) and save each as a draft revision.

    Tonnes already in another month's assignment (approved, else the latest draft; from
    the ``current`` month on) are not planned again. All lines are solved before any is
    saved, and saved in one transaction: a failure leaves every draft as it was.

    Raises :class:`Forbidden` unless ``login`` is the product-line manager of the line,
    :class:`MillplanError` for a past month or an unknown solver,
    :class:`NotFound` for a store without mills or an unknown product line, and
    :class:`InfeasiblePlan` when the locked lines exceed a mill's hours (naming them) or
    the solver fails.
    """
    current = _check(month, solver, current)
    with store.reading() as repo:
        plant = _plant(repo, product_line)
        who = actor_in(repo, login, store)
        lines = [product_line] if product_line else [l for l in plant.product_lines if who.may(Action.PLAN, line=l)]
        for line in lines or plant.product_lines[:1]:  # none of them: the refusal names the first
            require(who, Action.PLAN, line=line, target=f"{month}/{line}")
        inputs, elsewhere = _inputs(repo, month, lines, current)
    planned = [
        _plan_line(plant, month, line, positions, previous, elsewhere, solver, time_limit)
        for line, positions, previous in inputs
    ]
    empty = [p.product_line for p in planned if not p.considered]
    planned = [p for p in planned if p.considered]
    if not planned:
        raise NotFound(
            f"nothing to plan for {month}: no accepted position with tonnes left is due by then"
            + (f" in product line {product_line}" if product_line else "")
        )
    if empty:
        planned[0].notes.append(f"nothing to plan in {', '.join(empty)}: no draft saved there")
    with store.unit_of_work() as repo:
        for (line, _, previous) in inputs:  # a draft edited while the solver ran is not overwritten
            repo.check_unchanged(month, line, (previous.id, previous.version) if previous else None)
        saved = [_save(repo, month, p, login, previous) for p, (_, _, previous) in zip(planned, inputs)]
    return [
        PlanOutcome(with_hours(a, plant), p.considered, p.solution.status, p.solution.solver, p.solution.seconds, p.notes)
        for a, p in zip(saved, planned)
    ]


def _check(month: Month, solver: str, current: Month | None) -> Month:
    """The current month, once ``month`` is not past and ``solver`` is known."""
    current = current or Month.current()
    if month < current:
        raise MillplanError(f"{month} is past ({current} is the current month): plan the current month or a later one")
    if solver not in SOLVERS:
        raise MillplanError(f"unknown solver {solver!r}: use {' or '.join(SOLVERS)}")
    return current


def _plant(repo: Repository, product_line: str | None) -> Plant:
    """The plant, once it has mills (and ``product_line``, when given, has some)."""
    plant = repo.plant()
    if not plant.mills:
        raise NotFound("there are no mills yet: import the mill register first (millplan import mills FILE)")
    if product_line and product_line not in plant.product_lines:
        raise NotFound(f"product line {product_line} has no mills (known: {', '.join(plant.product_lines)})")
    return plant


def _inputs(
    repo: Repository, month: Month, lines: list[str], current: Month
) -> tuple[list[tuple[str, list[Position], Assignment | None]], dict[int, float]]:
    """Each line's eligible positions and latest revision, and the tonnes other months hold."""
    elsewhere = booked_elsewhere(repo, current.range(month - current + 13), month)
    inputs = [
        (
            line,
            repo.positions(deal_status=DealStatus.ACCEPTED, product_line=line, due_by=month, open_only=True),
            repo.assignment(month, line),
        )
        for line in lines
    ]
    return inputs, elsewhere


def _save(repo: Repository, month: Month, planned: _LinePlan, login: str, previous: Assignment | None) -> Assignment:
    """Write one solved line as the month's draft, tell the sales managers what it changed
    against ``previous`` (the draft it replaces, or the approved revision it follows) and
    bring the month's conflicts up to date."""
    saved = repo.save_draft(
        month, planned.product_line, planned.lines, planned.exclusions, login=login,
        solver_status=planned.solution.status, solver_name=planned.solution.solver, solve_seconds=planned.solution.seconds,
    )
    notifications.notify_changes(repo, previous, saved)
    sync_conflicts(repo, saved, login=login)
    return saved


@dataclass(frozen=True)
class SolvedDraft:
    """One line's plan solved with a :class:`Change` but not saved: the revision it
    would replace (``previous``, ``None`` if none), its lines and exclusions, and the
    plant it was solved on."""

    month: Month
    product_line: str
    previous: Assignment | None
    lines: list[AssignmentLine]
    exclusions: list[Exclusion]
    plant: Plant
    planned: _LinePlan

    @property
    def marginal_income(self) -> Decimal:
        """RUB of all its lines."""
        return sum((line.marginal_income for line in self.lines), Decimal(0))


def solve_draft(
    store: Store,
    month: Month,
    product_line: str,
    change: Change = NO_CHANGE,
    *,
    solver: str = "highs",
    current: Month | None = None,
) -> SolvedDraft:
    """Solve (month, line) as :func:`plan` would, with ``change`` applied; save nothing.

    Raises as :func:`plan` does, and :class:`StateError` naming a position to force in
    that is not open for the month (deal not accepted, nothing left, due later).
    """
    current = _check(month, solver, current)
    with store.reading() as repo:
        plant = _plant(repo, product_line)
        [(line, positions, previous)], elsewhere = _inputs(repo, month, [product_line], current)
        eligible = {p.id for p in positions}
        closed = [p.ref for p in repo.positions(ids=change.force) if p.id not in eligible]
    if closed:
        raise StateError(
            f"{', '.join(closed)} cannot be planned in {month} {line}: only positions of accepted deals "
            "with tonnes left and requested by that month can"
        )
    planned = _plan_line(plant, month, line, positions, previous, elsewhere, solver, None, change)
    return SolvedDraft(month, line, previous, planned.lines, planned.exclusions, plant, planned)


def save_solved(repo: Repository, solved: SolvedDraft, login: str) -> Assignment:
    """Save a :class:`SolvedDraft` as the month's draft, inside the caller's unit of work
    (so a request's answer and the plan it causes are written together).

    Raises :class:`ChangedMeanwhile` if the revision it was solved against changed since.
    """
    previous = solved.previous
    repo.check_unchanged(solved.month, solved.product_line, (previous.id, previous.version) if previous else None)
    return with_hours(_save(repo, solved.month, solved.planned, login, previous), solved.plant)


def booked_elsewhere(repo: Repository, months: list[Month], month: Month) -> dict[int, float]:
    """Tonnes of each position already in the assignments of ``months`` other than
    ``month``. Where a month has an approved revision and a newer draft, the larger of the
    two counts: either may be the one production works to."""
    in_force: dict[tuple[Month, str], tuple[AssignmentState, dict[int, float]]] = {}
    latest: dict[tuple[Month, str], dict[int, float]] = {}
    for m, line, _revision, state, tonnes in repo.revision_tonnes(months):  # newest first
        if m == month:
            continue
        latest.setdefault((m, line), tonnes)
        chosen = in_force.get((m, line))
        if chosen is None or (state is AssignmentState.APPROVED and chosen[0] is not AssignmentState.APPROVED):
            in_force[m, line] = (state, tonnes)
    booked: dict[int, dict[Month, float]] = {}
    for revisions in ({key: t for key, (_, t) in in_force.items()}, latest):
        by_position: dict[int, dict[Month, float]] = {}
        for (m, _line), tonnes in revisions.items():
            for pid, t in tonnes.items():
                by_month = by_position.setdefault(pid, {})
                by_month[m] = by_month.get(m, 0.0) + t
        for pid, by_month in by_position.items():
            for m, t in by_month.items():
                booked.setdefault(pid, {})[m] = max(booked.get(pid, {}).get(m, 0.0), t)
    return {pid: sum(by_month.values()) for pid, by_month in booked.items()}


def _plan_line(
    plant: Plant,
    month: Month,
    line: str,
    positions: list[Position],
    previous: Assignment | None,
    elsewhere: dict[int, float],
    solver: str,
    time_limit: float | None,
    change: Change = NO_CHANGE,
) -> _LinePlan:
    open_tonnes = {p.id: round(p.remaining_tonnes - elsewhere.get(p.id, 0.0), 3) for p in positions}
    positions = [
        replace(p, manual_priority=change.priority[p.id]) if p.id in change.priority else p
        for p in positions
        if open_tonnes[p.id] >= prioritiser.MIN_TONNES
    ]
    mills = [m for m in plant.mills if m.product_line == line]
    hours = {m.code: plant.hours(m, month) for m in mills}
    by_id = {p.id: p for p in positions}
    manual = {
        e.position_id: e
        for e in (previous.exclusions if previous else ())
        if e.manual and e.position_id in by_id and e.position_id not in change.force
    }
    for position_id, reason in change.exclude.items():
        if position_id in by_id:
            manual[position_id] = Exclusion(position_id, by_id[position_id].ref, open_tonnes[position_id], "manual", reason, manual=True)
    locks, notes = _carried_locks(previous, by_id, open_tonnes)
    for position_id in change.unlock | set(manual):
        locks.pop(position_id, None)
    attributes = {p.id: PositionAttributes(p, *mill_options(plant, p)) for p in positions if p.id not in manual}
    for position_id in sorted(change.force):
        if position_id in attributes:
            locks[position_id] = _forced_lock(attributes[position_id], open_tonnes[position_id], locks, attributes, hours, month)
    _check_locks(locks, attributes, hours, month, line)

    problem = _problem(attributes, open_tonnes, locks, mills, hours)
    solution = prioritiser.solve(problem, solver=solver, time_limit=time_limit)
    if not solution.ok:
        raise InfeasiblePlan(f"{month} {line}: {solution.message} (solver {solution.solver}, status {solution.status})")
    plan_lines = _lines(solution, attributes, locks, mills)
    exclusions = list(manual.values()) + _exclusions(plan_lines, attributes, open_tonnes, hours, month)
    return _LinePlan(line, plan_lines, exclusions, len(attributes), solution, notes)


def with_hours(assignment: Assignment, plant: Plant) -> Assignment:
    """The assignment with the available hours of every mill of its line in its month."""
    hours = {m.code: plant.hours(m, assignment.month) for m in plant.mills if m.product_line == assignment.product_line}
    return replace(assignment, mill_hours=hours)


def _carried_locks(
    previous: Assignment | None, eligible: dict[int, Position], open_tonnes: dict[int, float]
) -> tuple[dict[int, dict[str, float]], list[str]]:
    """Locked tonnes by position and mill from the latest revision. Locks of positions no
    longer eligible (deal no longer accepted, fully produced, moved later) are dropped; a
    lock holding more than is left to make (production reported since) is cut down to it,
    in proportion on each mill."""
    locks: dict[int, dict[str, float]] = {}
    refs: dict[int, str] = {}
    notes = []
    for line in previous.lines if previous else ():
        if not line.locked:
            continue
        if line.position_id not in eligible:
            notes.append(f"lock of {line.position_ref} on {line.mill_code} dropped: the position is no longer eligible")
            continue
        locks.setdefault(line.position_id, {})[line.mill_code] = line.tonnes
        refs[line.position_id] = line.position_ref
    for pid, by_mill in locks.items():
        locked, left = sum(by_mill.values()), open_tonnes[pid]
        if locked > left + prioritiser.MIN_TONNES:
            for code in by_mill:
                by_mill[code] = round(by_mill[code] * left / locked, 3)
            notes.append(f"lock of {refs[pid]} cut from {grouped(locked, 1)} t to {grouped(left, 1)} t: only that is left to make")
    return locks, notes


def _forced_lock(
    attrs: PositionAttributes,
    tonnes: float,
    locks: dict[int, dict[str, float]],
    attributes: dict[int, PositionAttributes],
    hours: dict[str, float],
    month: Month,
) -> dict[str, float]:
    """Tonnes by mill that put all ``tonnes`` (t) of a position into the plan: its mills
    best first, each filled up to the hours the other positions' locks leave free.

    Raises :class:`InfeasiblePlan` when no mill can make it or the locks leave too little
    room (naming how much would fit).
    """
    p = attrs.position
    if not attrs.options:
        raise InfeasiblePlan(f"{p.ref} cannot be forced into {month}: {attrs.no_mill_reason}")
    used: dict[str, float] = {}
    for position_id, by_mill in locks.items():
        if position_id == p.id:
            continue
        rates = {o.mill.code: o.hours_per_tonne for o in attributes[position_id].options} if position_id in attributes else {}
        for code, locked in by_mill.items():
            used[code] = used.get(code, 0.0) + locked * rates.get(code, 0.0)
    lock: dict[str, float] = {}
    left = tonnes
    for option in attrs.options:
        room = max(0.0, hours[option.mill.code] - used.get(option.mill.code, 0.0)) / option.hours_per_tonne
        take = round(min(left, room) - 0.0005, 3) if min(left, room) < left else round(left, 3)
        if take >= prioritiser.MIN_TONNES:
            lock[option.mill.code] = take
            left = round(left - take, 3)
        if left < prioritiser.MIN_TONNES:
            return lock
    fits = grouped(tonnes - left, 1)
    raise InfeasiblePlan(
        f"{p.ref} cannot be forced into {month}: the other locked lines leave room for {fits} t of its {grouped(tonnes, 1)} t "
        f"on {', '.join(o.mill.code for o in attrs.options)} — unlock one of them first, or agree a later month"
    )


def _check_locks(
    locks: dict[int, dict[str, float]],
    attributes: dict[int, PositionAttributes],
    hours: dict[str, float],
    month: Month,
    line: str,
) -> None:
    """Raise :class:`InfeasiblePlan` naming the locks a mill cannot make or hold."""
    booked: dict[str, list[tuple[str, float]]] = {}
    problems = []
    for position_id, by_mill in locks.items():
        attrs = attributes[position_id]
        rates = {o.mill.code: o for o in attrs.options}
        for code, tonnes in by_mill.items():
            if code not in rates:
                problems.append(f"{attrs.position.ref} is locked on {code}, which can no longer make it")
                continue
            booked.setdefault(code, []).append((attrs.position.ref, tonnes * rates[code].hours_per_tonne))
    for code, items in sorted(booked.items()):
        total = sum(h for _, h in items)
        if total > hours[code] + 1e-6:
            refs = ", ".join(f"{ref} ({grouped(h, 1)} h)" for ref, h in items)
            problems.append(f"locked lines on {code} need {grouped(total, 1)} h but {month} has {grouped(hours[code], 1)} h: {refs}")
    if problems:
        raise InfeasiblePlan(f"{month} {line}: the locked lines cannot all be kept — " + "; ".join(problems))


def _problem(
    attributes: dict[int, PositionAttributes],
    open_tonnes: dict[int, float],
    locks: dict[int, dict[str, float]],
    mills: list[Mill],
    hours: dict[str, float],
) -> Problem:
    demands = []
    for position_id, attrs in attributes.items():
        if not attrs.options:
            continue
        p = attrs.position
        locked = locks.get(position_id, {})
        demands.append(
            Demand(
                id=position_id,
                tonnes=open_tonnes[position_id],
                key_account=p.is_key_account,
                priority=priority_weight(p.manual_priority),
                options=tuple(
                    Option(o.mill.id, o.hours_per_tonne, float(o.unit_margin)) for o in attrs.options
                ),
                locked=tuple((o.mill.id, locked[o.mill.code]) for o in attrs.options if o.mill.code in locked),
            )
        )
    return Problem(tuple(demands), {m.id: hours[m.code] for m in mills})


def _lines(
    solution: Solution,
    attributes: dict[int, PositionAttributes],
    locks: dict[int, dict[str, float]],
    mills: list[Mill],
) -> list[AssignmentLine]:
    codes = {m.id: m.code for m in mills}
    result = []
    for (position_id, mill_id), tonnes in sorted(solution.tonnes.items()):
        attrs = attributes[position_id]
        option = next(o for o in attrs.options if o.mill.id == mill_id)
        result.append(
            AssignmentLine(
                position_id=position_id,
                position_ref=attrs.position.ref,
                mill_code=codes[mill_id],
                tonnes=tonnes,
                hours=tonnes * option.hours_per_tonne,
                marginal_income=(Decimal(repr(tonnes)) * option.unit_margin).quantize(Decimal("0.01")),
                locked=codes[mill_id] in locks.get(position_id, {}),
                is_key_account=attrs.position.is_key_account,
            )
        )
    return result


@dataclass
class _Booking:
    """What the plan put on each mill: all hours, and non-key hours and income (with each
    position's own share, so a position is not compared with itself)."""

    used: dict[str, float] = field(default_factory=dict)
    other_hours: dict[str, float] = field(default_factory=dict)
    other_income: dict[str, Decimal] = field(default_factory=dict)
    own: dict[tuple[int, str], tuple[float, Decimal]] = field(default_factory=dict)

    def add(self, line: AssignmentLine) -> None:
        self.used[line.mill_code] = self.used.get(line.mill_code, 0.0) + line.hours
        if line.is_key_account:
            return
        code = line.mill_code
        self.other_hours[code] = self.other_hours.get(code, 0.0) + line.hours
        self.other_income[code] = self.other_income.get(code, Decimal(0)) + line.marginal_income
        hours, income = self.own.get((line.position_id, code), (0.0, Decimal(0)))
        self.own[line.position_id, code] = (hours + line.hours, income + line.marginal_income)

    def others(self, position_id: int, code: str) -> tuple[float, Decimal]:
        """Non-key hours and income on ``code`` excluding ``position_id``'s own lines."""
        hours, income = self.own.get((position_id, code), (0.0, Decimal(0)))
        return self.other_hours.get(code, 0.0) - hours, self.other_income.get(code, Decimal(0)) - income


def _exclusions(
    lines: list[AssignmentLine],
    attributes: dict[int, PositionAttributes],
    open_tonnes: dict[int, float],
    hours: dict[str, float],
    month: Month,
) -> list[Exclusion]:
    """A reason for every considered position with tonnes left out of its open tonnes."""
    planned: dict[int, float] = {}
    booking = _Booking()
    for line in lines:
        planned[line.position_id] = planned.get(line.position_id, 0.0) + line.tonnes
        booking.add(line)
    result = []
    for position_id, attrs in attributes.items():
        p = attrs.position
        left_out = round(open_tonnes[position_id] - planned.get(position_id, 0.0), 3)
        if left_out < prioritiser.MIN_TONNES:
            continue
        code, text, mill = _reason(attrs, booking, hours, month)
        if position_id in planned:
            text = f"{grouped(planned[position_id], 1)} t of {grouped(open_tonnes[position_id], 1)} t planned; {text}"
        result.append(Exclusion(position_id, p.ref, left_out, code, text, mill_code=mill))
    return result


def _reason(
    attrs: PositionAttributes, booking: _Booking, hours: dict[str, float], month: Month
) -> tuple[str, str, str | None]:
    """Why the prioritiser left (part of) a position out: reason code, sentence, mill."""
    p = attrs.position
    if not attrs.options:
        return "no_compatible_mill", attrs.no_mill_reason, None
    working = [o for o in attrs.options if hours[o.mill.code] > 0]
    if not working:
        codes = ", ".join(o.mill.code for o in attrs.options)
        return "no_hours", f"no hours on {codes} in {month}", attrs.options[0].mill.code
    best = working[0]
    if not p.is_key_account and best.unit_margin <= 0:
        return (
            "negative_margin",
            f"marginal income {grouped(best.unit_margin)} RUB/t on its best mill {best.mill.code}: planning it earns nothing",
            best.mill.code,
        )
    full = [o for o in working if booking.used.get(o.mill.code, 0.0) >= FULL * hours[o.mill.code]] or [best]
    parts = []
    only_key_accounts = True
    for option in full:
        code = option.mill.code
        other_hours, other_income = booking.others(p.id, code)
        head = f"{code} ({grouped(hours[code])} h) by"
        if p.is_key_account or other_hours < (1 - FULL) * hours[code]:
            parts.append(f"{head} {'other ' if p.is_key_account else ''}key-account positions")
            continue
        only_key_accounts = False
        rate = other_income / Decimal(repr(other_hours))
        parts.append(
            f"{head} better-paying positions, {grouped(rate)} RUB/h on average there against "
            f"{grouped(option.margin_per_hour)} RUB/h for this one"
        )
    code = "capacity_key_accounts" if only_key_accounts else "capacity_better_paying"
    return code, f"capacity fully booked in {month}: " + "; ".join(parts), full[0].mill.code


def latest(store: Store, month: Month, product_line: str) -> Assignment:
    """The latest revision of the month's assignment for the line, with mill hours.

    Raises :class:`NotFound` if the month has not been planned for that line.
    """
    with store.reading() as repo:
        found = repo.assignment(month, product_line)
        plant = repo.plant()
    if found is None:
        raise NotFound(f"{month} has no assignment for product line {product_line}; run the prioritiser first")
    return with_hours(found, plant)
