"""What a plan of a month is solved from: the plant (once it has mills), each product line's
eligible positions over the horizon, the options kept with the month's latest revision
(changed as asked), its last approved revision, and what other months' assignments already
hold — their tonnes of each position and the hours they book on each mill. For the month
in progress, also what its actuals made, kept as made lines, and the hours they leave
(:mod:`millplan.core.planning.progress`): the hours gone are booked like another month's.

Closing the month before (:mod:`millplan.core.workflow.month_close`) matters here: a closed
month is never planned again (:func:`refuse_closed`); the positions its carry-over names are
overdue demand of the month after it, due there at the latest (:func:`with_carry_over`); and
a plan of a month whose previous month is over, has an approved assignment and is not closed
is warned that its carry-over is missing (:func:`unclosed_warnings`) — never while that month
is still in progress, which cannot close yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from millplan.core.domain.assignment import Assignment, AssignmentLine, AssignmentState
from millplan.core.domain.errors import InvalidInput, MillplanError, NotFound, StateError
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, date_text, month_text, plant_clock, plant_today
from millplan.core.domain.numbers import grouped
from millplan.core.domain.plant import Plant
from millplan.core.domain.portfolio import DealStatus, Position, parse_position_ref
from millplan.core.mail.recipients import person
from millplan.core.planning.options import PlanOptions, progress_basis
from millplan.core.planning.progress import hours_left, hours_used, made_lines, made_so_far, month_actuals
from millplan.solver.problem import MAX_PERIODS, SOLVER_NAMES
from millplan.storage.unit_of_work import UnitOfWork


@dataclass
class LineInput:
    """What one product line is planned from: eligible positions over the horizon, the
    month's latest revision, the last approved one (for stability), the options, the
    hours (h) booked by (mill code, month) — other months' assignments, and in the month
    in progress the hours gone — and, for the month in progress, the lines its actuals
    made (``tonnes`` = ``tonnes_made``, one per position and mill), kept in the plan, and
    a note saying so for the plan's result."""

    product_line: str
    positions: list[Position]
    previous: Assignment | None
    approved: Assignment | None
    options: PlanOptions
    booked: dict[tuple[str, Month], float]
    made: tuple[AssignmentLine, ...] = ()
    notes: tuple[str, ...] = ()


def option_changes(options: Mapping[str, Any] | None, solver: str | None, time_limit: float | None) -> dict[str, Any]:
    """The option changes asked for, ``solver`` and ``time_limit`` among them when given."""
    changes = dict(options or {})
    if solver is not None:
        changes["solver"] = solver
    if time_limit is not None:
        changes["time_limit"] = time_limit
    return changes


def past_month(month: Month, current: Month | None = None) -> str | None:
    """Why ``month`` cannot be planned when it is before ``current`` (else today's month),
    naming the current month; ``None`` when it can be."""
    current = current or Month.current()
    if month >= current:
        return None
    return _("{month} is past ({current} is the current month): plan the current month or a later one").format(
        month=month_text(month), current=month_text(current)
    )


def check_month(month: Month, solver: str, current: Month | None) -> Month:
    """The current month (``current``, else today's), once ``month`` is not past and
    ``solver`` is known. Raises :class:`MillplanError` otherwise."""
    current = current or Month.current()
    refusal = past_month(month, current)
    if refusal:
        raise MillplanError(refusal)
    if solver not in SOLVER_NAMES:
        raise MillplanError(
            _("unknown solver {solver!r}: use {known}").format(solver=solver, known=_(" or ").join(SOLVER_NAMES))
        )
    return current


def refuse_closed(repo: UnitOfWork, month: Month, product_line: str | None) -> None:
    """Return unless ``month`` is closed for ``product_line`` (any line when ``None``).
    Raises :class:`StateError` naming who closed it and when: a closed month's plan-vs-actual
    figures and carry-over are frozen, so it is planned no more."""
    closes = repo.closes.closes(month, product_line)
    if closes:
        close = closes[0]
        raise StateError(
            _(
                "{month} is closed for {line} (by {who} at {at}): a closed month is not planned again — "
                "plan {next} instead"
            ).format(
                month=month_text(month),
                line=close.product_line,
                who=person(repo, close.closed_by),
                at=plant_clock(close.closed_at),
                next=month_text(month + 1),
            )
        )


