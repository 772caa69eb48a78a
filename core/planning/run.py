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
month's latest revision, as do its options. A plan of the month in progress plans only
what is left of it — the hours left from today and the tonnes not yet made — and keeps
what its mills made as made lines (:mod:`millplan.core.planning.progress`).

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
from typing import Any

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.assignment import Assignment, AssignmentLine, AssignmentState, Exclusion
from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.plant import Plant
from millplan.core.mail.plan_news import notify_changes
from millplan.core.planning.inputs import (
    check_month,
    line_inputs,
    option_changes,
    plant_with_mills,
    refuse_closed,
    unclosed_warnings,
)
from millplan.core.planning.key_conflicts import conflict_news, sync_conflicts
from millplan.core.planning.line_plan import LinePlan, plan_line
from millplan.core.planning.options import DEFAULT_TIME_LIMIT, FIRST_PLAN_HORIZON
from millplan.core.planning.solving import Solve, plan_deadline
from millplan.solver.control import Deadline
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class PlanOutcome:
    """A saved draft and how it was reached: positions considered, solver status
    (``optimal`` or ``feasible``), solver name and seconds, the relative ``gap`` (0 when
    proven optimal, ``None`` if unknown), lines moved against the approved revision, and
    notes such as locks dropped, and ``warnings`` the planner must heed (the previous month
    over and not closed: its carry-over is not in the plan). The draft carries the options, forecast
    and shadow prices."""

    assignment: Assignment
    considered: int
    solver_status: str
    solver_name: str
    seconds: float
    notes: list[str] = field(default_factory=list)
    gap: float | None = 0.0
    moved_lines: int = 0
    warnings: list[str] = field(default_factory=list)


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
    first_horizon: int = FIRST_PLAN_HORIZON,
    default_time_limit: float | None = DEFAULT_TIME_LIMIT,
    deadline: Deadline | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[PlanOutcome]:
    """Plan ``month`` (and the months after it, up to the horizon) for one product line
    (or every line) and save each as a draft revision.

    ``options`` are changes (field → value of :class:`PlanOptions`) to the options the
    month's latest revision was planned with (for a first plan, the defaults with
    ``first_horizon`` months: :data:`FIRST_PLAN_HORIZON` unless given); ``solver`` and
    ``time_limit``, when given, are two such changes. Mandatory positions and locks are kept
    with the line whose positions they name. Tonnes already in another month's assignment
    (approved, else the latest draft; from the ``current`` month on) are not planned again,
    and the hours those assignments book are not offered again. All lines are solved
    before any is saved, and saved in one transaction: a failure leaves every draft as it
    was.

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

    Positions carried over from the line's closed previous month are due in ``month`` at
    the latest; when that month is over, has an approved assignment and is not closed, each
    outcome of the line carries a warning saying so (never while it is still in progress).

    Raises :class:`StateError` for a month closed for the line (naming who closed it),
    :class:`Forbidden` unless ``login`` is the product-line manager of the line,
    :class:`MillplanError` for a past month, :class:`InvalidInput` for a bad option (an
    unknown mill or position, a lock outside the horizon), :class:`NotFound` for a store
    without mills or an unknown product line, :class:`StateError` for a mandatory or
    locked position that is not open, :class:`InfeasiblePlan` when the locked lines
    and mandatory positions cannot all be kept (naming the positions and mill-months) or
    the solver finds no plan in time (naming the seconds it had), and :class:`SolverError`
    when the solver fails.
    """
    deadline = plan_deadline(deadline)
    changes = option_changes(options, solver, time_limit)
    reading = time.monotonic()
    with store.reading() as repo:
        refuse_closed(repo, month, product_line)
        current = check_month(month, changes.get("solver", "highs"), current)
        plant = plant_with_mills(repo, product_line)
        who = actor_in(repo, login, store)
        lines = [product_line] if product_line else [l for l in plant.product_lines if who.may(Action.PLAN, line=l)]
        for line in lines or plant.product_lines[:1]:  # none of them: the refusal names the first
            require(who, Action.PLAN, line=line, target=f"{month}/{line}")
        inputs, elsewhere = line_inputs(repo, plant, month, lines, current, changes, first_horizon)
        warnings = unclosed_warnings(repo, month, lines, current)
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
        solve = Solve(deadline, share, default_time_limit, "solver" in changes)
        planned.append(plan_line(plant, month, inp, elsewhere, solve))
        rest -= len(inp.positions)
    empty = [p.product_line for p in planned if not p.considered]
    planned = [p for p in planned if p.considered]
    if not planned:
        nothing = (
            _(
                "nothing to plan for {month}: no accepted position with tonnes left is due by then in product line {line}"
            )
            if product_line
            else _("nothing to plan for {month}: no accepted position with tonnes left is due by then")
        )
        raise NotFound(nothing.format(month=month_text(month), line=product_line))
    if empty:
        planned[0].notes.append(_("nothing to plan in {lines}: no draft saved there").format(lines=", ".join(empty)))
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
                p.notes.append(
                    _("nothing changed against approved revision {revision}: no new revision opened").format(
                        revision=previous.revision
                    )
                )
                saved.append(previous)
            else:
                saved.append(save_plan(repo, month, p, login, previous))
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
            [warnings[p.product_line]] if p.product_line in warnings else [],
        )
        for a, p in zip(saved, planned)
    ]


def _same_month_plan(approved: Assignment, planned: LinePlan) -> bool:
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


def save_plan(repo: UnitOfWork, month: Month, planned: LinePlan, login: str, previous: Assignment | None) -> Assignment:
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
    notify_changes(repo, previous, saved, by=login, extra=conflict_news(repo, opened))
    return saved


def with_hours(assignment: Assignment, plant: Plant) -> Assignment:
    """The assignment with the available hours of every mill of its line in its month."""
    hours = {m.code: plant.hours(m, assignment.month) for m in plant.mills if m.product_line == assignment.product_line}
    return replace(assignment, mill_hours=hours)


def latest(store: Store, month: Month, product_line: str) -> Assignment:
    """The latest revision of the month's assignment for the line, with mill hours.

    Raises :class:`NotFound` if the month has not been planned for that line.
    """
    with store.reading() as repo:
        found = repo.assignments.assignment(month, product_line)
        plant = repo.plant.whole()
    if found is None:
        plant.check_line(product_line)
        raise NotFound(
            _("{month} has no assignment for product line {line}; run the prioritiser first").format(
                month=month_text(month), line=product_line
            )
        )
    return with_hours(found, plant)
