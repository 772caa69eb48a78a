"""What changed between two revisions of a month's assignment for one product line.

By position: **added** (in the later revision only), **removed** (in the earlier only),
**moved to another month** (removed here, and held by another month's latest revision),
**made** (the later revision, a re-plan of the month in progress, holds only tonnes its
mills made, more of them than the earlier one knew: never "removed" or cut), **moved to
another mill** (its mills differ; its tonnes may differ too) and **tonnes changed** (same
mills, other tonnes). By mill: tonnes, hours and marginal income in each revision. The
CLI (``millplan diff``) and the workstation show the same :class:`RevisionDiff` through
:mod:`millplan.core.views.diff` (tables and JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.solver.prioritiser import MIN_TONNES
from millplan.storage.store import Store

CHANGES = {
    "added": _("added"),
    "removed": _("removed"),
    "moved_month": _("moved to {month}"),
    "made": _("made"),
    "moved_mill": _("moved mill"),
    "tonnes_changed": _("tonnes changed"),
}
"""Change codes (stable, for scripts) and how people read them."""


@dataclass(frozen=True)
class PositionChange:
    """One position's change: ``change`` a code of :data:`CHANGES`; tonnes (t) by mill
    code in the earlier (``mills_from``) and later (``mills_to``) revision; ``month_to``
    the month now holding it, for ``moved_month``; ``tonnes_made`` (t) the part of the
    later revision's tonnes already made in the month; its marginal income (RUB) in the
    earlier (``income_from``) and later (``income_to``) revision."""

    position_ref: str
    change: str
    mills_from: dict[str, float]
    mills_to: dict[str, float]
    month_to: Month | None = None
    tonnes_made: float = 0.0
    income_from: Decimal = Decimal(0)
    income_to: Decimal = Decimal(0)

    @property
    def income_change(self) -> Decimal:
        """What the later revision gains (above 0) or loses (below) on the position, RUB."""
        return self.income_to - self.income_from

    @property
    def tonnes_from(self) -> float:
        return sum(self.mills_from.values())

    @property
    def tonnes_to(self) -> float:
        return sum(self.mills_to.values())

    @property
    def text(self) -> str:
        return CHANGES[self.change].format(month=month_text(self.month_to) if self.month_to else "")


@dataclass(frozen=True)
class MillChange:
    """A mill's tonnes (t), hours (h) and marginal income (RUB) in the earlier and the later
    revision; ``income_change`` what the later gains (above 0) or loses (below), RUB."""

    mill_code: str
    tonnes_from: float
    tonnes_to: float
    hours_from: float
    hours_to: float
    income_from: Decimal = Decimal(0)
    income_to: Decimal = Decimal(0)

    @property
    def income_change(self) -> Decimal:
        return self.income_to - self.income_from


@dataclass(frozen=True)
class RevisionDiff:
    """Revision ``revision_from`` → ``revision_to`` of (``month``, ``product_line``)."""

    month: Month
    product_line: str
    revision_from: int
    revision_to: int
    positions: tuple[PositionChange, ...] = field(default_factory=tuple)
    mills: tuple[MillChange, ...] = field(default_factory=tuple)


def _by_position(assignment: Assignment) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {}
    for line in assignment.lines:
        mills = found.setdefault(line.position_ref, {})
        mills[line.mill_code] = mills.get(line.mill_code, 0.0) + line.tonnes
    return found


def _made(assignment: Assignment) -> dict[str, float]:
    """Tonnes made (t) by position ref."""
    made: dict[str, float] = {}
    for line in assignment.lines:
        made[line.position_ref] = made.get(line.position_ref, 0.0) + line.tonnes_made
    return made


def _income(assignment: Assignment) -> dict[str, Decimal]:
    """Marginal income (RUB) by position ref."""
    income: dict[str, Decimal] = {}
    for line in assignment.lines:
        income[line.position_ref] = income.get(line.position_ref, Decimal(0)) + line.marginal_income
    return income


def _differ(a: float, b: float) -> bool:
    return abs(a - b) >= MIN_TONNES


def compare(a: Assignment, b: Assignment, elsewhere: dict[str, Month] | None = None) -> RevisionDiff:
    """The changes from revision ``a`` to revision ``b`` (same month and line).
    ``elsewhere`` maps position refs to the other month whose assignment holds them."""
    elsewhere = elsewhere or {}
    before, after = _by_position(a), _by_position(b)
    made_before, made_after = _made(a), _made(b)
    income_before, income_after = _income(a), _income(b)
    found = []
    for ref in sorted(before.keys() | after.keys()):
        old, new = before.get(ref, {}), after.get(ref, {})
        made = made_after.get(ref, 0.0)
        # only made now, and nothing of the old plan cut: a line partly made whose rest was
        # dropped is a cut (tonnes_changed, with its tonnes made), not "made"
        if (
            new
            and not _differ(sum(new.values()), made)
            and _differ(made, made_before.get(ref, 0.0))
            and sum(old.values()) - made < MIN_TONNES
        ):
            found.append(PositionChange(ref, "made", old, new, tonnes_made=made))
        elif not old:
            found.append(PositionChange(ref, "added", {}, new, tonnes_made=made))
        elif not new:
            month = elsewhere.get(ref)
            found.append(PositionChange(ref, "moved_month" if month else "removed", old, {}, month))
        elif set(old) != set(new):
            found.append(PositionChange(ref, "moved_mill", old, new, tonnes_made=made))
        elif any(_differ(old[m], new[m]) for m in old):
            found.append(PositionChange(ref, "tonnes_changed", old, new, tonnes_made=made))
    changes = [
        replace(
            c,
            income_from=income_before.get(c.position_ref, Decimal(0)),
            income_to=income_after.get(c.position_ref, Decimal(0)),
        )
        for c in found
    ]
    mills = []
    for code in sorted({l.mill_code for l in a.lines} | {l.mill_code for l in b.lines}):
        tonnes = [sum(l.tonnes for l in r.lines if l.mill_code == code) for r in (a, b)]
        hours = [sum(l.hours for l in r.lines if l.mill_code == code) for r in (a, b)]
        income = [sum((l.marginal_income for l in r.lines if l.mill_code == code), Decimal(0)) for r in (a, b)]
        mills.append(MillChange(code, tonnes[0], tonnes[1], hours[0], hours[1], income[0], income[1]))
    return RevisionDiff(a.month, a.product_line, a.revision, b.revision, tuple(changes), tuple(mills))


def revision_diff(
    store: Store, month: Month, product_line: str, revision_from: int | None = None, revision_to: int | None = None
) -> RevisionDiff:
    """The diff of two revisions of (month, line). By default ``revision_to`` is the
    latest and ``revision_from`` the approved one before it (else the one just before).

    Raises :class:`NotFound` for a month, line or revision not in the store, and
    :class:`InvalidInput` when there is only one revision or the two are the same.
    """
    with store.reading() as repo:
        revisions = repo.assignments.revisions(month, product_line)
        if not revisions:
            raise NotFound(
                _("{month} has no assignment for product line {line}").format(
                    month=month_text(month), line=product_line
                )
            )
        numbers = [number for number, _state in revisions]
        if len(numbers) == 1:
            raise InvalidInput(
                _("{month} {line} has only revision {revision}: nothing to compare it with").format(
                    month=month_text(month), line=product_line, revision=numbers[0]
                )
            )
        to = revision_to or numbers[-1]
        if revision_from is None:
            approved = [r for r, state in revisions if r < to and state is AssignmentState.APPROVED]
            revision_from = approved[-1] if approved else to - 1
        for number in (revision_from, to):
            if number not in numbers:
                raise NotFound(
                    _("{month} {line} has no revision {revision} (revisions: {known})").format(
                        month=month_text(month), line=product_line, revision=number, known=", ".join(map(str, numbers))
                    )
                )
        if revision_from == to:
            raise InvalidInput(
                _(
                    "{month} {line}: revision {revision} compared with itself — give two revisions (--from, --to)"
                ).format(month=month_text(month), line=product_line, revision=to)
            )
        a = repo.assignments.assignment(month, product_line, revision_from)
        b = repo.assignments.assignment(month, product_line, to)
        current = Month.current()
        window = current.range(max(month - current, 0) + 13)
        held: dict[int, Month] = {}  # position id → the earliest other month holding it
        seen: set[Month] = set()
        for other, line, _revision, _state, tonnes in repo.assignments.revision_tonnes(window):  # newest revision first
            if line == product_line and other != month and other not in seen:
                seen.add(other)
                for pid in tonnes:
                    held[pid] = min(held.get(pid, other), other)
    refs = {l.position_id: l.position_ref for l in a.lines}
    return compare(a, b, {refs[pid]: m for pid, m in held.items() if pid in refs})