def unclosed_warnings(repo: UnitOfWork, month: Month, lines: list[str], current: Month) -> dict[str, str]:
    """Product line → warning, for each of ``lines`` whose previous month is over (before
    ``current``, the plant's current month), has an approved assignment and is not closed:
    its actuals are not final, and its carry-over is not in this plan. Empty while the
    previous month is ``current`` or later: a month in progress cannot close yet."""
    previous = month - 1
    if previous >= current:
        return {}
    closed = repo.closes.closed_lines(previous)
    return {
        line: _(
            "{previous} is not closed for {line}: its actuals are not final and its carry-over is not in "
            "this plan; close it with `millplan month close {previous} --line {line}`"
        ).format(previous=previous, line=line)
        for line in lines
        if line not in closed
        and any(state is AssignmentState.APPROVED for _revision, state in repo.assignments.revisions(previous, line))
    }


def with_carry_over(repo: UnitOfWork, positions: list[Position], month: Month, line: str) -> list[Position]:
    """``positions`` (open, of accepted deals) with the carry-over into ``month`` of the line's
    closed previous month as overdue demand: each such position still open is due in
    ``month`` at the latest (its requested month becomes min(requested, ``month``)), and
    is added if it was requested after the horizon."""
    carried = repo.closes.carried_into(month, line)
    if not carried:
        return positions
    have = {p.id for p in positions}
    later = set(carried) - have
    if later:
        positions = positions + repo.plant.positions(
            deal_status=DealStatus.ACCEPTED, product_line=line, open_only=True, ids=later
        )
    return sorted(
        (replace(p, requested_month=min(p.requested_month, month)) if p.id in carried else p for p in positions),
        key=lambda p: (p.deal_number, p.position_no),
    )


def plant_with_mills(repo: UnitOfWork, product_line: str | None) -> Plant:
    """The plant, once it has mills (and ``product_line``, when given, has some).
    Raises :class:`NotFound` otherwise."""
    plant = repo.plant.whole()
    if not plant.mills:
        raise NotFound(_("there are no mills yet: import the mill register first (millplan import mills FILE)"))
    if product_line and product_line not in plant.product_lines:
        raise NotFound(
            _("product line {line} has no mills (known: {known})").format(
                line=product_line, known=", ".join(plant.product_lines)
            )
        )
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
        raise InvalidInput(
            ngettext(
                "unknown mill {mills} (known: {known})", "unknown mills {mills} (known: {known})", len(unknown)
            ).format(mills=", ".join(unknown), known=", ".join(sorted(codes)))
        )

    def own(ref: str) -> bool:
        return repo.plant.position(*parse_position_ref(ref)).product_line == line

    if "mandatory" in changes:
        result["mandatory"] = tuple(ref for ref in changes["mandatory"] if own(ref))
    if "locks" in changes:
        result["locks"] = tuple(l for l in changes["locks"] if own(l.position))
    return result


