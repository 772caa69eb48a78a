"""Writes on the revisions of the months' assignments: a plan saved as a draft, the next
revision opened after approval, submission, approval, a revision marked stale, and a
product-line manager's edits (lock, exclude, plan options). The state each change leads
to is the domain's (:mod:`millplan.core.domain.revision`); every change is audited under
the revision's key ``YYYY-MM/LINE/rN``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import select

from millplan.core.domain import revision
from millplan.core.domain.assignment import Assignment, AssignmentLine, AssignmentState, Exclusion, HorizonPlan
from millplan.core.domain.errors import ChangedMeanwhile, NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.domain.portfolio import Position
from millplan.core.domain.stored_text import Text, replaced
from millplan.core.domain.workflow import key_label
from millplan.storage import assignment_rows
from millplan.storage.assignment_reads import AssignmentReads
from millplan.storage.tables import AssignmentLineRow, AssignmentRow, ExclusionRow, MillRow, utcnow


class AssignmentRepository(AssignmentReads):
    """Revisions read and written on one unit of work's session."""

    def save_draft(
        self,
        month: Month,
        product_line: str,
        lines: Sequence[AssignmentLine],
        exclusions: Sequence[Exclusion],
        *,
        login: str,
        solver_status: str,
        solver_name: str,
        solve_seconds: float,
        horizon: HorizonPlan | None = None,
    ) -> Assignment:
        """Write a plan as the draft of (month, line): the open draft is overwritten, else a
        new revision (previous + 1) is opened. ``horizon`` brings the options, gap, moved
        lines, later months' lines and shadow prices of a horizon plan."""
        latest = self._latest_row(month, product_line)
        ids = {m.code: m.id for m in self.session.exec(select(MillRow))}
        before = None
        if latest is not None and AssignmentState(latest.state).editable:
            row = latest
            assignment_rows.clear(self.session, row.id)
            before = {"state": row.state, "stale": row.stale}
            self._back_to_editing(row)
            row.stale = False
            row.stale_reason, row.texts = replaced(row.texts, "stale_reason", None)
            row.version += 1
            action = "replanned"
        else:
            row = AssignmentRow(
                month=str(month),
                product_line=product_line,
                revision=(latest.revision + 1) if latest else 1,
                state=revision.opened(AssignmentState(latest.state) if latest else None).value,
                created_by=login,
            )
            action = "drafted"
        row.solver_status, row.solver_name, row.solve_seconds = solver_status, solver_name, solve_seconds
        horizon = horizon or HorizonPlan()
        row.options, row.gap, row.moved_lines = horizon.options, horizon.gap, horizon.moved_lines
        self._add_revision(row)
        assignment_rows.insert(self.session, row.id, ids, lines, exclusions, horizon)
        self.session.flush()
        saved = self._load(row)
        self.audit.write(
            login,
            action,
            "assignment",
            saved.key,
            before,
            {
                "state": row.state,
                **({"stale": False} if before else {}),  # a re-plan clears it
                "lines": len(lines),
                "excluded": len(exclusions),
                "solver_status": solver_status,
            },
        )
        return saved

    def _back_to_editing(self, row: AssignmentRow) -> None:
        """A changed revision goes back to editing (:func:`revision.changed`): one in review
        to draft, or to re-approval when an earlier revision of its month and line was approved."""
        state = AssignmentState(row.state)
        # only a revision leaving review asks where it goes back to: the query is skipped
        # for the draft or re-approval revision most edits and re-plans change
        approved_before = state is AssignmentState.IN_REVIEW and (
            self.session.exec(
                select(AssignmentRow.id).where(
                    AssignmentRow.month == row.month,
                    AssignmentRow.product_line == row.product_line,
                    AssignmentRow.revision < row.revision,
                    AssignmentRow.state == AssignmentState.APPROVED.value,
                )
            ).first()
            is not None
        )
        row.state = revision.changed(state, approved_before=approved_before).value
        if row.state != state.value:  # no longer submitted
            row.submitted_at = row.submitted_by = None

    def _add_revision(self, row: AssignmentRow) -> None:
        """Write ``row``; a revision number taken meanwhile by another session (two people
        opening the same next revision at once, on PostgreSQL) is :class:`ChangedMeanwhile`."""
        self.session.add(row)
        try:
            self.session.flush()
        except sa.exc.IntegrityError:
            raise ChangedMeanwhile(
                _(
                    "{month} {line} revision {revision} was opened by someone else meanwhile — reload and try again"
                ).format(month=row.month, line=row.product_line, revision=row.revision)
            ) from None

    def next_revision(self, approved: Assignment, login: str, reason: str | None = None) -> Assignment:
        """Open revision n + 1 of an approved revision's month and line, in re-approval,
        as a copy of its lines and exclusions (the approved one stays as it is, in force)."""
        row = AssignmentRow(
            month=str(approved.month),
            product_line=approved.product_line,
            revision=approved.revision + 1,
            state=revision.opened(approved.state).value,
            created_by=login,
            solver_status=approved.solver_status,
            solver_name=approved.solver_name,
            solve_seconds=approved.solve_seconds,
            options=approved.options,
            gap=approved.gap,
            moved_lines=approved.moved_lines,
        )
        self._add_revision(row)
        assignment_rows.copy(self.session, approved.id, row.id)
        self.session.flush()
        opened = self._load(row)
        self.audit.write(
            login,
            "reopened",
            "assignment",
            opened.key,
            after={"state": row.state, "from_revision": approved.revision},
            reason=reason,
        )
        return opened

    def submit(self, assignment: Assignment, login: str) -> Assignment:
        """Send an editable revision to review (state, when, who); :class:`StateError` for
        one in review or approved (:func:`revision.submitted`)."""
        row = self.session.get(AssignmentRow, assignment.id)
        before = {"state": row.state}
        row.state = revision.submitted(AssignmentState(row.state), assignment.key).value
        row.submitted_at, row.submitted_by = utcnow(), login
        row.version += 1
        self.audit.write(login, "submitted", "assignment", assignment.key, before, {"state": row.state})
        self.session.flush()
        return self._load(row)

    def approve(self, assignment: Assignment, login: str, reason: str | Text | None = None) -> Assignment:
        """Freeze a revision in review as approved (state, when, who, and the reason given,
        if any: typed, or a message millplan wrote); :class:`StateError` from any other state
        (:func:`revision.approved`)."""
        row = self.session.get(AssignmentRow, assignment.id)
        before = {"state": row.state}
        row.state = revision.approved(AssignmentState(row.state), assignment.key).value
        row.approved_at, row.approved_by = utcnow(), login
        row.approval_reason, row.texts = replaced(row.texts, "approval_reason", reason)
        row.version += 1
        self.audit.write(login, "approved", "assignment", assignment.key, before, {"state": row.state}, reason)
        self.session.flush()
        return self._load(row)

    def mark_stale(self, month: Month, product_line: str, reason: str | Text, login: str) -> list[Assignment]:
        """Mark the editable or in-review latest revision of (month, line) stale — it must be
        re-planned before approval — and return it (none when the latest is approved).
        ``reason``: a message millplan wrote, said in each reader's language, or text as typed."""
        latest = self._latest_row(month, product_line)
        if latest is None or not AssignmentState(latest.state).editable:
            return []
        before = {"stale": latest.stale, "state": latest.state}
        latest.stale = True
        latest.stale_reason, latest.texts = replaced(latest.texts, "stale_reason", reason)
        self._back_to_editing(latest)
        latest.version += 1
        self.audit.write(
            login,
            "marked stale",
            "assignment",
            f"{latest.month}/{latest.product_line}/r{latest.revision}",
            before,
            {"stale": True, "state": latest.state},
            reason,
        )
        self.session.flush()
        return [self._load(latest)]

    def set_locked(self, assignment: Assignment, position: Position, locked: bool, login: str) -> Assignment:
        """Lock (or unlock) every line of ``position`` in a draft, so re-plans keep it."""
        lines = self.session.exec(
            select(AssignmentLineRow).where(
                AssignmentLineRow.assignment_id == assignment.id,
                AssignmentLineRow.position_id == position.id,
            )
        ).all()
        if not lines:
            raise NotFound(
                _("{position} has no line in {revision} to lock").format(
                    position=position.ref, revision=key_label(assignment.key)
                )
            )
        for line in lines:
            line.locked = locked
        mills = select(MillRow.code).where(MillRow.id.in_({l.mill_id for l in lines})).order_by(MillRow.code)
        where = {
            "mill": list(self.session.exec(mills)),
            "month": str(assignment.month),
            "tonnes": sum(l.tonnes for l in lines),
        }
        self._touch(assignment, login, "locked" if locked else "unlocked", {"position": position.ref, **where})
        return self._load(self.session.get(AssignmentRow, assignment.id))

    def set_excluded(
        self,
        assignment: Assignment,
        position: Position,
        excluded: bool,
        login: str,
        reason: str | None,
        note: str | Text,
    ) -> Assignment:
        """Take ``position`` out of a draft by hand (its lines go; a manual exclusion stays
        for every re-plan), or let it back in (the next re-plan decides its tonnes).
        ``reason`` is the user's, for the audit log; ``note`` the exclusion's reason as its
        sales manager reads it (``excluded by Петрова Е. В.: …``)."""
        where_lines = (AssignmentLineRow.assignment_id == assignment.id, AssignmentLineRow.position_id == position.id)
        where_excl = (ExclusionRow.assignment_id == assignment.id, ExclusionRow.position_id == position.id)
        self.session.exec(sa.delete(ExclusionRow).where(*where_excl))
        sentence, texts = replaced(None, "reason", note)
        if excluded:
            self.session.exec(sa.delete(AssignmentLineRow).where(*where_lines))
            self.session.add(
                ExclusionRow(
                    assignment_id=assignment.id,
                    position_id=position.id,
                    tonnes_left_out=position.remaining_tonnes,
                    reason_code="manual",
                    reason=sentence,
                    manual=True,
                    texts=texts,
                )
            )
        else:
            self.session.add(
                ExclusionRow(
                    assignment_id=assignment.id,
                    position_id=position.id,
                    tonnes_left_out=position.remaining_tonnes,
                    reason_code="replan",
                    reason=sentence,
                    texts=texts,
                )
            )
        edit = {"position": position.ref} | ({"tonnes_left_out": position.remaining_tonnes} if excluded else {})
        self._touch(assignment, login, "excluded" if excluded else "included", edit, reason)
        return self._load(self.session.get(AssignmentRow, assignment.id))

    def set_options(self, assignment: Assignment, options: dict, login: str, action: str, edit: dict) -> Assignment:
        """Replace the plan options kept with an editable revision (the next re-plan uses
        them), audited as ``action`` with ``edit``: ``{"position": "DEAL#NO", …}`` and what
        the edit holds it to (``mill``, ``month``, ``tonnes``)."""
        row = self.session.get(AssignmentRow, assignment.id)
        row.options = options
        self._touch(assignment, login, action, edit)
        return self._load(row)

    def _touch(self, assignment: Assignment, login: str, action: str, edit: dict, reason: str | None = None) -> None:
        """Audit an edit of one position (``edit``: its ``position`` and details) under the revision."""
        row = self.session.get(AssignmentRow, assignment.id)
        before = {"state": row.state}
        self._back_to_editing(row)
        row.version += 1
        self.audit.write(login, action, "assignment", assignment.key, before, {**edit, "state": row.state}, reason)
        self.session.flush()
