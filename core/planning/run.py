"""Running the prioritiser for a month and saving the result as a draft assignment.

The month is planned with the months after it, up to the horizon of its options
(:class:`millplan.core.planning.options.PlanOptions`, kept with the revision): the first month's lines are
the month's assignment, the later months' lines its forecast (the load the plan expects
there). Eligible: positions of accepted deals with tonnes left to make (ordered −
produced) requested no later than the last month of the horizon; each is due in its
requested month, may be made late at a penalty per tonne-month, and early only as far as
the options allow. Tonnes may be split across compatible mills; capacity is each month's
calendar hours (else the mill's nominal fund) less what other months' assignments book
there. Objective, lexicographic (DESIGN.md): most key-account tonnes on time, then most
marginal income less penalties; manual priority only breaks ties. Lines the product-line
manager locked are kept, positions he excluded stay out; both carry over from the
month's latest revision, as do its options.

A plan runs against one :class:`Deadline` (:mod:`millplan.solver.control`): its time limit holds
for all its lines and stages together, each line solving in a share of the time left in
proportion to its positions, and the front that made it may cancel it from another
thread — the plan then raises :class:`millplan.solver.control.Cancelled` and writes nothing. A
plan given no deadline watches the one its caller runs it under
(:func:`millplan.solver.control.current`, as the fronts do for every call that solves), else one of
its own; a line whose options set no time limit gets :data:`DEFAULT_TIME_LIMIT`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.errors import InfeasiblePlan, InvalidInput, MillplanError, NotFound, SolverError, StateError
from millplan.core.domain.model import (
    Assignment,
    AssignmentLine,
    AssignmentState,
    DealStatus,
    Exclusion,
    ForecastLine,
    HorizonPlan,
    Mill,
    Plant,
    Position,
    ShadowPrice,
    parse_position_ref,
)
from millplan.core.domain.months import Month
from millplan.core.domain.numbers import grouped
from millplan.core.mail import notifications
from millplan.core.planning import explain
from millplan.core.planning.attributes import PositionAttributes, mill_options
from millplan.core.planning.options import DEFAULT_TIME_LIMIT, NO_PLAN_RETRY, MonthLock, PlanOptions
from millplan.core.workflow.open_items import conflict_news, sync_conflicts
from millplan.solver import control, prioritiser
from millplan.solver.control import Deadline
from millplan.solver.problem import (
    MAX_PERIODS,
    REPORTED_TONNES,
    ROUND_OFF,
    Demand,
    Lock,
    Option,
    Problem,
    Settings,
    Solution,
    hours_room,
    report_tonnes,
)
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class PlanOutcome:
    """A saved draft and how it was reached: positions considered, solver status
    (``optimal`` or ``feasible``), solver name and seconds, the relative ``gap`` (0 when
    proven optimal, ``None`` if unknown), lines moved against the approved revision, and
    notes such as locks dropped. The draft carries the options, forecast and shadow prices."""

    assignment: Assignment
    considered: int
    solver_status: str
    solver_name: str
    seconds: float
    notes: list[str] = field(default_factory=list)
    gap: float | None = 0.0
    moved_lines: int = 0


def priority_weight(manual_priority: int | None) -> int:
    """Tie-break weight: priority 1 (highest) → 3, 2 → 2, 3 → 1, none → 0."""
    return 0 if manual_priority is None else 4 - manual_priority


SOLVERS = ("highs", "cbc")
DEFAULT_SOLVER = PlanOptions().solver
"""The solver used where the options name none — and instead of one that fails, unless
the caller named it."""


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
class _LineInput:
    """What one product line is planned from: eligible positions over the horizon, the
    month's latest revision, the last approved one (for stability), the options, and the
    hours other months' assignments book by (mill code, month)."""

    product_line: str
    positions: list[Position]
    previous: Assignment | None
    approved: Assignment | None
    options: PlanOptions
    booked: dict[tuple[str, Month], float]


@dataclass
class _LinePlan:
    """One product line's plan, solved but not yet saved."""

    product_line: str
    lines: list[AssignmentLine]
    exclusions: list[Exclusion]
    considered: int
    solution: Solution
    notes: list[str]
    horizon: HorizonPlan = HorizonPlan()


