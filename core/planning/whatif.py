"""What a change to a month's plan would do, before anyone makes it.

:func:`what_if` solves (month, line) with a :class:`~millplan.core.planning.line_plan.Change` applied — a
position forced in, one taken out, a priority changed — and compares the result with the
latest stored revision: the change in the line's marginal income (RUB) and key-account
tonnes, and every position that would lose tonnes (displaced) or gain them. Requests,
conflicts and escalations use it to show what is at stake; nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from millplan.core.domain.assignment import Assignment, AssignmentLine, Exclusion
from millplan.core.domain.errors import StateError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.plant import Plant
from millplan.core.planning.inputs import check_month, line_inputs, option_changes, plant_with_mills
from millplan.core.planning.line_plan import NO_CHANGE, Change, LinePlan, plan_line
from millplan.core.planning.options import DEFAULT_TIME_LIMIT
from millplan.core.planning.run import save_plan, with_hours
from millplan.core.planning.solving import Solve, plan_deadline
from millplan.solver.control import Deadline, current
from millplan.solver.prioritiser import MIN_TONNES
from millplan.storage.store import Store
from millplan.storage.unit_of_work import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Shift:
    """One position's planned tonnes (t) and marginal income (RUB) before and after."""

    position_ref: str
    key_account: bool
    tonnes_before: float
    tonnes_after: float
    margin_before: Decimal
    margin_after: Decimal

    @property
    def tonnes_change(self) -> float:
        return round(self.tonnes_after - self.tonnes_before, 3)

    @property
    def margin_change(self) -> Decimal:
        return self.margin_after - self.margin_before


@dataclass(frozen=True)
class WhatIf:
    """The effect of a change on (month, line): totals before (the stored revision) and
    after, and the positions that lose tonnes (``displaced``, most tonnes first) or gain
    them (``gained``)."""

    month: Month
    product_line: str
    margin_before: Decimal
    margin_after: Decimal
    key_tonnes_before: float
    key_tonnes_after: float
    displaced: tuple[Shift, ...]
    gained: tuple[Shift, ...]
    solved: SolvedDraft

    @property
    def margin_change(self) -> Decimal:
        """RUB the line's marginal income changes by (negative: the change costs that)."""
        return self.margin_after - self.margin_before


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
    planned: LinePlan

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
    deadline = plan_deadline(deadline)
    changes = option_changes(None, solver, None)
    current = check_month(month, changes.get("solver", "highs"), current)
    with store.reading() as repo:
        plant = plant_with_mills(repo, product_line)
        [inp], elsewhere = line_inputs(repo, plant, month, [product_line], current, changes)
        eligible = {p.id for p in inp.positions if p.requested_month <= month}
        closed = [p.ref for p in repo.plant.positions(ids=change.force) if p.id not in eligible]
    if closed:
        raise StateError(
            _(
                "{refs} cannot be planned in {month} {line}: only positions of accepted deals "
                "with tonnes left and requested by that month can"
            ).format(refs=", ".join(closed), month=month_text(month), line=product_line)
        )
    deadline.limit(inp.options.time_limit or DEFAULT_TIME_LIMIT)
    solve = Solve(deadline, deadline.left(), DEFAULT_TIME_LIMIT, "solver" in changes)
    planned = plan_line(plant, month, inp, elsewhere, solve, change)
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
    return with_hours(save_plan(repo, solved.month, solved.planned, login, previous), solved.plant)


def what_if(
    store: Store,
    month: Month,
    product_line: str,
    change: Change,
    *,
    solver: str = "highs",
    deadline: Deadline | None = None,
) -> WhatIf:
    """Solve (month, line) with ``change`` under ``deadline`` (as
    :func:`solve_draft`) and compare it with the stored revision (an empty
    plan if there is none). Raises as :func:`solve_draft` does."""
    solved = solve_draft(store, month, product_line, change, solver=solver, deadline=deadline)
    return compare(solved.previous, solved)


def compare(before: Assignment | None, solved: SolvedDraft) -> WhatIf:
    """:class:`WhatIf` of ``solved`` against ``before``."""
    old = _by_position(before.lines if before else ())
    new = _by_position(solved.lines)
    shifts = []
    for ref in sorted(old.keys() | new.keys()):
        key, t0, m0 = old.get(ref, (False, 0.0, Decimal(0)))
        key1, t1, m1 = new.get(ref, (key, 0.0, Decimal(0)))
        if abs(t1 - t0) >= MIN_TONNES:
            shifts.append(Shift(ref, key or key1, round(t0, 3), round(t1, 3), m0, m1))
    return WhatIf(
        month=solved.month,
        product_line=solved.product_line,
        margin_before=sum((m for _, _, m in old.values()), Decimal(0)),
        margin_after=sum((m for _, _, m in new.values()), Decimal(0)),
        key_tonnes_before=round(sum(t for k, t, _ in old.values() if k), 3),
        key_tonnes_after=round(sum(t for k, t, _ in new.values() if k), 3),
        displaced=tuple(sorted((s for s in shifts if s.tonnes_change < 0), key=lambda s: s.tonnes_change)),
        gained=tuple(sorted((s for s in shifts if s.tonnes_change > 0), key=lambda s: -s.tonnes_change)),
        solved=solved,
    )


def _by_position(lines: tuple[AssignmentLine, ...] | list[AssignmentLine]) -> dict[str, tuple[bool, float, Decimal]]:
    """Key-account flag, tonnes and marginal income of each position over its mills."""
    result: dict[str, tuple[bool, float, Decimal]] = {}
    for line in lines:
        key, tonnes, margin = result.get(line.position_ref, (line.is_key_account, 0.0, Decimal(0)))
        result[line.position_ref] = (key, tonnes + line.tonnes, margin + line.marginal_income)
    return result


def replan(
    store: Store,
    month: Month,
    product_line: str,
    change: Change,
    *,
    login: str,
    record: Callable[[UnitOfWork], T],
    solver: str = "highs",
    deadline: Deadline | None = None,
) -> tuple[T, Assignment, WhatIf]:
    """Re-run the prioritiser for (month, line) with ``change`` and save the draft, in one
    transaction with ``record`` — the decision that caused it (a request granted, a
    conflict forced in), written first so the conflicts brought up to date by the plan
    see it. Returns what ``record`` returned, the saved revision, and its effect. Solved
    under ``deadline`` as :func:`solve_draft` is; cancelled, nothing is written.

    Raises as :func:`solve_draft` does, and :class:`ChangedMeanwhile` when
    the revision changed while the solver ran (nothing is written then).
    """
    solved = solve_draft(store, month, product_line, change, solver=solver, deadline=deadline)
    with store.unit_of_work() as repo:
        recorded = record(repo)
        saved = save_solved(repo, solved, login)
        if (watched := deadline or current()) is not None:
            watched.check()  # cancelled meanwhile: the transaction is rolled back
    return recorded, saved, compare(solved.previous, solved)