def line_inputs(
    repo: UnitOfWork,
    plant: Plant,
    month: Month,
    lines: list[str],
    current: Month,
    changes: dict[str, Any] | None = None,
    first_horizon: int | None = None,
) -> tuple[list[LineInput], dict[int, float]]:
    """Each line's plan inputs, and the tonnes other months hold; a month planned for the
    first time (no options kept) gets ``first_horizon`` months unless ``changes`` say."""
    elsewhere = booked_elsewhere(repo, current.range(month - current + 13), month)
    others = [a for a in repo.assignments.assignments_in_force(month.range(MAX_PERIODS)) if a.month != month]
    dropped = repo.dispositions.disposed_ids()
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
                    if l.position_id not in dropped:  # a cancelled remainder, a closed position: no hours held
                        booked[l.mill_code, a.month] = booked.get((l.mill_code, a.month), 0.0) + l.hours
        positions = with_carry_over(
            repo,
            repo.plant.positions(deal_status=DealStatus.ACCEPTED, product_line=line, due_by=last, open_only=True),
            month,
            line,
        )
        today = plant_today()
        made: tuple[AssignmentLine, ...] = ()
        notes: tuple[str, ...] = ()
        if month == Month.of(today):  # the month in progress: its mills offer only the hours left
            made = _made(repo, plant, month, line, today, positions)
            used = hours_used(made)
            for m in plant.mills:
                if m.product_line == line:
                    left = hours_left(plant, m, month, today, options.progress_hours, used.get(m.code, 0.0))
                    booked[m.code, month] = booked.get((m.code, month), 0.0) + plant.hours(m, month) - left
            if today.day > 1 or made:
                notes = (
                    _(
                        "{month} is in progress: only the hours left from {today} (by {basis}) and the tonnes not "
                        "yet made are planned; {made} t made on {lines} line(s) kept as made"
                    ).format(
                        month=month_text(month),
                        today=date_text(today),
                        basis=progress_basis(options.progress_hours),
                        made=grouped(sum(l.tonnes_made for l in made), 1),
                        lines=len(made),
                    ),
                )
        approved = approved_revision(repo, month, line, previous)
        inputs.append(LineInput(line, positions, previous, approved, options, booked, made, notes))
    return inputs, elsewhere


def _made(
    repo: UnitOfWork, plant: Plant, month: Month, line: str, today: date, open_positions: list[Position]
) -> tuple[AssignmentLine, ...]:
    """The lines the line's actuals of ``month`` (up to ``today``) made, one per position and
    mill; positions not among ``open_positions`` (made in full, say) are read by id."""
    made = month_actuals(repo.actuals.between(month.first_day, today, product_line=line))
    positions = {p.id: p for p in open_positions}
    missing = {pid for pid, _ in made} - set(positions)
    if missing:
        positions.update((p.id, p) for p in repo.plant.positions(ids=missing))
    return made_lines(plant, made, positions)


def approved_revision(repo: UnitOfWork, month: Month, line: str, latest: Assignment | None = None) -> Assignment | None:
    """The last approved revision of (month, line), if any (``latest``, its latest revision,
    when that is approved: not read twice)."""
    if latest is not None and latest.state is AssignmentState.APPROVED:
        return latest
    approved = [r for r, state in repo.assignments.revisions(month, line) if state is AssignmentState.APPROVED]
    return repo.assignments.assignment(month, line, approved[-1]) if approved else None


def booked_elsewhere(repo: UnitOfWork, months: list[Month], month: Month) -> dict[int, float]:
    """Tonnes of each position already in the assignments of ``months`` other than
    ``month``. Where a month has an approved revision and a newer draft, the larger of the
    two counts: either may be the one production works to. The month in progress holds
    only what its assignment has not made yet: its tonnes less the position's actuals of
    the month (never below 0) — the rest is produced already, off the tonnes left."""
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
    for revisions in ({key: t for key, (_state, t) in in_force.items()}, latest):
        by_position: dict[int, dict[Month, float]] = {}
        for (m, _line), tonnes in revisions.items():
            for pid, t in tonnes.items():
                by_month = by_position.setdefault(pid, {})
                by_month[m] = by_month.get(m, 0.0) + t
        for pid, by_month in by_position.items():
            for m, t in by_month.items():
                booked.setdefault(pid, {})[m] = max(booked.get(pid, {}).get(m, 0.0), t)
    today = plant_today()
    made = made_so_far(repo, Month.of(today), today) if Month.of(today) in months else {}
    for pid, t in made.items():
        if Month.of(today) in booked.get(pid, {}):
            booked[pid][Month.of(today)] = max(0.0, booked[pid][Month.of(today)] - t)
    return {pid: sum(by_month.values()) for pid, by_month in booked.items()}
