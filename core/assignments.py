"""The product-line manager's actions on a month's assignment: lock, exclude, approve.

Only a draft is edited; approval freezes a revision for good. Planning again after
approval opens the next revision as a new draft (see :mod:`core.planning`).
"""

from __future__ import annotations

from core.errors import InvalidInput, NotFound, StateError
from core.model import Assignment, AssignmentState, parse_position_ref
from core.months import Month
from core.planning import booked_elsewhere, with_hours
from solver.prioritiser import MIN_TONNES
from storage.repository import Repository
from storage.store import Store


def _draft(repo: Repository, month: Month, product_line: str) -> Assignment:
    found = repo.assignment(month, product_line)
    if found is None:
        raise NotFound(f"{month} has no assignment for product line {product_line}; run the prioritiser first")
    if found.state is not AssignmentState.DRAFT:
        raise StateError(
            f"{month} {product_line} revision {found.revision} is {found.state.value} and frozen; "
            "run the prioritiser to open the next revision"
        )
    return found


def approve(
    store: Store, month: Month, product_line: str, *, login: str, seen: tuple[int, int] | None = None
) -> Assignment:
    """Approve the draft of (month, line), freezing it.

    ``seen`` is the ``(id, version)`` of the draft the approver looked at; if it changed
    since (a re-plan, an edit), :class:`ChangedMeanwhile` is raised and nothing approved.
    Raises :class:`NotFound` when there is no draft, and :class:`StateError` when the
    latest revision is already approved, when positions were let back in since the last
    plan (the draft does not show their tonnes yet), or when a position's tonnes here and
    in other months' assignments together exceed what is left to make (re-plan first).
    """
    with store.unit_of_work() as repo:
        draft = _draft(repo, month, product_line)
        if seen is not None:
            repo.check_unchanged(month, product_line, seen)
        waiting = [e.position_ref for e in draft.exclusions if e.reason_code == "replan"]
        if waiting:
            raise StateError(
                f"{', '.join(waiting)} let back in since the last plan: re-run the prioritiser for {month} {product_line} before approving"
            )
        _refuse_double_booking(repo, draft)
        approved = repo.approve(draft, login)
        return with_hours(approved, repo.plant())


def _refuse_double_booking(repo: Repository, draft: Assignment) -> None:
    """Raise :class:`StateError` naming the positions whose tonnes in ``draft`` and in other
    months' assignments add up to more than is left to make."""
    here: dict[int, float] = {}
    for line in draft.lines:
        here[line.position_id] = here.get(line.position_id, 0.0) + line.tonnes
    current = Month.current()
    elsewhere = booked_elsewhere(repo, current.range(max(draft.month - current, 0) + 13), draft.month)
    over = [
        p.ref
        for p in repo.positions(ids=here)
        if here[p.id] + elsewhere.get(p.id, 0.0) > p.remaining_tonnes + MIN_TONNES
    ]
    if over:
        raise StateError(
            f"{', '.join(over)} would be made twice: other months' assignments already hold their tonnes; "
            f"re-run the prioritiser for {draft.month} {draft.product_line} before approving"
        )


def set_locked(store: Store, month: Month, product_line: str, ref: str, locked: bool, *, login: str) -> Assignment:
    """Lock (or unlock) position ``ref`` (``deal#no``) on its planned mills in the draft, so
    every re-plan keeps its tonnes there. Raises :class:`NotFound` if it has no line."""
    deal, number = parse_position_ref(ref)
    with store.unit_of_work() as repo:
        draft = _draft(repo, month, product_line)
        updated = repo.set_locked(draft, repo.position(deal, number), locked, login)
        return with_hours(updated, repo.plant())


def set_excluded(
    store: Store, month: Month, product_line: str, ref: str, excluded: bool, *, login: str, reason: str | None = None
) -> Assignment:
    """Exclude position ``ref`` from the draft by hand, with a reason (it stays out of every
    re-plan until let back in), or let a hand-excluded position back in.

    Raises :class:`InvalidInput` for an exclusion without a reason, :class:`NotFound` for a
    position the draft does not hold, and :class:`StateError` for one already excluded
    by hand, or — when letting in — one that was not excluded by hand (the prioritiser's
    own exclusions are undone by locking or re-planning, not here).
    """
    deal, number = parse_position_ref(ref)
    if excluded and not (reason and reason.strip()):
        raise InvalidInput(f"excluding {ref} needs a reason (the sales manager will read it)")
    with store.unit_of_work() as repo:
        draft = _draft(repo, month, product_line)
        position = repo.position(deal, number)
        planned = any(line.position_id == position.id for line in draft.lines)
        exclusion = next((e for e in draft.exclusions if e.position_id == position.id), None)
        where = f"{month} {product_line} revision {draft.revision}"
        if not planned and exclusion is None:
            raise NotFound(f"{ref} is not in {where}: only its planned or left-out positions can be excluded")
        hand_excluded = exclusion is not None and exclusion.manual
        if excluded and hand_excluded:
            raise StateError(f"{ref} is already excluded from {where}")
        if not excluded and not hand_excluded:
            raise StateError(f"{ref} was not excluded by hand from {where}; nothing to let back in")
        updated = repo.set_excluded(draft, position, excluded, login, reason.strip() if reason else None)
        return with_hours(updated, repo.plant())
