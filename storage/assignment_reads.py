"""Queries on the revisions of the months' assignments (see :mod:`millplan.storage.assignments`
for their writes)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, select

from millplan.core.domain.assignment import Assignment, AssignmentState
from millplan.core.domain.errors import ChangedMeanwhile
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.workflow import ConflictState, EscalationState
from millplan.storage import assignment_rows
from millplan.storage.audit import AuditRepository
from millplan.storage.convert import ref_of
from millplan.storage.tables import (
    AssignmentLineRow,
    AssignmentRow,
    ConflictRow,
    DealRow,
    EscalationRow,
    ExclusionRow,
    PositionRow,
    RequestRow,
)


class AssignmentReads:
    """Revisions read on one unit of work's session, as domain objects."""

    def __init__(self, session: Session, audit: AuditRepository) -> None:
        self.session = session
        self.audit = audit

    def _load(self, row: AssignmentRow) -> Assignment:
        return assignment_rows.load(self.session, row)

    def _latest_row(self, month: Month | str, product_line: str) -> AssignmentRow | None:
        """The latest revision of (month, line), its row locked until the transaction ends."""
        return self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month == str(month), AssignmentRow.product_line == product_line)
            .order_by(AssignmentRow.revision.desc())
            .limit(1)
            .with_for_update()
        ).first()

    def assignment(
        self, month: Month, product_line: str, revision: int | None = None, *, for_update: bool = False
    ) -> Assignment | None:
        """That revision (default: the latest) of the month's assignment for the line, or None.

        ``for_update`` locks the row until the transaction ends (PostgreSQL ``SELECT … FOR
        UPDATE``; SQLite's write lock is already held from ``BEGIN IMMEDIATE``), so a state
        or version checked on it cannot change before this transaction writes.
        """
        query = select(AssignmentRow).where(
            AssignmentRow.month == str(month), AssignmentRow.product_line == product_line
        )
        if revision is not None:
            query = query.where(AssignmentRow.revision == revision)
        query = query.order_by(AssignmentRow.revision.desc()).limit(1)
        if for_update:
            query = query.with_for_update()
        row = self.session.exec(query).first()
        return self._load(row) if row else None

    def revisions(self, month: Month, product_line: str) -> list[tuple[int, AssignmentState]]:
        """(revision, state) of every revision of (month, line), oldest first."""
        return [
            (r, AssignmentState(s))
            for r, s in self.session.exec(
                select(AssignmentRow.revision, AssignmentRow.state)
                .where(AssignmentRow.month == str(month), AssignmentRow.product_line == product_line)
                .order_by(AssignmentRow.revision)
            )
        ]

    def assignments_in_force(self, months: Sequence[Month]) -> list[Assignment]:
        """For each (month, line) among ``months``: the latest approved revision, else the
        latest draft — what production works to, or would."""
        rows = self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month.in_([str(m) for m in months]))
            .order_by(AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision.desc())
        ).all()
        chosen: dict[tuple[str, str], AssignmentRow] = {}
        for row in rows:
            key = (row.month, row.product_line)
            current = chosen.get(key)
            if current is None or (
                row.state == AssignmentState.APPROVED.value and current.state != AssignmentState.APPROVED.value
            ):
                chosen[key] = row
        return [self._load(row) for row in chosen.values()]

    def approved_in_force(self, month: Month) -> list[Assignment]:
        """For each product line of ``month``: its latest approved revision (lines without
        one are left out) — what production works to and plan-vs-actual compares with."""
        rows = self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month == str(month), AssignmentRow.state == AssignmentState.APPROVED.value)
            .order_by(AssignmentRow.product_line, AssignmentRow.revision.desc())
        ).all()
        chosen: dict[str, AssignmentRow] = {}
        for row in rows:
            chosen.setdefault(row.product_line, row)
        return [self._load(row) for row in chosen.values()]

    def approved_positions(self) -> set[int]:
        """Ids of the positions any approved revision of any month has a line of (the
        stale-deal ledger's "never planned" asks it)."""
        # the approved revisions first, then their lines by index: a join walked the lines
        # of every revision (a million in five years) and was four times slower
        approved = select(AssignmentRow.id).where(AssignmentRow.state == AssignmentState.APPROVED.value)
        return set(
            self.session.exec(
                select(AssignmentLineRow.position_id).where(AssignmentLineRow.assignment_id.in_(approved)).distinct()
            )
        )

    def revision_tonnes(
        self, months: Sequence[Month]
    ) -> list[tuple[Month, str, int, AssignmentState, dict[int, float]]]:
        """Every revision of ``months``: (month, line, revision, state, tonnes by position
        id), newest revision first within each (month, line) — summed in the database, for
        checks that need no lines as objects."""
        rows = self.session.exec(
            select(
                AssignmentRow.month,
                AssignmentRow.product_line,
                AssignmentRow.revision,
                AssignmentRow.state,
                AssignmentLineRow.position_id,
                sa.func.sum(AssignmentLineRow.tonnes),
            )
            .join(AssignmentLineRow, AssignmentLineRow.assignment_id == AssignmentRow.id, isouter=True)
            .where(AssignmentRow.month.in_([str(m) for m in months]))
            .group_by(
                AssignmentRow.month,
                AssignmentRow.product_line,
                AssignmentRow.revision,
                AssignmentRow.state,
                AssignmentLineRow.position_id,
            )
            .order_by(AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision.desc())
        ).all()
        found: dict[tuple[str, str, int], tuple[Month, str, int, AssignmentState, dict[int, float]]] = {}
        for month, line, revision, state, position_id, tonnes in rows:
            entry = found.setdefault(
                (month, line, revision), (Month.parse(month), line, revision, AssignmentState(state), {})
            )
            if position_id is not None:
                entry[4][position_id] = tonnes
        return list(found.values())

    def latest_revisions(self, months: Sequence[Month]) -> list[Assignment]:
        """For each (month, line) among ``months``: its latest revision, whatever its state."""
        rows = self.session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.month.in_([str(m) for m in months]))
            .order_by(AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision.desc())
        ).all()
        latest: dict[tuple[str, str], AssignmentRow] = {}
        for row in rows:
            latest.setdefault((row.month, row.product_line), row)
        return [self._load(row) for row in latest.values()]

    def revisions_holding(self, position_id: int) -> list[tuple[Month, str, int]]:
        """(month, product line, revision) of every revision that plans or excludes the
        position ``position_id``, oldest first."""
        holding = sa.union(
            select(AssignmentLineRow.assignment_id).where(AssignmentLineRow.position_id == position_id),
            select(ExclusionRow.assignment_id).where(ExclusionRow.position_id == position_id),
        ).subquery()
        rows = self.session.exec(
            select(AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision)
            .where(AssignmentRow.id.in_(select(holding.c.assignment_id)))
            .order_by(AssignmentRow.month, AssignmentRow.product_line, AssignmentRow.revision)
        ).all()
        return [(Month.parse(month), line, revision) for month, line, revision in rows]

    def latest_holding(self, position_ids: Sequence[int], since: Month) -> dict[tuple[Month, str], set[int]]:
        """For each (month, line) of ``since`` or later whose latest revision is not approved
        and has lines of some of ``position_ids``: those position ids."""
        latest = (
            select(AssignmentRow.month, AssignmentRow.product_line, sa.func.max(AssignmentRow.revision).label("rev"))
            .where(AssignmentRow.month >= str(since))
            .group_by(AssignmentRow.month, AssignmentRow.product_line)
            .subquery()
        )
        rows = self.session.exec(
            select(AssignmentRow.month, AssignmentRow.product_line, AssignmentLineRow.position_id)
            .join(
                latest,
                sa.and_(
                    AssignmentRow.month == latest.c.month,
                    AssignmentRow.product_line == latest.c.product_line,
                    AssignmentRow.revision == latest.c.rev,
                ),
            )
            .join(AssignmentLineRow, AssignmentLineRow.assignment_id == AssignmentRow.id)
            .where(
                AssignmentRow.state != AssignmentState.APPROVED.value,
                AssignmentLineRow.position_id.in_(list(position_ids)),
            )
            .distinct()
        ).all()
        found: dict[tuple[Month, str], set[int]] = {}
        for month, line, position_id in rows:
            found.setdefault((Month.parse(month), line), set()).add(position_id)
        return found

    def check_unchanged(self, month: Month, product_line: str, seen: tuple[int, int] | None) -> None:
        """Raise :class:`ChangedMeanwhile` unless the latest revision of (month, line) is the
        one read as ``seen`` — ``(id, version)``, or ``None`` for none at all."""
        row = self._latest_row(month, product_line)
        now = (row.id, row.version) if row is not None else None
        if now == seen:
            return
        who = self.audit.last_change(f"{month}/{product_line}/r{row.revision}")
        raise ChangedMeanwhile(
            _(
                "{month} {line} revision {revision} was changed by {who} after it was read — reload and try again"
            ).format(month=month, line=product_line, revision=row.revision, who=who)
        )

    def open_issues(self, assignment: Assignment) -> tuple[list[str], int]:
        """What blocks approving ``assignment``: refs of the positions with an open conflict
        on it, and how many escalations are open on it (directly, through one of its
        conflicts, or through a request on its month and line)."""
        conflicts = self.session.exec(
            select(ConflictRow.id, PositionRow, DealRow)
            .join(PositionRow, ConflictRow.position_id == PositionRow.id)
            .join(DealRow, PositionRow.deal_id == DealRow.id)
            .where(ConflictRow.assignment_id == assignment.id, ConflictRow.state == ConflictState.OPEN.value)
            .order_by(DealRow.number, PositionRow.position_no)
        ).all()
        of_conflicts = select(ConflictRow.id).where(ConflictRow.assignment_id == assignment.id)
        of_requests = select(RequestRow.id).where(
            RequestRow.month == str(assignment.month), RequestRow.product_line == assignment.product_line
        )
        escalations = self.session.exec(
            select(sa.func.count())
            .select_from(EscalationRow)
            .where(
                EscalationRow.state == EscalationState.OPEN.value,
                sa.or_(
                    EscalationRow.assignment_id == assignment.id,
                    EscalationRow.conflict_id.in_(of_conflicts),
                    EscalationRow.request_id.in_(of_requests),
                ),
            )
        ).one()
        return [ref_of(p, d) for _, p, d in conflicts], escalations