def plan(
    store: Store,
    month: Month,
    *,
    login: str,
    product_line: str | None = None,
    solver: str | None = None,
    time_limit: float | None = None,
    current: Month | None = None,
    options: Mapping[str, Any] | None = None,
    first_horizon: int | None = None,
    default_time_limit: float | None = DEFAULT_TIME_LIMIT,
    deadline: Deadline | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[PlanOutcome]:
    """Plan ``month`` (and the months after it, up to the horizon) for one product line
    (or every line) and save each as a draft revision.

    ``options`` are changes (field → value of :class:`PlanOptions`) to the options the
    month's latest revision was planned with (the defaults for a first plan, with
    ``first_horizon`` months when given); ``solver`` and ``time_limit``, when given, are
    two such changes. Mandatory positions and locks
    are kept with the line whose positions they name. Tonnes already in another month's
    assignment (approved, else the latest draft; from the ``current`` month on) are not
    planned again, and the hours those assignments book are not offered again. All lines
    are solved before any is saved, and saved in one transaction: a failure leaves every
    draft as it was.

    The time limit (s) holds for the whole plan — every line and stage, counted from
    when ``deadline`` was made (``None``: the caller's :func:`millplan.solver.control.current`, else
    from this call): the options' ``time_limit``, or ``default_time_limit`` for a line
    whose options set none and that searches (whole positions or lots: an LP is solved to
    its optimum, as one stopped early is no plan) (``None``: no limit; the largest of the lines' limits bounds the
    plan; the solves leave as long as reading took for saving). A line that finds no plan
    within the default alone is solved again for up to :data:`NO_PLAN_RETRY` times the
    default more, and one whose solver fails is solved with :data:`DEFAULT_SOLVER` unless
    the caller named the solver (both said in the notes). ``progress(line, number, count)``
    is called as each line's solve begins. ``deadline.cancel()``, from another thread,
    stops the plan: it raises :class:`millplan.solver.control.Cancelled` and writes nothing.

    Raises :class:`Forbidden` unless ``login`` is the product-line manager of the line,
    :class:`MillplanError` for a past month, :class:`InvalidInput` for a bad option (an
    unknown mill or position, a lock outside the horizon), :class:`NotFound` for a store
    without mills or an unknown product line, :class:`StateError` for a mandatory or
    locked position that is not open, :class:`InfeasiblePlan` when the locked lines
    and mandatory positions cannot all be kept (naming the positions and mill-months) or
    the solver finds no plan in time (naming the seconds it had), and :class:`SolverError`
    when the solver fails.
    """
    deadline = _deadline(deadline)
    changes = _changes(options, solver, time_limit)
    current = _check(month, changes.get("solver", "highs"), current)
    reading = time.monotonic()
    with store.reading() as repo:
        plant = _plant(repo, product_line)
        who = actor_in(repo, login, store)
        lines = [product_line] if product_line else [l for l in plant.product_lines if who.may(Action.PLAN, line=l)]
        for line in lines or plant.product_lines[:1]:  # none of them: the refusal names the first
            require(who, Action.PLAN, line=line, target=f"{month}/{line}")
        inputs, elsewhere = _inputs(repo, plant, month, lines, current, changes, first_horizon)
    # the default bounds the search of whole positions and lots only: an LP stopped early is
    # no plan at all (a 50 000-position split plan needs tens of seconds, and gets them)
    limits = [inp.options.time_limit or (default_time_limit if inp.options.searches else None) for inp in inputs]
    deadline.limit(None if None in limits else max(limits, default=None))
    saving = time.monotonic() - reading  # kept back from the solves: saving takes about as long as reading
    rest = sum(len(inp.positions) for inp in inputs)
    planned = []
    for number, inp in enumerate(inputs, 1):
        if progress is not None:
            progress(inp.product_line, number, len(inputs))
        share = deadline.share(len(inp.positions), rest, keep=saving)
        solve = _Solve(deadline, share, default_time_limit, "solver" in changes)
        planned.append(_plan_line(plant, month, inp, elsewhere, solve))
        rest -= len(inp.positions)
    empty = [p.product_line for p in planned if not p.considered]
    planned = [p for p in planned if p.considered]
    if not planned:
        raise NotFound(
            f"nothing to plan for {month}: no accepted position with tonnes left is due by then"
            + (f" in product line {product_line}" if product_line else "")
        )
    if empty:
        planned[0].notes.append(f"nothing to plan in {', '.join(empty)}: no draft saved there")
    deadline.check()
    with store.unit_of_work() as repo:
        for inp in inputs:  # a draft edited while the solver ran is not overwritten
            previous = inp.previous
            repo.assignments.check_unchanged(
                month, inp.product_line, (previous.id, previous.version) if previous else None
            )
        previous_of = {
            inp.product_line: inp.previous for inp in inputs
        }  # lines with nothing to plan are not in planned
        saved = []
        for p in planned:
            previous = previous_of[p.product_line]
            if (
                not changes
                and previous is not None
                and previous.state is AssignmentState.APPROVED
                and _same_month_plan(previous, p)
            ):
                p.notes.append(f"nothing changed against approved revision {previous.revision}: no new revision opened")
                saved.append(previous)
            else:
                saved.append(_save(repo, month, p, login, previous))
        deadline.check()  # cancelled while saving: the transaction is rolled back
    return [
        PlanOutcome(
            with_hours(a, plant),
            p.considered,
            p.solution.status,
            p.solution.solver,
            p.solution.seconds,
            p.notes,
            p.solution.gap,
            p.solution.moved_lines,
        )
        for a, p in zip(saved, planned)
    ]


def _deadline(given: Deadline | None) -> Deadline:
    """``given``, else the deadline the caller runs this under, else a new one."""
    return given or control.current() or Deadline()


def _same_month_plan(approved: Assignment, planned: _LinePlan) -> bool:
    """Whether ``planned`` gives the month the same lines (position, mill, tonnes, lock)
    and leaves out the same tonnes as ``approved``: a re-plan that changes nothing must not
    open a revision that needs approving again."""

    def lines(items: list[AssignmentLine] | tuple[AssignmentLine, ...]) -> list[tuple]:
        return sorted((x.position_id, x.mill_code, round(x.tonnes, 1), x.locked) for x in items)

    def left_out(items: list[Exclusion] | tuple[Exclusion, ...]) -> list[tuple]:
        return sorted((e.position_id, round(e.tonnes_left_out, 1), e.manual) for e in items)

    return lines(approved.lines) == lines(planned.lines) and left_out(approved.exclusions) == left_out(
        planned.exclusions
    )


def _changes(options: Mapping[str, Any] | None, solver: str | None, time_limit: float | None) -> dict[str, Any]:
    """The option changes asked for, ``solver`` and ``time_limit`` among them when given."""
    changes = dict(options or {})
    if solver is not None:
        changes["solver"] = solver
    if time_limit is not None:
        changes["time_limit"] = time_limit
    return changes


def _check(month: Month, solver: str, current: Month | None) -> Month:
    """The current month, once ``month`` is not past and ``solver`` is known."""
    current = current or Month.current()
    if month < current:
        raise MillplanError(f"{month} is past ({current} is the current month): plan the current month or a later one")
    if solver not in SOLVERS:
        raise MillplanError(f"unknown solver {solver!r}: use {' or '.join(SOLVERS)}")
    return current


def _plant(repo: UnitOfWork, product_line: str | None) -> Plant:
    """The plant, once it has mills (and ``product_line``, when given, has some)."""
    plant = repo.plant.whole()
    if not plant.mills:
        raise NotFound("there are no mills yet: import the mill register first (millplan import mills FILE)")
    if product_line and product_line not in plant.product_lines:
        raise NotFound(f"product line {product_line} has no mills (known: {', '.join(plant.product_lines)})")
    return plant


def saved_options(assignment: Assignment | None) -> PlanOptions:
    """The options ``assignment`` was planned with (the defaults for none, or for a
    revision planned before options were kept)."""
    return PlanOptions.from_dict(assignment.options if assignment else None)


def _line_changes(repo: UnitOfWork, plant: Plant, line: str, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` for one line: its own mandatory positions and locks only (each named
    position must exist), and minimum lots only of mills the plant has."""
    result = dict(changes)
    codes = {m.code for m in plant.mills}
    unknown = sorted(set(changes.get("min_lot", {})) - codes) + sorted(
        {l.mill for l in changes.get("locks", ())} - codes
    )
    if unknown:
        raise InvalidInput(f"unknown mill(s) {', '.join(unknown)} (known: {', '.join(sorted(codes))})")

    def own(ref: str) -> bool:
        return repo.plant.position(*parse_position_ref(ref)).product_line == line

    if "mandatory" in changes:
        result["mandatory"] = tuple(ref for ref in changes["mandatory"] if own(ref))
    if "locks" in changes:
        result["locks"] = tuple(l for l in changes["locks"] if own(l.position))
    return result


def _inputs(
    repo: UnitOfWork,
    plant: Plant,
    month: Month,
    lines: list[str],
    current: Month,
    changes: dict[str, Any] | None = None,
    first_horizon: int | None = None,
) -> tuple[list[_LineInput], dict[int, float]]:
    """Each line's plan inputs, and the tonnes other months hold; a month planned for the
    first time (no options kept) gets ``first_horizon`` months unless ``changes`` say."""
    elsewhere = booked_elsewhere(repo, current.range(month - current + 13), month)
    others = [a for a in repo.assignments.assignments_in_force(month.range(MAX_PERIODS)) if a.month != month]
    inputs = []
    for line in lines:
        previous = repo.assignments.assignment(month, line)
        options = saved_options(previous)
        if first_horizon is not None and (previous is None or previous.options is None):
            options = options.changed(horizon=first_horizon)
        options = options.changed(**_line_changes(repo, plant, line, changes or {}))
        last = month + options.horizon - 1
        booked: dict[tuple[str, Month], float] = {}
        for a in others:
            if a.product_line == line and a.month <= last:
                for l in a.lines:
                    booked[l.mill_code, a.month] = booked.get((l.mill_code, a.month), 0.0) + l.hours
        inputs.append(
            _LineInput(
                line,
                repo.plant.positions(deal_status=DealStatus.ACCEPTED, product_line=line, due_by=last, open_only=True),
                previous,
                _approved(repo, month, line),
                options,
                booked,
            )
        )
    return inputs, elsewhere


def _approved(repo: UnitOfWork, month: Month, line: str) -> Assignment | None:
    """The last approved revision of (month, line), if any."""
    approved = [r for r, state in repo.assignments.revisions(month, line) if state is AssignmentState.APPROVED]
    return repo.assignments.assignment(month, line, approved[-1]) if approved else None


def _save(repo: UnitOfWork, month: Month, planned: _LinePlan, login: str, previous: Assignment | None) -> Assignment:
    """Write one solved line as the month's draft, bring the month's conflicts up to date
    and tell each sales manager, in one message, what it changed against ``previous`` (the
    draft it replaces, or the approved revision it follows) and the conflicts it opened."""
    saved = repo.assignments.save_draft(
        month,
        planned.product_line,
        planned.lines,
        planned.exclusions,
        login=login,
        solver_status=planned.solution.status,
        solver_name=planned.solution.solver,
        solve_seconds=planned.solution.seconds,
        horizon=planned.horizon,
    )
    opened = sync_conflicts(repo, saved, login=login)
    notifications.notify_changes(repo, previous, saved, by=login, extra=conflict_news(repo, opened))
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
    solver: str | None = None,
    current: Month | None = None,
    deadline: Deadline | None = None,
) -> SolvedDraft:
    """Solve (month, line) as :func:`plan` would, with ``change`` applied and the options
    of the month's latest revision, under ``deadline`` as :func:`plan` is (its limit the
    options' own, else :data:`DEFAULT_TIME_LIMIT`); save nothing.

    Raises as :func:`plan` does, and :class:`StateError` naming a position to force in
    that is not open for the month (deal not accepted, nothing left, due later).
    """
    deadline = _deadline(deadline)
    changes = _changes(None, solver, None)
    current = _check(month, changes.get("solver", "highs"), current)
    with store.reading() as repo:
        plant = _plant(repo, product_line)
        [inp], elsewhere = _inputs(repo, plant, month, [product_line], current, changes)
        eligible = {p.id for p in inp.positions if p.requested_month <= month}
        closed = [p.ref for p in repo.plant.positions(ids=change.force) if p.id not in eligible]
    if closed:
        raise StateError(
            f"{', '.join(closed)} cannot be planned in {month} {product_line}: only positions of accepted deals "
            "with tonnes left and requested by that month can"
        )
    deadline.limit(inp.options.time_limit or DEFAULT_TIME_LIMIT)
    solve = _Solve(deadline, deadline.left(), DEFAULT_TIME_LIMIT, "solver" in changes)
    planned = _plan_line(plant, month, inp, elsewhere, solve, change)
    return SolvedDraft(month, product_line, inp.previous, planned.lines, planned.exclusions, plant, planned)


def save_solved(repo: UnitOfWork, solved: SolvedDraft, login: str) -> Assignment:
    """Save a :class:`SolvedDraft` as the month's draft, inside the caller's unit of work
    (so a request's answer and the plan it causes are written together).

    Raises :class:`ChangedMeanwhile` if the revision it was solved against changed since.
    """
    previous = solved.previous
    repo.assignments.check_unchanged(
        solved.month, solved.product_line, (previous.id, previous.version) if previous else None
    )
    return with_hours(_save(repo, solved.month, solved.planned, login, previous), solved.plant)


def booked_elsewhere(repo: UnitOfWork, months: list[Month], month: Month) -> dict[int, float]:
    """Tonnes of each position already in the assignments of ``months`` other than
    ``month``. Where a month has an approved revision and a newer draft, the larger of the
    two counts: either may be the one production works to."""
    in_force: dict[tuple[Month, str], tuple[AssignmentState, dict[int, float]]] = {}
    latest: dict[tuple[Month, str], dict[int, float]] = {}
    for m, line, _revision, state, tonnes in repo.assignments.revision_tonnes(months):  # newest first
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


@dataclass(frozen=True)
class _Solve:
    """How one line's problem is solved within its plan: under ``deadline``, in at most
    ``share`` s (its part of the plan's time left; ``None``: no limit), its options' own
    time limit else ``default_time_limit``; ``insisted``: the caller named the solver, so
    no other is tried when it fails."""

    deadline: Deadline
    share: float | None = None
    default_time_limit: float | None = None
    insisted: bool = False

    def __call__(self, problem: Problem, where: str) -> tuple[Solution, list[str]]:
        """The solution and notes on how it was reached (another solver, a longer limit).

        Raises :class:`InfeasiblePlan` naming ``where`` (month and line) and the seconds it
        had when no plan was found in time."""
        settings = problem.settings
        own = (
            settings.time_limit
            if settings.time_limit is not None
            else self.default_time_limit
            if settings.searches
            else None
        )
        limits = [limit for limit in (own, self.share) if limit is not None]
        end = time.monotonic() + min(limits) if limits else None
        notes = []
        with self.deadline.watching():
            solution = prioritiser.solve(problem, time_limit=min(limits, default=None))
            if solution.status == "error" and not self.insisted and settings.solver != DEFAULT_SOLVER:
                notes.append(f"{solution.message} ({solution.solver}): planned with {DEFAULT_SOLVER} instead")
                problem = replace(problem, settings=replace(settings, solver=DEFAULT_SOLVER))
                left = None if end is None else max(0.0, end - time.monotonic())
                solution = prioritiser.solve(problem, time_limit=left)
            if solution.status == "no_solution" and settings.time_limit is None and self.default_time_limit is not None:
                # only the default limit stopped it: a plan late beats no plan, but not an
                # endless one — a bounded retry, the plan's deadline moved on as far
                more = NO_PLAN_RETRY * self.default_time_limit
                notes.append(
                    f"no plan within the default time limit of {self.default_time_limit:g} s: solved again for up to {more:g} s more"
                )
                self.deadline.extend(more)
                solution = prioritiser.solve(problem, time_limit=more)
        if solution.status == "no_solution":
            had = self.deadline.seconds if self.deadline.seconds is not None else min(limits, default=0.0)
            raise InfeasiblePlan(f"{where}: no plan within {had:.3g} s — plan with a longer time limit (--time-limit)")
        return solution, notes


def _plan_line(
    plant: Plant,
    month: Month,
    inp: _LineInput,
    elsewhere: dict[int, float],
    solve: _Solve,
    change: Change = NO_CHANGE,
) -> _LinePlan:
    options, line, previous = inp.options, inp.product_line, inp.previous
    months = month.range(options.horizon)
    open_tonnes = {p.id: report_tonnes(p.remaining_tonnes - elsewhere.get(p.id, 0.0)) for p in inp.positions}
    positions = [
        replace(p, manual_priority=change.priority[p.id]) if p.id in change.priority else p
        for p in inp.positions
        if open_tonnes[p.id] >= prioritiser.MIN_TONNES
    ]
    mills = [m for m in plant.mills if m.product_line == line]
    hours = {
        (m.code, mo): max(0.0, plant.hours(m, mo) - inp.booked.get((m.code, mo), 0.0)) for m in mills for mo in months
    }
    month_hours = {m.code: hours[m.code, month] for m in mills}
    by_id = {p.id: p for p in positions}
    manual = {
        e.position_id: e
        for e in (previous.exclusions if previous else ())
        if e.manual and e.position_id in by_id and e.position_id not in change.force
    }
    for position_id, reason in change.exclude.items():
        if position_id in by_id:
            manual[position_id] = Exclusion(
                position_id, by_id[position_id].ref, open_tonnes[position_id], "manual", reason, manual=True
            )
    locks, notes = _carried_locks(previous, by_id, open_tonnes)
    for position_id in change.unlock | set(manual):
        locks.pop(position_id, None)
    attributes = {p.id: PositionAttributes(p, *mill_options(plant, p)) for p in positions if p.id not in manual}
    for position_id in sorted(change.force):
        if position_id in attributes:
            locks[position_id] = _forced_lock(
                attributes[position_id], open_tonnes[position_id], locks, attributes, month_hours, month
            )
    _check_locks(locks, attributes, month_hours, month, line)
    held = _held(options, attributes, manual, by_id, months, line)

    problem = _problem(attributes, open_tonnes, locks, held, inp.approved, mills, hours, months, options)
    solution, solved_notes = solve(problem, f"{month} {line}")
    notes += solved_notes
    refs = {pid: attrs.position.ref for pid, attrs in attributes.items()}
    codes = {m.id: m.code for m in mills}
    if solution.status == "infeasible" and solution.conflicts:
        raise InfeasiblePlan(f"{month} {line}: " + explain.conflicts_message(solution.conflicts, refs, codes, month))
    if solution.status == "error":
        raise SolverError(
            f"{month} {line}: the solver {solution.solver} failed — {solution.message}"
            + (
                ""
                if problem.settings.solver == DEFAULT_SOLVER
                else f"; plan with {DEFAULT_SOLVER}, the default, instead"
            )
        )
    if not solution.ok:
        raise InfeasiblePlan(
            f"{month} {line}: {explain.named(solution.message, refs, codes, month)} (solver {solution.solver}, status {solution.status})"
        )
    plan_lines, forecast = _lines(solution, attributes, locks, mills, month)
    exclusions = list(manual.values()) + _exclusions(
        plan_lines, forecast, attributes, open_tonnes, solution, codes, month
    )
    prices = tuple(
        ShadowPrice(codes[m], month + t, explain.rub(price))
        for (m, t), price in sorted(solution.shadow_prices.items())
        if m in codes
    )
    horizon = HorizonPlan(options.as_dict(), solution.gap, solution.moved_lines, tuple(forecast), prices)
    return _LinePlan(line, plan_lines, exclusions, len(attributes), solution, notes, horizon)


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
                by_mill[code] = report_tonnes(by_mill[code] * left / locked)
            notes.append(
                f"lock of {refs[pid]} cut from {grouped(locked, 1)} t to {grouped(left, 1)} t: only that is left to make"
            )
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
        rates = (
            {o.mill.code: o.hours_per_tonne for o in attributes[position_id].options}
            if position_id in attributes
            else {}
        )
        for code, locked in by_mill.items():
            used[code] = used.get(code, 0.0) + locked * rates.get(code, 0.0)
    lock: dict[str, float] = {}
    left = tonnes
    for option in attrs.options:
        room = max(0.0, hours[option.mill.code] - used.get(option.mill.code, 0.0)) / option.hours_per_tonne
        take = report_tonnes(min(left, room) - REPORTED_TONNES / 2) if min(left, room) < left else report_tonnes(left)
        if take >= prioritiser.MIN_TONNES:
            lock[option.mill.code] = take
            left = report_tonnes(left - take)
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
            booked.setdefault(code, []).append((attrs.position.ref, tonnes, rates[code].hours_per_tonne))
    for code, items in sorted(booked.items()):
        total = sum(t * rate for _, t, rate in items)
        if total > hours_room(hours[code], ((t, rate) for _, t, rate in items)) + ROUND_OFF:
            refs = ", ".join(f"{ref} ({grouped(t * rate, 1)} h)" for ref, t, rate in items)
            problems.append(
                f"locked lines on {code} need {grouped(total, 1)} h but {month} has {grouped(hours[code], 1)} h: {refs}"
            )
    if problems:
        raise InfeasiblePlan(f"{month} {line}: the locked lines cannot all be kept — " + "; ".join(problems))


@dataclass(frozen=True)
class _Held:
    """Positions the options hold: mandatory ones (ids) and month locks by position id."""

    mandatory: frozenset[int]
    locks: Mapping[int, tuple[MonthLock, ...]]


def _held(
    options: PlanOptions,
    attributes: dict[int, PositionAttributes],
    manual: Mapping[int, Exclusion],
    by_id: dict[int, Position],
    months: list[Month],
    line: str,
) -> _Held:
    """The options' mandatory positions and locks, by position id.

    Raises :class:`StateError` for a position that is not open over the horizon or is
    excluded by hand, :class:`InvalidInput` for a lock outside the horizon or on a mill of
    another line, :class:`InfeasiblePlan` for one no mill of the line can make.
    """
    by_ref = {p.ref: p.id for p in by_id.values()}
    where = f"{months[0]} {line}"

    def held(ref: str, how: str) -> int:
        if ref not in by_ref:
            raise StateError(
                f"{ref} cannot be {how} in {where}: only positions of accepted deals with tonnes left, "
                f"requested by {months[-1]}, can"
            )
        pid = by_ref[ref]
        if pid in manual:
            raise StateError(
                f"{ref} is excluded by hand from {where}: let it back in first (millplan assignment include)"
            )
        if not attributes[pid].options:
            raise InfeasiblePlan(f"{ref} cannot be {how} in {where}: {attributes[pid].no_mill_reason}")
        return pid

    mandatory = frozenset(held(ref, "mandatory") for ref in options.mandatory)
    locks: dict[int, list[MonthLock]] = {}
    for lock in options.locks:
        if lock.month not in months:
            raise InvalidInput(
                f"lock of {lock.position} in {lock.month} is outside the horizon {months[0]}…{months[-1]}"
            )
        locks.setdefault(held(lock.position, "locked"), []).append(lock)
    return _Held(mandatory, {pid: tuple(items) for pid, items in locks.items()})


def _problem(
    attributes: dict[int, PositionAttributes],
    open_tonnes: dict[int, float],
    locks: dict[int, dict[str, float]],
    held: _Held,
    approved: Assignment | None,
    mills: list[Mill],
    hours: dict[tuple[str, Month], float],
    months: list[Month],
    options: PlanOptions,
) -> Problem:
    """The solver's problem: periods count from ``months[0]``; a demand is due in the
    period of its requested month; the approved revision's lines and forecast are what
    the stability penalty keeps. Raises :class:`InvalidInput` for a lock on a mill of
    another product line."""
    ids = {m.code: m.id for m in mills}
    first = months[0]
    previous: dict[int, dict[tuple[int, int], float]] = {}
    kept = [(l.position_id, l.mill_code, first, l.tonnes) for l in (approved.lines if approved else ())]
    kept += [(f.position_id, f.mill_code, f.month, f.tonnes) for f in (approved.forecast if approved else ())]
    for pid, code, month, tonnes in kept:
        if code in ids and month in months:
            cell = (ids[code], month - first)
            previous.setdefault(pid, {})[cell] = previous.get(pid, {}).get(cell, 0.0) + tonnes
    demands = []
    for position_id, attrs in attributes.items():
        if not attrs.options:
            continue
        p = attrs.position
        cells = {(ids[code], 0): tonnes for code, tonnes in locks.get(position_id, {}).items()}
        for lock in held.locks.get(position_id, ()):
            if lock.mill not in ids:
                raise InvalidInput(
                    f"{lock.position} is locked on {lock.mill}, which is not a mill of product line {p.product_line}"
                )
            cells[ids[lock.mill], lock.month - first] = open_tonnes[position_id] if lock.tonnes is None else lock.tonnes
        demands.append(
            Demand(
                id=position_id,
                tonnes=open_tonnes[position_id],
                key_account=p.is_key_account,
                priority=priority_weight(p.manual_priority),
                options=tuple(Option(o.mill.id, o.hours_per_tonne, float(o.unit_margin)) for o in attrs.options),
                due=p.requested_month - first,
                mandatory=position_id in held.mandatory,
                locked=tuple(Lock(m, t, tonnes) for (m, t), tonnes in sorted(cells.items())),
                previous=tuple(Lock(m, t, tonnes) for (m, t), tonnes in sorted(previous.get(position_id, {}).items())),
            )
        )
    settings = Settings(
        periods=len(months),
        whole=options.whole,
        min_lot={ids[code]: tonnes for code, tonnes in options.min_lot.items() if code in ids},
        lateness_penalty=float(options.lateness_penalty),
        early_months=options.early_months,
        stability_penalty=float(options.stability),
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap / 100,
    )
    return Problem(
        tuple(demands), {(m.id, t): hours[m.code, mo] for m in mills for t, mo in enumerate(months)}, settings
    )


def _lines(
    solution: Solution,
    attributes: dict[int, PositionAttributes],
    locks: dict[int, dict[str, float]],
    mills: list[Mill],
    month: Month,
) -> tuple[list[AssignmentLine], list[ForecastLine]]:
    """The plan month's lines (the assignment) and the later months' (the forecast)."""
    codes = {m.id: m.code for m in mills}
    now, later = [], []
    for (position_id, mill_id, period), tonnes in sorted(solution.tonnes.items()):
        attrs = attributes[position_id]
        option = next(o for o in attrs.options if o.mill.id == mill_id)
        income = (Decimal(repr(tonnes)) * option.unit_margin).quantize(Decimal("0.01"))
        hours = tonnes * option.hours_per_tonne
        p = attrs.position
        if period == 0:
            now.append(
                AssignmentLine(
                    position_id=position_id,
                    position_ref=p.ref,
                    mill_code=codes[mill_id],
                    tonnes=tonnes,
                    hours=hours,
                    marginal_income=income,
                    locked=codes[mill_id] in locks.get(position_id, {}),
                    is_key_account=p.is_key_account,
                )
            )
        else:
            later.append(
                ForecastLine(
                    position_id, p.ref, codes[mill_id], month + period, tonnes, hours, income, p.is_key_account
                )
            )
    return now, later


def _exclusions(
    lines: list[AssignmentLine],
    forecast: list[ForecastLine],
    attributes: dict[int, PositionAttributes],
    open_tonnes: dict[int, float],
    solution: Solution,
    codes: dict[int, str],
    month: Month,
) -> list[Exclusion]:
    """A reason for every considered position due by ``month`` with tonnes left out of it."""
    planned: dict[int, float] = {}
    later: dict[int, list[ForecastLine]] = {}
    for line in lines:
        planned[line.position_id] = planned.get(line.position_id, 0.0) + line.tonnes
    for line in forecast:
        later.setdefault(line.position_id, []).append(line)
    result = []
    for position_id, attrs in attributes.items():
        p = attrs.position
        left_out = report_tonnes(open_tonnes[position_id] - planned.get(position_id, 0.0))
        if p.requested_month > month or left_out < prioritiser.MIN_TONNES:
            continue
        if not attrs.options:
            result.append(Exclusion(position_id, p.ref, left_out, "no_compatible_mill", attrs.no_mill_reason))
            continue
        result.append(
            explain.exclusion(
                p,
                open_tonnes[position_id],
                report_tonnes(planned.get(position_id, 0.0)),
                later.get(position_id, ()),
                solution.explanations.get(position_id),
                codes,
                [o.mill.code for o in attrs.options],
                month,
                [
                    (o.mill.code, price, float(o.margin_per_hour))
                    for o in attrs.options
                    if (price := solution.shadow_prices.get((o.mill.id, 0), 0.0)) > 0
                    and price >= float(o.margin_per_hour)
                ],
            )
        )
    return result


def latest(store: Store, month: Month, product_line: str) -> Assignment:
    """The latest revision of the month's assignment for the line, with mill hours.

    Raises :class:`NotFound` if the month has not been planned for that line.
    """
    with store.reading() as repo:
        found = repo.assignments.assignment(month, product_line)
        plant = repo.plant.whole()
    if found is None:
        raise NotFound(f"{month} has no assignment for product line {product_line}; run the prioritiser first")
    return with_hours(found, plant)
